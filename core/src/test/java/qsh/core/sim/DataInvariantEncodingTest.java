package qsh.core.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import qsh.core.calib.ActivationEncodings;
import qsh.core.calib.CalibrationInputs;
import qsh.core.calib.Calibrator;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.modelio.OnnxWriter;
import qsh.core.quant.Encoding;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.Tensor;
import qsh.core.testing.ModelBuilder;

/**
 * MaxPool and Flatten pass their input's encoding on, as QNN's quantizer does (no requantization between): in the
 * plan their outputs have exactly the Conv output's scale and offset, the QDQ simulation quantizes them with the
 * same scale and zero point (so every pooled value is one of the Conv's quantized values, unchanged), and so does
 * the export run by ONNX Runtime. Under float fallback the Conv output's override flows through them to the Gemm.
 */
class DataInvariantEncodingTest {
    static final int[] SHAPE = {1, 3, 8, 8};

    /** x → Conv → c → MaxPool → m → Flatten → f → Gemm → y; c, f and y are graph outputs. */
    static Graph model() {
        return new ModelBuilder(13).input("x", 1, 3, 8, 8)
                .init("w", random(1, -0.5, 0.5, 4, 3, 3, 3)).init("b", random(2, -0.2, 0.2, 4))
                .init("gw", random(3, -0.3, 0.3, 64, 5)).init("gb", random(4, -0.1, 0.1, 5))
                .node("Conv", List.of("x", "w", "b"), "c", ints("pads", 1, 1, 1, 1))
                .node("MaxPool", List.of("c"), "m", ints("kernel_shape", 2, 2), ints("strides", 2, 2))
                .node("Flatten", List.of("m"), "f", integer("axis", 1))
                .node("Gemm", List.of("f", "gw", "gb"), "y")
                .output("y").output("f").output("c").build();
    }

    private static ModelQuantizer.Outcome quantize() {
        List<Map<String, Tensor>> samples = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            samples.add(Map.of("x", random(10 + i, -2, 2, SHAPE)));
        }
        return ModelQuantizer.calibrate(model(), CalibrationInputs.of(samples, Map.of("x", SHAPE), "test"),
                QuantConfig.DEFAULTS, QuantOverrides.EMPTY, i -> { });
    }

    @Test
    void maxPoolAndFlattenCarryTheirInputsEncodingInThePlanSimulationAndExport() throws Exception {
        ModelQuantizer.Outcome q = quantize();
        QuantizationPlan plan = q.plan();
        Encoding c = plan.activations().get("c").encoding();
        for (String t : List.of("m", "f")) {
            Encoding e = plan.activations().get(t).encoding();
            assertEquals(c.scale(), e.scale(), 0.0, t + " scale");
            assertEquals(c.zeroPoint(), e.zeroPoint(), t + " offset");
            assertEquals(plan.activations().get("c"), plan.activations().get(t), t);
        }
        // the pooled tensor's own range is narrower: calibrating it would have given another encoding
        assertNotEquals(c, ActivationEncodings.encode(q.statistics(), "m", QuantConfig.DEFAULTS.actQuantizer(), 8,
                QuantConfig.DEFAULTS.options()));
        assertTrue(plan.converts().isEmpty(), plan.converts().toString());

        for (Graph qdq : List.of(q.simulated(), QdqGraphBuilder.export(q.graph(), plan, false))) {
            for (String t : List.of("m", "f")) {
                assertArrayEquals(((Tensor) qdq.weights().get("c_scale")).data(), ((Tensor) qdq.weights().get(t + "_scale")).data());
                assertArrayEquals(((LongTensor) qdq.weights().get("c_zero_point")).data(),
                        ((LongTensor) qdq.weights().get(t + "_zero_point")).data());
            }
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Graph exported = QdqGraphBuilder.export(q.graph(), plan, false);
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT); // run Q/DQ as written
            try (OrtSession s = env.createSession(OnnxWriter.toProto(exported).toByteArray(), so)) {
                for (int i = 0; i < 4; i++) {
                    Tensor x = random(100 + i, -2, 2, SHAPE);
                    Map<String, Object> sim = Executor.run(q.simulated(), Map.of("x", x), null);
                    assertPooledValuesAreUnchanged(((Tensor) sim.get("c")).data(), ((Tensor) sim.get("f")).data(), "simulation");
                    try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), new long[] {1, 3, 8, 8});
                         OrtSession.Result r = s.run(Map.of("x", in))) {
                        float[] oc = new float[4 * 8 * 8];
                        float[] of = new float[64];
                        ((OnnxTensor) r.get("c").orElseThrow()).getFloatBuffer().get(oc);
                        ((OnnxTensor) r.get("f").orElseThrow()).getFloatBuffer().get(of);
                        assertPooledValuesAreUnchanged(oc, of, "ONNX Runtime");
                        float[] ours = ((Tensor) sim.get("f")).data();
                        for (int k = 0; k < of.length; k++) {
                            assertTrue(Math.abs(of[k] - ours[k]) <= c.scale() * 1.001, "f[" + k + "]: " + ours[k] + " vs " + of[k]);
                        }
                    }
                }
            }
        }
    }

    /** Every flattened pooled value is exactly the maximum of its 2×2 window of the (quantized) Conv output. */
    private static void assertPooledValuesAreUnchanged(float[] c, float[] f, String where) {
        for (int ch = 0; ch < 4; ch++) {
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) {
                    float max = Float.NEGATIVE_INFINITY;
                    for (int di = 0; di < 2; di++) {
                        for (int dj = 0; dj < 2; dj++) {
                            max = Math.max(max, c[ch * 64 + (2 * i + di) * 8 + 2 * j + dj]);
                        }
                    }
                    assertEquals(max, f[ch * 16 + i * 4 + j], 0f, where + ": pooled value " + (ch * 16 + i * 4 + j));
                }
            }
        }
    }

    @Test
    void underFloatFallbackAConvOverrideFlowsThroughMaxPoolAndFlattenToTheGemm() {
        Graph g = model();
        var floats = Calibrator.floatValues(g, Map.of("x", random(5, -1, 1, SHAPE)));
        Encoding ce = Encoding.fromRange(8, -3, 3);
        Encoding ye = Encoding.fromRange(8, -5, 5);

        // the graph input has an encoding too: everything from Conv to Gemm is int8, no convert anywhere
        QuantizationPlan all = QuantizationPlanner.plan(g, floats, QuantConfig.DEFAULTS, QuantOverrides.of(
                Map.of("x", List.of(Encoding.fromRange(8, -2, 2)), "c", List.of(ce), "y", List.of(ye)), Map.of()), null);
        for (String op : List.of("Conv_1", "MaxPool_2", "Flatten_3", "Gemm_4")) {
            assertEquals("int8", all.ops().get(op).describe(), op);
        }
        assertEquals(TensorPrecision.integer(ce), all.activations().get("m"));
        assertEquals(TensorPrecision.integer(ce), all.activations().get("f"));
        assertTrue(all.converts().isEmpty(), all.converts().toString());
        assertTrue(all.params().get("w").isInt() && all.params().get("gw").isInt());

        // no encoding for x and no data to make one: the Conv runs in float, its output's encoding reaches the
        // MaxPool through a convert op the plan shows, and MaxPool → Flatten → Gemm stay int8 (no float island)
        QuantizationPlan plan = QuantizationPlanner.plan(g, floats, QuantConfig.DEFAULTS,
                QuantOverrides.of(Map.of("c", List.of(ce), "y", List.of(ye)), Map.of()), null);
        assertEquals("fp32", plan.ops().get("Conv_1").describe());
        assertFalse(plan.params().get("w").isInt(), "the float Conv's weight is float");
        assertEquals(1, plan.converts().size(), plan.converts().toString());
        QuantizationPlan.ConvertOp convert = plan.converts().get(0);
        assertEquals("c → MaxPool_2: fp32 → int8", convert.describe());
        assertEquals(TensorPrecision.integer(ce), convert.to());
        for (String op : List.of("MaxPool_2", "Flatten_3", "Gemm_4")) {
            assertEquals("int8", plan.ops().get(op).describe(), op);
        }
        assertEquals(TensorPrecision.integer(ce), plan.activations().get("f"));
        assertTrue(plan.params().get("gw").isInt());
        assertTrue(plan.warnings().stream().anyMatch(w -> w.startsWith("Conv_1 (Conv) runs in fp32: its input 'x'")),
                plan.warnings().toString());
        assertEquals(List.of(), IntegerOpInputsTest.unconvertedReads(g, plan));
    }
}
