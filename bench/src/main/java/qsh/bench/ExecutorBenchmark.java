package qsh.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.openjdk.jmh.infra.BenchmarkParams;
import qsh.commands.spi.ModelLoader;
import qsh.core.calib.CalibrationInputs;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.graph.ValueInfo;
import qsh.core.sim.ModelQuantizer;
import qsh.core.sim.QuantConfig;
import qsh.core.sim.QuantOverrides;
import qsh.core.tensor.Tensor;

/**
 * qsh's executor against ONNX Runtime on the model zoo (scripts/zoo/zoo.json), in one JMH run. Per model, four
 * measurements on the same input: qsh's float graph, qsh's simulated W8A8 per-tensor graph (the QDQ graph
 * calibration makes, which compare/eval/AdaRound/AMP run over and over), and ONNX Runtime (all graph
 * optimizations) with 2 intra-op threads and with 1.
 *
 * <p>qsh loads each model as a user's {@code load FILE --input_dim NAME DIMS} does ({@link ModelLoader#loadBound}:
 * constant subgraphs folded, open dims bound to zoo.json's shape, constant Adds squashed into biases); the
 * simulated graph comes from {@link ModelQuantizer#calibrate} with qairt-quantizer's defaults plus bias_bw 32 (zoo.json's
 * "W8A8 per-tensor": batch norms folded, tf encodings) on two inputs. ORT gets the file as it is and the same
 * concrete input. Each trial builds only what its benchmark runs, so a large model is in memory once.
 *
 * <p>Run it through {@link ZooSpeed}, which leaves out (in one line each) the models not on this machine and
 * prints the table; run directly, a missing model fails its trials with one line and the others go on.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// transparent huge pages as ./qsh asks for them (where the kernel offers none, the JVM warns and goes on without)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseTransparentHugePages"})
public class ExecutorBenchmark {
    /** Benchmark method names, which {@link ZooSpeedTable} reads back from JMH's result. */
    static final String QSH_FLOAT = "qshFloat";
    static final String QSH_SIM = "qshSimW8A8";
    static final String ORT_2 = "ort2Threads";
    static final String ORT_1 = "ort1Thread";
    /** Calibration inputs (seeds 0, 1) and the measured input (seed 1000). */
    static final long[] CALIBRATION_SEEDS = {0, 1};
    static final long INPUT_SEED = 1000;

    @Param({"ch_ppocr_mobile_v2.0_cls", "ch_PP-OCRv3_det", "ch_PP-OCRv4_det", "ch_PP-OCRv3_rec", "ch_PP-OCRv4_rec",
            "light_bvlc_alexnet", "light_densenet121", "light_inception_v1", "light_inception_v2", "light_resnet50",
            "light_shufflenet", "light_squeezenet", "light_vgg19", "light_zfnet512",
            "resnet18", "mobilenet_v2", "squeezenet1_1", "shufflenet_v2_x0_5", "efficientnet_b0"})
    public String model;

    private Graph graph;
    private Map<String, Tensor> inputs;
    private OrtSession session;
    private OnnxTensor ortInput;
    private String inputName;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws IOException, OrtException {
        Path root = BenchZoo.root();
        BenchZoo.Model m = BenchZoo.model(root, model);
        Path file = BenchZoo.locate(root, m);
        if (file == null) {
            throw new IllegalStateException(BenchZoo.missing(m));
        }
        inputName = m.input();
        Tensor x = BenchZoo.input(m, INPUT_SEED);
        inputs = Map.of(inputName, x);
        String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        if (method.equals(QSH_FLOAT) || method.equals(QSH_SIM)) {
            // the kernels' warm-ups first, alone, as qsh's REPL has them done before a user's first command: run
            // beside loading and calibrating a model they compile late, and on JDK 17 a late C2 compile can leave
            // a Vector API kernel boxed for the life of the JVM
            try {
                System.out.println(qsh.core.exec.kernels.KernelWarmUps.await(60_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the kernels warmed up", e);
            }
        }
        switch (method) {
            case QSH_FLOAT -> graph = load(file, m);
            case QSH_SIM -> graph = simulated(load(file, m), m);
            case ORT_2, ORT_1 -> {
                OrtEnvironment env = OrtEnvironment.getEnvironment();
                try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
                    so.setIntraOpNumThreads(method.equals(ORT_2) ? 2 : 1);
                    so.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
                    session = env.createSession(Files.readAllBytes(file), so);
                }
                long[] shape = java.util.Arrays.stream(m.shape()).asLongStream().toArray();
                ortInput = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), shape);
            }
            default -> throw new IllegalStateException("no setup for benchmark " + method);
        }
        if (graph != null) { // one run before the clock: a model qsh cannot run fails here, in one line
            Executor.recycle(graph, Executor.run(graph, inputs, null));
        }
    }

    /** The model as {@code load FILE --input_dim NAME DIMS} gives it. */
    static Graph load(Path file, BenchZoo.Model m) {
        return ModelLoader.loadBound(file.toString(), List.of(m.inputDim()), false).graph();
    }

    /** The simulated W8A8 per-tensor graph, bias_bw 32, calibrated on {@link #CALIBRATION_SEEDS}. */
    static Graph simulated(Graph g, BenchZoo.Model m) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (ValueInfo v : g.inputs()) {
            shapes.put(v.name(), java.util.Arrays.stream(v.dims()).mapToInt(d -> (int) d).toArray());
        }
        List<Map<String, Tensor>> samples = java.util.Arrays.stream(CALIBRATION_SEEDS)
                .mapToObj(s -> Map.of(m.input(), BenchZoo.input(m, s))).toList();
        CalibrationInputs calib = CalibrationInputs.of(samples, shapes, "benchmark inputs of " + m.name());
        QuantConfig cfg = QuantConfig.DEFAULTS.withBiasBw(32);
        return ModelQuantizer.calibrate(g, calib, cfg, QuantOverrides.EMPTY, i -> { }).simulated();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        if (ortInput != null) {
            ortInput.close();
        }
        if (session != null) {
            session.close();
        }
    }

    @Benchmark
    public Object qshFloat() {
        return runQsh();
    }

    @Benchmark
    public Object qshSimW8A8() {
        return runQsh();
    }

    private Object runQsh() {
        Map<String, Object> r = Executor.run(graph, inputs, null);
        int n = r.size();
        Executor.recycle(graph, r); // as ORT's result is closed: its output buffers serve the next run
        return n;
    }

    @Benchmark
    public Object ort2Threads() throws OrtException {
        return runOrt();
    }

    /**
     * ORT on one thread: on this VM its two threads are sometimes slower than one (when the two vCPUs do not
     * run side by side, ORT's threads wait for each other), so qsh is compared with the better of the two.
     */
    @Benchmark
    public Object ort1Thread() throws OrtException {
        return runOrt();
    }

    private Object runOrt() throws OrtException {
        try (OrtSession.Result r = session.run(Map.of(inputName, ortInput))) {
            return r.size(); // outputs stay in native memory until close() gives them back, as qsh's recycle()
        }
    }
}
