package qsh.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static qsh.core.testing.ModelBuilder.integer;
import static qsh.core.testing.ModelBuilder.ints;
import static qsh.core.testing.ModelBuilder.random;
import static qsh.core.testing.ModelBuilder.real;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.core.calib.CalibrationInputs;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.modelio.OnnxWriter;
import qsh.core.quant.Encoding;
import qsh.core.tensor.Tensor;
import qsh.core.testing.ModelBuilder;

/**
 * The CNN ops added for real models, quantized: Conv3d's weight is per-channel on axis 0 like Conv's, PRelu's slope
 * and InstanceNormalization's scale are weights and its B a bias (32-bit: scale = input scale × scale's scale),
 * and the exported QDQ model, run by ONNX Runtime, gives what qsh's simulation gives: within one output step on
 * at least 99 % of the values, two everywhere.
 */
class CnnOpsQuantizationTest {
    static final int[] SHAPE = {1, 3, 4, 6, 6};

    /** Conv3d → PRelu → InstanceNormalization → MaxPool3d → Split → (Softplus | Reshape → LRN → Tile → ReduceSum, Selu). */
    static Graph model() {
        return new ModelBuilder(13).input("x", 1, 3, 4, 6, 6)
                .init("w", random(1, -0.5, 0.5, 4, 3, 3, 3, 3)).init("b", random(2, -0.2, 0.2, 4))
                .init("slope", random(3, 0.05, 0.4, 4, 1, 1, 1))
                .init("scale", random(4, 0.5, 1.5, 4)).init("shift", random(5, -0.3, 0.3, 4))
                .init("sizes", new long[] {2}, 1, 3).init("reps", new long[] {4}, 1, 1, 2, 1)
                .init("four", new long[] {4}, 1, 3, 6, 3)
                .init("axes", new long[] {1}, 2)
                .node("Conv", List.of("x", "w", "b"), "c", ints("pads", 1, 1, 1, 1, 1, 1))
                .node("PRelu", List.of("c", "slope"), "p")
                .node("InstanceNormalization", List.of("p", "scale", "shift"), "n")
                .node("MaxPool", List.of("n"), "m", ints("kernel_shape", 2, 2, 2), ints("strides", 2, 2, 2))
                .node("Split", List.of("m", "sizes"), List.of("s0", "s1"), integer("axis", 1))
                .node("Softplus", List.of("s0"), "o1")
                .node("Reshape", List.of("s1", "four"), "r") // ONNX Runtime's LRN takes 4-D inputs only
                .node("LRN", List.of("r"), "l", integer("size", 3))
                .node("Tile", List.of("l", "reps"), "t")
                .node("ReduceSum", List.of("t", "axes"), "o2")
                .node("Selu", List.of("s1"), "o3", real("gamma", 1.2f))
                .output("o1").output("o2").output("o3").build();
    }

    @ParameterizedTest(name = "per-channel {0}, bias_bw {1}, act_bw {2}")
    @CsvSource({"true, 32, 8", "false, 8, 8", "true, 32, 16"})
    void plansParamsAndExportMatchesSimulation(boolean perChannel, int biasBw, int actBw) throws Exception {
        Graph g = model();
        List<Map<String, Tensor>> samples = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            samples.add(Map.of("x", random(10 + i, -2, 2, SHAPE)));
        }
        QuantConfig cfg = QuantConfig.DEFAULTS.withPerChannel(perChannel).withBiasBw(biasBw).withActBw(actBw);
        ModelQuantizer.Outcome q = ModelQuantizer.calibrate(g, CalibrationInputs.of(samples, Map.of("x", SHAPE), "test"),
                cfg, QuantOverrides.EMPTY, i -> { });
        QuantizationPlan plan = q.plan();

        TensorPrecision w = plan.params().get("w");
        assertTrue(w.isInt());
        assertEquals(perChannel ? 4 : 1, w.encodings().size(), "Conv3d weight encodings");
        assertEquals(perChannel, w.perChannel());
        for (String weight : List.of("slope", "scale")) {
            TensorPrecision p = plan.params().get(weight);
            assertTrue(p != null && p.isInt() && p.bitwidth() == 8 && !p.perChannel(), weight + ": " + p);
        }
        TensorPrecision shift = plan.params().get("shift");
        assertTrue(shift != null && shift.isInt() && shift.bitwidth() == biasBw, "shift: " + shift);
        if (biasBw == 32) {
            double expected = plan.activations().get("p").encoding().scale() * plan.params().get("scale").encoding().scale();
            assertEquals(expected, shift.encoding().scale(), expected * 1e-12, "InstanceNormalization B scale");
        }
        for (String t : List.of("c", "p", "n", "m", "s0", "s1", "o1", "r", "l", "t", "o2", "o3")) {
            assertTrue(plan.activations().get(t).isInt(), t + " is quantized");
        }

        Graph exported = QdqGraphBuilder.export(g, plan, false);
        assertFalse(exported.weights().containsKey("slope"), "the slope is stored quantized");
        assertExportMatchesSimulation(exported, q, List.of("o1", "o2", "o3"), SHAPE);
    }

    /**
     * 3-D ConvTranspose (the spec's per-channel rule: TransposeConv weights are [C, M/group, k…], channels on axis 1)
     * → Relu, grouped: its weight gets one encoding per index of W's axis 1, and the export runs in ONNX Runtime as
     * simulated.
     */
    @ParameterizedTest(name = "per-channel {0}, bias_bw {1}, act_bw {2}")
    @CsvSource({"true, 32, 8", "false, 8, 8", "true, 32, 16"})
    void transposedConv3dIsPerChannelOnItsOutputAxis(boolean perChannel, int biasBw, int actBw) throws Exception {
        int[] shape = {1, 4, 3, 4, 4};
        Graph g = new ModelBuilder(13).input("x", 1, 4, 3, 4, 4)
                .init("w", random(41, -0.5, 0.5, 4, 3, 3, 2, 3)).init("b", random(42, -0.2, 0.2, 6))
                .node("ConvTranspose", List.of("x", "w", "b"), "t", integer("group", 2), ints("strides", 2, 2, 1),
                        ints("pads", 1, 0, 1, 0, 1, 1), ints("output_padding", 1, 0, 0))
                .node("Relu", List.of("t"), "o1")
                .output("o1").build();
        List<Map<String, Tensor>> samples = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            samples.add(Map.of("x", random(50 + i, -2, 2, shape)));
        }
        QuantConfig cfg = QuantConfig.DEFAULTS.withPerChannel(perChannel).withBiasBw(biasBw).withActBw(actBw);
        ModelQuantizer.Outcome q = ModelQuantizer.calibrate(g, CalibrationInputs.of(samples, Map.of("x", shape), "test"),
                cfg, QuantOverrides.EMPTY, i -> { });
        TensorPrecision w = q.plan().params().get("w");
        assertTrue(w.isInt());
        // one scale per slice of W's axis 1 (M/group = 3): a per-axis DequantizeLinear has one scale per index of
        // its axis, so with 2 groups each encoding covers output channel j of both groups
        assertEquals(perChannel ? 3 : 1, w.encodings().size(), "ConvTranspose3d weight encodings");
        if (perChannel) {
            assertEquals(1, w.axis(), "output channels are W's axis 1");
        }
        assertEquals(biasBw, q.plan().params().get("b").bitwidth(), "bias");
        assertExportMatchesSimulation(QdqGraphBuilder.export(g, q.plan(), false), q, List.of("o1"), shape);
    }

    /**
     * ONNX Runtime (optimizations off) on {@code exported} gives qsh's simulation on 8 random inputs: within one
     * output step on at least 99 % of the values, two everywhere.
     */
    private static void assertExportMatchesSimulation(Graph exported, ModelQuantizer.Outcome q, List<String> outputs,
                                                      int[] shape) throws Exception {
        QuantizationPlan plan = q.plan();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT); // run Q/DQ as written
            try (OrtSession s = env.createSession(OnnxWriter.toProto(exported).toByteArray(), so)) {
                int beyondOne = 0;
                int values = 0;
                for (int i = 0; i < 8; i++) {
                    Tensor x = random(100 + i, -2, 2, shape);
                    Map<String, Object> sim = Executor.run(q.simulated(), Map.of("x", x), null);
                    try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()),
                            Arrays.stream(shape).asLongStream().toArray());
                         OrtSession.Result r = s.run(Map.of("x", in))) {
                        for (String o : outputs) {
                            Encoding e = plan.activations().get(o).encoding();
                            float[] ref = new float[((Tensor) sim.get(o)).size()];
                            ((OnnxTensor) r.get(o).orElseThrow()).getFloatBuffer().get(ref);
                            float[] ours = ((Tensor) sim.get(o)).data();
                            values += ref.length;
                            for (int k = 0; k < ref.length; k++) {
                                // steps apart, allowing for the float rounding of the dequantized values themselves
                                double steps = (Math.abs(ref[k] - ours[k]) - 4 * Math.ulp(Math.abs(ref[k]))) / e.scale();
                                beyondOne += steps > 1 ? 1 : 0;
                                assertTrue(steps <= 2, o + "[" + k + "]: simulation " + ours[k] + " and ORT on the export "
                                        + ref[k] + " differ by more than two steps " + e.scale());
                            }
                        }
                    }
                }
                // a value within a float rounding of a grid boundary upstream (InstanceNormalization's float
                // arithmetic differs from ORT's in the last bit) moves one step there, and up to two steps in an op
                // whose own grid is finer (MaxPool's range is inside its input's)
                assertTrue(beyondOne <= values / 100, beyondOne + " of " + values + " values more than one step apart");
            }
        }
    }
}
