package qsh.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.modelio.OnnxReader;
import qsh.core.tensor.Tensor;

/**
 * qsh's float executor against ONNX Runtime (2 intra-op threads, and 1) on the same real models and inputs, in
 * the same run: the PaddleOCR text-direction classifier at 1x3x48x192 and the text detector at 1x3x320x320.
 * The ratio qsh/ORT of the two scores is the figure quoted in the README.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class ExecutorBenchmark {
    @Param({"cls", "det"})
    public String model;

    private Graph graph;
    private Map<String, Tensor> inputs;
    private OrtEnvironment env;
    private OrtSession session;
    private OrtSession session1;
    private OnnxTensor ortInput;
    private String inputName;

    @Setup(Level.Trial)
    public void setUp() throws IOException, OrtException {
        String resource = model.equals("cls") ? "models/ch_ppocr_mobile_v2.0_cls_infer.onnx" : "models/ch_PP-OCRv3_det_infer.onnx";
        long[] shape = model.equals("cls") ? new long[] {1, 3, 48, 192} : new long[] {1, 3, 320, 320};
        byte[] bytes;
        try (InputStream in = ExecutorBenchmark.class.getClassLoader().getResourceAsStream(resource)) {
            bytes = in.readAllBytes();
        }
        graph = OnnxReader.read(new ByteArrayInputStream(bytes), resource);
        inputName = graph.inputs().get(0).name();
        int[] s = new int[shape.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = (int) shape[i];
        }
        Tensor x = Tensor.zeros(s);
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = (float) r.nextDouble();
        }
        inputs = Map.of(inputName, x);
        env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(2);
        session = env.createSession(bytes, so);
        OrtSession.SessionOptions so1 = new OrtSession.SessionOptions();
        so1.setIntraOpNumThreads(1);
        session1 = env.createSession(bytes, so1);
        ortInput = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), shape);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        ortInput.close();
        session.close();
        session1.close();
    }

    @Benchmark
    public Object qsh() {
        Map<String, Object> r = Executor.run(graph, inputs, null);
        int n = r.size();
        Executor.recycle(graph, r); // as ORT's result is closed: its output buffers serve the next run
        return n;
    }

    @Benchmark
    public Object onnxRuntime() throws OrtException {
        try (OrtSession.Result r = session.run(Map.of(inputName, ortInput))) {
            return r.size(); // outputs stay in native memory until close() gives them back, as qsh's recycle()
        }
    }

    /**
     * ORT on one thread: on this VM its two threads are sometimes slower than one (when the two vCPUs do not
     * run side by side, ORT's threads wait for each other), so the README quotes qsh against both.
     */
    @Benchmark
    public Object onnxRuntime1Thread() throws OrtException {
        try (OrtSession.Result r = session1.run(Map.of(inputName, ortInput))) {
            return r.size();
        }
    }
}
