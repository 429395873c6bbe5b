package qsh.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static qsh.core.testing.ModelBuilder.integer;
import static qsh.core.testing.ModelBuilder.random;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import qsh.core.calib.CalibrationInputs;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.modelio.OnnxWriter;
import qsh.core.quant.Encoding;
import qsh.core.tensor.Tensor;
import qsh.core.testing.ModelBuilder;

/**
 * --use_per_row_quantization: a FullyConnected (Gemm, with and without transB) and a MatMul by a constant 2-D matrix
 * get one weight encoding per output row; Conv weights keep the per-channel setting; the 32-bit bias follows each
 * row's scale. ONNX Runtime runs the per-axis export and gives what the simulation gives.
 */
class PerRowQuantizationTest {
    /** x[1,6] → Gemm(W[4,6], transB) → Gemm(V[4,5]) → MatMul(M[5,3]) → y. Rows of very different size. */
    static Graph model() {
        Tensor w = random(1, -1, 1, 4, 6);
        for (int i = 0; i < 6; i++) {
            w.data()[i] *= 0.01f; // row 0 is a hundred times smaller than the others
        }
        return new ModelBuilder(13).input("x", 1, 6)
                .init("w", w).init("b", random(2, -0.1, 0.1, 4))
                .init("v", random(3, -1, 1, 4, 5)).init("c", random(4, -0.1, 0.1, 5))
                .init("m", random(5, -1, 1, 5, 3))
                .node("Gemm", List.of("x", "w", "b"), "h", integer("transB", 1))
                .node("Gemm", List.of("h", "v", "c"), "k")
                .node("MatMul", List.of("k", "m"), "y")
                .output("y").build();
    }

    private static ModelQuantizer.Outcome quantize(QuantConfig cfg) {
        List<Map<String, Tensor>> samples = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            samples.add(Map.of("x", random(10 + i, -2, 2, 1, 6)));
        }
        return ModelQuantizer.calibrate(model(), CalibrationInputs.of(samples, Map.of("x", new int[] {1, 6}), "test"),
                cfg, QuantOverrides.EMPTY, i -> { });
    }

    @Test
    void everyRowHasItsOwnEncodingAndOrtAgrees() throws Exception {
        QuantConfig cfg = QuantConfig.DEFAULTS.withPerChannel(true).withPerRow(true).withBiasBw(32);
        ModelQuantizer.Outcome q = quantize(cfg);
        QuantizationPlan plan = q.plan();
        assertEquals(4, plan.params().get("w").encodings().size(), "Gemm transB: rows along axis 0");
        assertEquals(0, plan.params().get("w").axis());
        assertEquals(5, plan.params().get("v").encodings().size(), "Gemm: outputs along axis 1");
        assertEquals(1, plan.params().get("v").axis());
        assertEquals(3, plan.params().get("m").encodings().size(), "MatMul: outputs along axis 1");
        List<Encoding> w = plan.params().get("w").encodings();
        assertTrue(w.get(0).scale() < w.get(1).scale() / 20, "the small row gets a fine grid");
        double in = plan.activations().get("x").encoding().scale();
        for (int r = 0; r < 4; r++) {
            assertEquals(in * w.get(r).scale(), plan.params().get("b").encodings().get(r).scale(), 1e-15,
                    "bias scale of row " + r);
        }
        assertFalse(quantize(QuantConfig.DEFAULTS.withPerChannel(true)).plan().params().get("w").perChannel(),
                "without --use_per_row_quantization a Gemm stays per tensor (spec: per-channel is for Conv)");

        Graph exported = QdqGraphBuilder.export(q.graph(), plan, false);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            try (OrtSession s = env.createSession(OnnxWriter.toProto(exported).toByteArray(), so)) {
                double step = plan.activations().get("y").encoding().scale();
                for (int i = 0; i < 8; i++) {
                    Tensor x = random(100 + i, -2, 2, 1, 6);
                    float[] ours = ((Tensor) Executor.run(q.simulated(), Map.of("x", x), null).get("y")).data();
                    try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), new long[] {1, 6});
                         OrtSession.Result r = s.run(Map.of("x", t))) {
                        float[] ref = new float[ours.length];
                        ((OnnxTensor) r.get("y").orElseThrow()).getFloatBuffer().get(ref);
                        for (int k = 0; k < ref.length; k++) {
                            assertEquals(ref[k], ours[k], step * 1.01, "y[" + k + "] of input " + i);
                        }
                    }
                }
            }
        }
    }
}
