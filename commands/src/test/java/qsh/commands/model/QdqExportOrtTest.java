package qsh.commands.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.commands.Interpreter;
import qsh.core.workflow.ModelState;
import qsh.core.data.FashionMnist;
import qsh.core.exec.Executor;
import qsh.core.quant.Encoding;
import qsh.core.tensor.Tensor;

/**
 * The exported QDQ model, run by ONNX Runtime (the oracle), computes what qsh's simulation computes: on the
 * Fashion-MNIST test images, the same prediction on every image and logits within one output quantization step.
 * ORT runs with graph optimizations off, so QuantizeLinear/DequantizeLinear execute as written (with its
 * optimizations on, ORT fuses them into integer kernels whose requantization rounds differently).
 */
class QdqExportOrtTest {
    static final Path LIST = Path.of("..", "scripts", "data", "demo", "input_list.txt").toAbsolutePath();
    static Tensor images;
    static int[] labels;

    @TempDir
    Path dir;

    @BeforeAll
    static void data() throws Exception {
        FashionMnist.Split test = FashionMnist.read(null, false, 0);
        images = test.images();
        labels = test.labels();
    }

    @ParameterizedTest(name = "{0}: {1} images")
    @CsvSource({
            "'',                                                   10000, 13",
            "--per-channel --bias-bw 32,                           2000,  13",
            "--act-bw 16,                                          1000,  21",
            "--per-channel --weight-bw 4 --bias-bw 32,             1000,  13",
            "--per-channel --weight-bw 4 --pack-4-bit-weights,     1000,  21",
    })
    void ortMatchesSimulation(String flags, int count, long opset) throws Exception {
        Interpreter in = new Interpreter();
        boolean pack = flags.contains("--pack-4-bit-weights");
        in.execute("calibrate " + LIST + " " + flags.replace("--pack-4-bit-weights", ""));
        Path out = dir.resolve("q.onnx");
        in.execute("export " + out + (pack ? " --pack-4-bit-weights" : ""));
        ModelState m = in.session().model().orElseThrow();
        assertEquals(opset, m.simulated().opset() >= 21 || pack ? 21 : 13);
        Encoding logits = m.plan().activations().get("logits").encoding();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int per = 28 * 28;
        java.util.concurrent.atomic.AtomicInteger samePred = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger nearTies = new java.util.concurrent.atomic.AtomicInteger();
        double[] worst = new double[1];
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            so.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(out.toString(), so)) {
                java.util.stream.IntStream.range(0, count).parallel().forEach(i -> {
                    float[] one = new float[per];
                    System.arraycopy(images.data(), i * per, one, 0, per);
                    float[] ours = ((Tensor) Executor.run(m.simulated(),
                            Map.of("input", Tensor.of(new int[] {1, 1, 28, 28}, one)), null).get("logits")).data();
                    float[] ref;
                    try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(one), new long[] {1, 1, 28, 28});
                         OrtSession.Result r = s.run(Map.of("input", x))) {
                        ref = ((float[][]) r.get(0).getValue())[0];
                    } catch (ai.onnxruntime.OrtException e) {
                        throw new IllegalStateException(e);
                    }
                    int a = argmax(ours);
                    int b = argmax(ref);
                    if (a == b) {
                        samePred.incrementAndGet();
                    } else if (Math.abs(ref[a] - ref[b]) <= logits.scale() * 1.0001
                            && Math.abs(ours[a] - ours[b]) <= logits.scale() * 1.0001) {
                        nearTies.incrementAndGet(); // top-2 within one output step in both: a rounding-boundary flip
                    }
                    double d = 0;
                    for (int k = 0; k < ref.length; k++) {
                        d = Math.max(d, Math.abs(ours[k] - ref[k]) / logits.scale());
                    }
                    synchronized (worst) {
                        worst[0] = Math.max(worst[0], d);
                    }
                });
            }
        }
        System.out.printf("QDQ export [%s] opset %d: ORT = qsh prediction on %d of %d images (%d near-ties), max |Δlogit| = %.3g steps%n",
                flags, opset, samePred.get(), count, nearTies.get(), worst[0]);
        // Float accumulation order (ORT's MLAS vs qsh's kernels) moves a few intermediate values across a rounding
        // boundary; a prediction may then differ only where the top two logits are within one output step.
        assertEquals(count, samePred.get() + nearTies.get(), "predictions differ beyond near-ties");
        assertTrue(samePred.get() >= count * 0.999, "predictions agree on only " + samePred.get() + " of " + count);
        // one output step at 8 bits; a 16-bit step is 256× finer than accumulation noise can keep, so 4 steps there
        double allowed = logits.bitwidth() == 16 ? 4 : 1;
        // Slack 1e-4 step: the logits are compared as dequantized floats, so an exact one-step difference on a
        // logit ~100 steps from zero measures as 1.00001 (float spacing), not a second step.
        assertTrue(worst[0] <= allowed + 1e-4, "logits differ by " + worst[0] + " quantization steps");
    }

    /** Non-quantized FP16 (spec: --float_bw 16): float16 weights and activations; ORT runs the export the same way. */
    @org.junit.jupiter.api.Test
    void fp16ExportRunsInOrtLikeTheSimulation() throws Exception {
        Interpreter in = new Interpreter();
        in.execute("calibrate --float-fallback --float-bw 16");
        Path out = dir.resolve("fp16.onnx");
        in.execute("export " + out);
        double worst = 0;
        int i = 0;
        for (float[][] p : oursAndOrt(out, in.session().model().orElseThrow(), 200)) {
            assertEquals(argmax(p[1]), argmax(p[0]), "image " + i++);
            for (int k = 0; k < p[1].length; k++) {
                // one float16 step at the logit's magnitude (2^-10 relative) covers an accumulation-order flip
                worst = Math.max(worst, Math.abs(p[0][k] - p[1][k]) / Math.max(1e-3, Math.abs(p[1][k]) * 0x1p-10));
            }
        }
        System.out.printf("FP16 export: ORT = qsh on 200 images, max |Δlogit| = %.2f float16 steps%n", worst);
        assertTrue(worst <= 4, "logits differ by " + worst + " float16 steps");
    }

    /** INT32 overrides (spec): Cast(INT32) → Add → Cast(FP32) runs in ORT as in the simulation. */
    @org.junit.jupiter.api.Test
    void int32OverrideExportRunsInOrtLikeTheSimulation() throws Exception {
        Interpreter in = new Interpreter();
        in.execute("encodings load " + LIST.getParent().getParent().resolve("overrides/int32-add.json"));
        in.execute("calibrate " + LIST);
        Path out = dir.resolve("int32.onnx");
        in.execute("export " + out);
        ModelState m = in.session().model().orElseThrow();
        assertEquals(java.util.Set.of("/features/features.3/Add"), m.plan().int32Ops());
        Encoding logits = m.plan().activations().get("logits").encoding();
        int same = 0;
        double worst = 0;
        for (float[][] p : oursAndOrt(out, m, 200)) {
            same += argmax(p[1]) == argmax(p[0]) ? 1 : 0;
            for (int k = 0; k < p[1].length; k++) {
                worst = Math.max(worst, Math.abs(p[0][k] - p[1][k]) / logits.scale());
            }
        }
        System.out.printf("INT32 override export: ORT = qsh prediction on %d of 200 images, max |Δlogit| = %.2f steps%n", same, worst);
        assertTrue(same >= 199, same + " of 200");
        assertTrue(worst <= 1 + 1e-6, worst + " steps");
    }

    /** qsh's simulated logits and ORT's on the exported model (optimizations off), for the first {@code n} test images. */
    static java.util.List<float[][]> oursAndOrt(Path onnx, ModelState m, int n) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        java.util.List<float[][]> out = new java.util.ArrayList<>();
        int per = 28 * 28;
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            try (OrtSession s = env.createSession(onnx.toString(), so)) {
                for (int i = 0; i < n; i++) {
                    float[] one = new float[per];
                    System.arraycopy(images.data(), i * per, one, 0, per);
                    float[] ours = ((Tensor) Executor.run(m.simulated(),
                            Map.of("input", Tensor.of(new int[] {1, 1, 28, 28}, one)), null).get("logits")).data();
                    try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(one), new long[] {1, 1, 28, 28});
                         OrtSession.Result r = s.run(Map.of("input", x))) {
                        out.add(new float[][] {ours, ((float[][]) r.get(0).getValue())[0]});
                    }
                }
            }
        }
        return out;
    }

    static int argmax(float[] v) {
        int b = 0;
        for (int k = 1; k < v.length; k++) {
            if (v[k] > v[b]) {
                b = k;
            }
        }
        return b;
    }
}
