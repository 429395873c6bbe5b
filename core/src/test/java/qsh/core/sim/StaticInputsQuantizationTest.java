package qsh.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static qsh.core.testing.ModelBuilder.integer;
import static qsh.core.testing.ModelBuilder.ints;
import static qsh.core.testing.ModelBuilder.random;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
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
 * Static (initializer) inputs of ops without weights are parameters of the integer op that reads them: Add's
 * constant map, Mul's scalar and Concat's constant block get weight_bw encodings by param_quantizer, per tensor,
 * and the export stores them quantized; Resize-like non-data inputs (Clip's bounds here) stay float. The export,
 * run by ONNX Runtime, gives what qsh's simulation gives within one output step.
 */
class StaticInputsQuantizationTest {
    static final int[] SHAPE = {1, 3, 6, 6};

    /** x → Conv → Add(map) → Clip(lo, hi) → Mul(scalar) → Concat(block) → y. */
    static Graph model() {
        return new ModelBuilder(13).input("x", 1, 3, 6, 6)
                .init("w", random(1, -0.5, 0.5, 4, 3, 3, 3)).init("b", random(2, -0.2, 0.2, 4))
                .init("map", random(3, -1, 1, 1, 4, 6, 6))
                .init("lo", Tensor.vector(-1f).reshape()).init("hi", Tensor.vector(2f).reshape())
                .init("half", Tensor.vector(0.37f).reshape())
                .init("block", random(4, -3, 1, 1, 2, 6, 6))
                .node("Conv", List.of("x", "w", "b"), "c", ints("pads", 1, 1, 1, 1))
                .node("Add", List.of("c", "map"), "a")
                .node("Clip", List.of("a", "lo", "hi"), "k")
                .node("Mul", List.of("k", "half"), "m")
                .node("Concat", List.of("m", "block"), "y", integer("axis", 1))
                .output("y").build();
    }

    private static ModelQuantizer.Outcome quantize(QuantConfig cfg) {
        List<Map<String, Tensor>> samples = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            samples.add(Map.of("x", random(10 + i, -2, 2, SHAPE)));
        }
        return ModelQuantizer.calibrate(model(), CalibrationInputs.of(samples, Map.of("x", SHAPE), "test"), cfg,
                QuantOverrides.EMPTY, i -> { });
    }

    @ParameterizedTest(name = "weight_bw {0}")
    @CsvSource({"8", "4"})
    void staticDataInputsAreParametersAtWeightBitwidth(int weightBw) throws Exception {
        QuantConfig cfg = QuantConfig.DEFAULTS.withWeightBw(weightBw);
        ModelQuantizer.Outcome q = quantize(cfg);
        QuantizationPlan plan = q.plan();
        for (String t : List.of("map", "half", "block")) {
            TensorPrecision p = plan.params().get(t);
            assertTrue(p != null && p.isInt() && p.bitwidth() == weightBw && !p.perChannel(), t + ": " + p);
        }
        assertNull(plan.params().get("lo"), "Clip's bounds are not data");
        assertNull(plan.params().get("hi"));
        // tf encodes the scalar with 0 in range, [0, 0.37], widened by the spec's minimum range 1e-4 (0.3701)
        Encoding half = plan.params().get("half").encoding();
        assertEquals(0.0, half.min(), 1e-12);
        assertEquals(0.3701, half.max(), 1e-6);

        Graph exported = QdqGraphBuilder.export(q.graph(), plan, false);
        for (String t : List.of("map", "half", "block")) {
            assertFalse(exported.weights().containsKey(t), t + " is stored quantized");
            assertTrue(exported.weights().containsKey(t + "_quantized"), t);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            try (OrtSession s = env.createSession(OnnxWriter.toProto(exported).toByteArray(), so)) {
                Encoding out = plan.activations().get("y").encoding();
                int beyondOne = 0;
                for (int i = 0; i < 4; i++) {
                    Tensor x = random(100 + i, -2, 2, SHAPE);
                    float[] ours = ((Tensor) Executor.run(q.simulated(), Map.of("x", x), null).get("y")).data();
                    try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), new long[] {1, 3, 6, 6});
                         OrtSession.Result r = s.run(Map.of("x", in))) {
                        float[] ref = new float[ours.length];
                        ((OnnxTensor) r.get("y").orElseThrow()).getFloatBuffer().get(ref);
                        for (int k = 0; k < ref.length; k++) {
                            double steps = (Math.abs(ref[k] - ours[k]) - 4 * Math.ulp(Math.abs(ref[k]))) / out.scale();
                            assertTrue(steps <= 2, "y[" + k + "]: simulation " + ours[k] + ", ORT " + ref[k]);
                            beyondOne += steps > 1 ? 1 : 0;
                        }
                    }
                }
                assertTrue(beyondOne <= 4 * 216 / 100, beyondOne + " values more than one step apart");
            }
        }
    }

    @Test
    void theSimulationComputesWithTheQuantizedConstants() {
        ModelQuantizer.Outcome q = quantize(QuantConfig.DEFAULTS.withWeightBw(4));
        Tensor block = (Tensor) q.simulated().weights().get("block");
        Tensor original = (Tensor) model().weights().get("block");
        Encoding e = q.plan().params().get("block").encoding();
        int moved = 0;
        for (int i = 0; i < block.size(); i++) {
            double onGrid = (block.data()[i] - e.min()) / e.scale();
            assertEquals(Math.rint(onGrid), onGrid, 1e-3, "simulated constant on the 4-bit grid");
            moved += block.data()[i] != original.data()[i] ? 1 : 0;
        }
        assertTrue(moved > block.size() / 2, "the 4-bit constant differs from the float one");
    }
}
