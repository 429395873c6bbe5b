package qsh.core.exec;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import qsh.core.exec.kernels.FloatMath;
import qsh.core.exec.kernels.Pool;
import qsh.core.graph.Graph;
import qsh.core.modelio.OnnxWriter;
import qsh.core.tensor.Tensor;
import qsh.core.testing.ModelBuilder;

/**
 * Not a test: a timing harness for single ops, qsh's float executor against ONNX Runtime (2 threads and 1) in the
 * same JVM, alternating rounds, median per op. It asserts nothing (CI machines are loaded; speed is measured, not
 * tested) and only runs when asked:
 * {@code mvn -o -q -B test -pl core -am -Dtest=OpTimingHarness -Dqsh.timing=true -Dsurefire.failIfNoSpecifiedTests=false}.
 * {@code -Dqsh.timing.ops=Softmax,Erf} picks ops.
 */
@EnabledIfSystemProperty(named = "qsh.timing", matches = "true")
class OpTimingHarness {
    private record Case(String name, Graph graph, Tensor x) {
    }

    private static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("Softmax[1,40,6625]", new ModelBuilder(13).input("x", 1, 40, 6625)
                .node("Softmax", List.of("x"), "y", integer("axis", -1)).output("y").build(),
                random(1, -8, 8, 1, 40, 6625)));
        c.add(new Case("Sigmoid[1,96,112,112]", unary("Sigmoid", 1, 96, 112, 112), random(2, -8, 8, 1, 96, 112, 112)));
        c.add(new Case("HardSigmoid[1,96,112,112]", new ModelBuilder(13).input("x", 1, 96, 112, 112)
                .node("HardSigmoid", List.of("x"), "y", real("alpha", 0.2f), real("beta", 0.5f)).output("y").build(),
                random(3, -8, 8, 1, 96, 112, 112)));
        c.add(new Case("HardSwish[1,96,112,112]", unary("HardSwish", 1, 96, 112, 112), random(3, -8, 8, 1, 96, 112, 112)));
        c.add(new Case("Tanh[1,96,112,112]", unary("Tanh", 1, 96, 112, 112), random(4, -8, 8, 1, 96, 112, 112)));
        c.add(new Case("Exp[1,96,112,112]", unary("Exp", 1, 96, 112, 112), random(4, -8, 8, 1, 96, 112, 112)));
        c.add(new Case("Log[1,96,112,112]", unary("Log", 1, 96, 112, 112), random(4, 0.001, 8, 1, 96, 112, 112)));
        c.add(new Case("Erf[1,768,56,56]", unary("Erf", 1, 768, 56, 56), random(5, -4, 4, 1, 768, 56, 56)));
        c.add(new Case("MaxPool3x3s2[1,64,112,112]", new ModelBuilder(13).input("x", 1, 64, 112, 112)
                .node("MaxPool", List.of("x"), "y", ints("kernel_shape", 3, 3), ints("strides", 2, 2),
                        ints("pads", 1, 1, 1, 1)).output("y").build(), random(6, -1, 1, 1, 64, 112, 112)));
        c.add(new Case("MaxPool3x3s2ceil[1,192,56,56]", new ModelBuilder(13).input("x", 1, 192, 56, 56)
                .node("MaxPool", List.of("x"), "y", ints("kernel_shape", 3, 3), ints("strides", 2, 2),
                        integer("ceil_mode", 1)).output("y").build(), random(6, -1, 1, 1, 192, 56, 56)));
        c.add(new Case("MaxPool2x2s2[1,64,112,112]", new ModelBuilder(13).input("x", 1, 64, 112, 112)
                .node("MaxPool", List.of("x"), "y", ints("kernel_shape", 2, 2), ints("strides", 2, 2)).output("y")
                .build(), random(6, -1, 1, 1, 64, 112, 112)));
        c.add(new Case("MaxPool3x3s1[1,192,28,28]", new ModelBuilder(13).input("x", 1, 192, 28, 28)
                .node("MaxPool", List.of("x"), "y", ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1)).output("y")
                .build(), random(6, -1, 1, 1, 192, 28, 28)));
        c.add(new Case("AveragePool3x3s1[1,192,28,28]", new ModelBuilder(13).input("x", 1, 192, 28, 28)
                .node("AveragePool", List.of("x"), "y", ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1))
                .output("y").build(), random(6, -1, 1, 1, 192, 28, 28)));
        c.add(new Case("AveragePool2x2s2[1,128,56,56]", new ModelBuilder(13).input("x", 1, 128, 56, 56)
                .node("AveragePool", List.of("x"), "y", ints("kernel_shape", 2, 2), ints("strides", 2, 2))
                .output("y").build(), random(6, -1, 1, 1, 128, 56, 56)));
        c.add(new Case("GlobalAveragePool[1,96,112,112]", unary("GlobalAveragePool", 1, 96, 112, 112),
                random(6, -1, 1, 1, 96, 112, 112)));
        c.add(new Case("GlobalAveragePool[1,1280,7,7]", unary("GlobalAveragePool", 1, 1280, 7, 7),
                random(6, -1, 1, 1, 1280, 7, 7)));
        c.add(new Case("MatMul1x1280x1000", new ModelBuilder(13).input("x", 1, 1280)
                .init("w", random(7, -0.05, 0.05, 1280, 1000))
                .node("MatMul", List.of("x", "w"), "y").output("y").build(), random(9, -1, 1, 1, 1280)));
        c.add(new Case("Gemm1x1280x1000", new ModelBuilder(13).input("x", 1, 1280)
                .init("w", random(7, -0.05, 0.05, 1000, 1280)).init("b", random(8, -0.1, 0.1, 1000))
                .node("Gemm", List.of("x", "w", "b"), "y", integer("transB", 1)).output("y").build(),
                random(9, -1, 1, 1, 1280)));
        String only = System.getProperty("qsh.timing.ops");
        if (only != null && !only.isBlank()) {
            List<String> keep = Arrays.asList(only.split(","));
            c.removeIf(k -> keep.stream().noneMatch(k.name::startsWith));
        }
        return c;
    }

    private static Graph unary(String op, long... dims) {
        return new ModelBuilder(14).input("x", dims).node(op, List.of("x"), "y").output("y").build();
    }

    @Test
    void timeSingleOps() throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        // the Vector API kernels' background warm-up (GEMM's, then the element-wise ones')
        long until = System.nanoTime() + 60_000_000_000L;
        while (!FloatMath.vectorReady() && System.nanoTime() < until) {
            FloatMath.exp(new float[1], new float[1], 0, 1);
            Thread.sleep(50);
        }
        while (!Pool.vectorReady() && System.nanoTime() < until) {
            Pool.maxPool(Tensor.of(new int[] {1, 1, 4, 4}, new float[16]), new int[] {2, 2},
                    null, null, null, false);
            Thread.sleep(50);
        }
        System.out.println("element-wise kernels vectorized: " + FloatMath.vectorReady()
                + ", row kernels (pooling, GEMV): " + Pool.vectorReady());
        System.out.printf("%-28s %10s %10s %10s %8s%n", "op", "qsh ms", "ORT2 ms", "ORT1 ms", "qsh/ORT");
        for (Case c : cases()) {
            byte[] bytes = OnnxWriter.toProto(c.graph).toByteArray();
            long[] shape = Arrays.stream(c.x.shape()).asLongStream().toArray();
            Map<String, Tensor> in = Map.of("x", c.x);
            try (OrtSession.SessionOptions o2 = new OrtSession.SessionOptions();
                 OrtSession.SessionOptions o1 = new OrtSession.SessionOptions()) {
                o2.setIntraOpNumThreads(2);
                if (Boolean.getBoolean("qsh.timing.nospin")) {
                    o2.addConfigEntry("session.intra_op.allow_spinning", "0");
                }
                o1.setIntraOpNumThreads(1);
                try (OrtSession s2 = env.createSession(bytes, o2); OrtSession s1 = env.createSession(bytes, o1);
                     OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(c.x.data()), shape)) {
                    int rounds = 15;
                    double[] q = new double[rounds];
                    double[] r2 = new double[rounds];
                    double[] r1 = new double[rounds];
                    // warm-up: C2 compiles the kernels; on a loaded machine its threads lag, so at least 3 s
                    long warm = System.nanoTime() + 3_000_000_000L;
                    for (int w = 0; w < 20 || System.nanoTime() < warm; w++) {
                        Executor.recycle(c.graph, Executor.run(c.graph, in, null));
                        s2.run(Map.of("x", t)).close();
                        s1.run(Map.of("x", t)).close();
                    }
                    for (int round = 0; round < rounds; round++) {
                        q[round] = time(() -> Executor.recycle(c.graph, Executor.run(c.graph, in, null)));
                        r2[round] = time(() -> s2.run(Map.of("x", t)).close());
                        r1[round] = time(() -> s1.run(Map.of("x", t)).close());
                    }
                    double mq = median(q);
                    double m2 = median(r2);
                    double m1 = median(r1);
                    System.out.printf("%-28s %10.3f %10.3f %10.3f %8.2f%n", c.name, mq, m2, m1, mq / Math.min(m1, m2));
                }
            }
        }
    }

    private interface Run {
        void run() throws Exception;
    }

    /** Median-free per-round figure: the mean of a few back-to-back runs, in ms. */
    private static double time(Run r) throws Exception {
        int reps = 5;
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            r.run();
        }
        return (System.nanoTime() - t0) / 1e6 / reps;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
