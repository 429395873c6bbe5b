package qsh.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import qsh.core.calib.CalibrationInputs;
import qsh.core.calib.CalibrationStatistics;
import qsh.core.calib.Calibrator;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.graph.ValueInfo;
import qsh.core.modelio.OnnxReader;
import qsh.core.quant.Encoding;
import qsh.core.tensor.Tensor;
import qsh.core.testing.ModelBuilder;

/**
 * Spec, "Mixed Precision": an op is wholly integer or wholly float, so an integer op reads every float tensor as
 * integers of its own bitwidth, directly or through a convert op in the plan (which {@code graph} shows). Checked
 * over every model in the tests (the demo model, the PaddleOCR models, the small graphs of the core tests), in
 * quantized mode without and with overrides, and under float fallback with a few overrides (no calibration data,
 * so converts cannot be calibrated). Data-invariant ops' outputs share their input's precision unless overridden.
 */
class IntegerOpInputsTest {
    /** Models and the input shape they are calibrated at (small, so the test stays quick). */
    static Stream<String> models() {
        return Stream.of("demo", ModelBuilder.CLASSIFIER, ModelBuilder.DETECTOR, "models/ch_PP-OCRv4_det_infer.onnx",
                "models/ch_PP-OCRv3_rec_infer.onnx", "models/ch_PP-OCRv4_rec_infer.onnx", "static-inputs", "cnn-ops",
                "invariant-chain");
    }

    private static Graph model(String which) throws Exception {
        return switch (which) {
            case "demo" -> OnnxReader.read(ModelBuilder.DEMO);
            case "static-inputs" -> StaticInputsQuantizationTest.model();
            case "cnn-ops" -> CnnOpsQuantizationTest.model();
            case "invariant-chain" -> DataInvariantEncodingTest.model();
            default -> ModelBuilder.resource(which);
        };
    }

    private static int[] inputShape(String which, Graph g) {
        if (which.equals("demo")) {
            return new int[] {1, 1, 28, 28};
        }
        if (which.contains("_cls_")) {
            return new int[] {1, 3, 48, 192};
        }
        if (which.contains("_rec_")) {
            return new int[] {1, 3, 48, 96};
        }
        if (which.contains("_det_")) {
            return new int[] {1, 3, 64, 96};
        }
        ValueInfo in = g.inputs().get(0);
        return Arrays.stream(in.dims()).mapToInt(d -> (int) d).toArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void everyIntegerOpReadsIntegersOfItsBitwidthOrThroughAConvert(String which) throws Exception {
        Graph g = ModelQuantizer.converterView(model(which), ModelQuantizer.Converter.DEFAULTS).graph();
        String input = g.inputs().get(0).name();
        int[] shape = inputShape(which, g);
        List<Map<String, Tensor>> samples = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            samples.add(Map.of(input, ModelBuilder.random(40 + i, -1, 1, shape)));
        }
        CalibrationStatistics stats = Calibrator.collect(g, CalibrationInputs.of(samples, Map.of(input, shape), "test"),
                false, 0, i -> { });
        Set<String> floats = stats.tensors();
        List<String> acts = activationsInOrder(g, floats);

        QuantizationPlan plain = QuantizationPlanner.plan(g, floats, QuantConfig.DEFAULTS, QuantOverrides.EMPTY, stats);
        assertEquals(List.of(), unconvertedReads(g, plain), which + ", quantized");
        assertInvariantOutputsShareTheirInputs(g, plain, QuantOverrides.EMPTY);

        QuantOverrides mixed = mixedOverrides(g, acts, true);
        QuantizationPlan quantized = QuantizationPlanner.plan(g, floats, QuantConfig.DEFAULTS, mixed, stats);
        assertEquals(List.of(), unconvertedReads(g, quantized), which + ", quantized with overrides");
        assertInvariantOutputsShareTheirInputs(g, quantized, mixed);

        for (boolean inputEncoded : new boolean[] {true, false}) {
            QuantOverrides few = mixedOverrides(g, acts, inputEncoded);
            QuantizationPlan fallback = QuantizationPlanner.plan(g, floats, QuantConfig.DEFAULTS, few, null);
            // with the input encoded the chain from it is integer; without, an op whose float input has no encoding
            // runs in float, and a model may then have no integer op at all (each warned about)
            assertTrue(!inputEncoded || fallback.integerCount() > 0, which + ": " + fallback.activations());
            assertEquals(List.of(), unconvertedReads(g, fallback), which + ", float fallback, input encoded " + inputEncoded);
            assertInvariantOutputsShareTheirInputs(g, fallback, few);
        }
    }

    /**
     * A few overrides over the activations: int8 and int16 full encodings, an FP16 one, and (to make a weighted op
     * float) the first weight as float; with {@code inputEncoded} the graph input gets an int8 encoding too.
     */
    private static QuantOverrides mixedOverrides(Graph g, List<String> acts, boolean inputEncoded) {
        Map<String, List<Encoding>> a = new LinkedHashMap<>();
        if (inputEncoded) {
            a.put(g.inputs().get(0).name(), List.of(Encoding.fromRange(8, -1, 1)));
        }
        for (int i = 1; i < acts.size(); i++) {
            String t = acts.get(i);
            if (i % 5 == 1) {
                a.put(t, List.of(Encoding.fromRange(8, -4, 4)));
            } else if (i % 7 == 3) {
                a.put(t, List.of(Encoding.fromRange(16, -4, 4)));
            } else if (i % 11 == 4) {
                a.put(t, List.of(Encoding.floatingPoint(16)));
            }
        }
        Map<String, List<Encoding>> p = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            WeightedOp w = WeightedOp.of(g, n);
            if (w != null) {
                p.put(w.weight(), List.of(Encoding.floatingPoint(32)));
                break;
            }
        }
        return QuantOverrides.of(a, p);
    }

    private static List<String> activationsInOrder(Graph g, Set<String> floats) {
        List<String> out = new ArrayList<>();
        for (Node n : g.nodes()) {
            for (String o : n.outputs()) {
                if (floats.contains(o)) {
                    out.add(o);
                }
            }
        }
        return out;
    }

    /** Every (op, input) where an integer op reads a float activation or parameter with no convert making it integers. */
    static List<String> unconvertedReads(Graph g, QuantizationPlan plan) {
        List<String> bad = new ArrayList<>();
        for (Node n : g.nodes()) {
            TensorPrecision op = plan.ops().get(n.name());
            if (op == null || !op.isInt() || plan.int32Ops().contains(n.name())) {
                continue;
            }
            for (int i = 0; i < n.inputs().size(); i++) {
                String t = n.input(i);
                if (t.isEmpty() || plan.fused().containsKey(t)) {
                    continue;
                }
                TensorPrecision param = plan.params().get(t);
                if (param != null && !param.isInt()) {
                    bad.add(n.name() + " (" + n.opType() + ", " + op.describe() + ") reads float parameter " + t);
                }
                TensorPrecision from = plan.activations().get(t);
                if (from == null || from.isInt() && from.bitwidth() == op.bitwidth()) {
                    continue;
                }
                int index = i;
                boolean converted = plan.converts().stream().anyMatch(c -> c.tensor().equals(t)
                        && c.consumer().equals(n.name()) && c.index() == index && c.to().isInt()
                        && c.to().bitwidth() == op.bitwidth());
                if (!converted) {
                    bad.add(n.name() + " (" + n.opType() + ", " + op.describe() + ") reads " + t + " at "
                            + from.describe() + " with no convert");
                }
            }
        }
        return bad;
    }

    /** A data-invariant op's output without an override has exactly its input's precision (or its carried one). */
    private static void assertInvariantOutputsShareTheirInputs(Graph g, QuantizationPlan plan, QuantOverrides ov) {
        for (Node n : g.nodes()) {
            String in = DataInvariantOps.dataInput(n);
            TensorPrecision pin = in == null ? null : plan.activations().get(in);
            if (pin == null) {
                continue;
            }
            for (String o : n.outputs()) {
                TensorPrecision pout = plan.activations().get(o);
                if (pout == null || ov.contains(o)) {
                    continue;
                }
                if (pin.isInt() || pout.isInt() == false) {
                    assertEquals(pin, pout, n.name() + " (" + n.opType() + "): " + o + " shares " + in + "'s precision");
                } else { // float fallback: the input's producer ran in float; the op reads it through a convert
                    TensorPrecision converted = plan.converts().stream()
                            .filter(c -> c.consumer().equals(n.name()) && c.index() == 0).findFirst().orElseThrow().to();
                    assertEquals(converted, pout, n.name() + ": " + o + " has the converted input's encoding");
                }
            }
        }
    }
}
