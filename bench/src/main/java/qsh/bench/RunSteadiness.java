package qsh.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.tensor.Tensor;

/**
 * Issue 15's steadiness and per-op comparison for one zoo model, in one JVM: every one of N qsh float runs timed
 * from the first run after load (what a JMH iteration sees), with the collector's count and time and the bytes the
 * calling thread allocated; ORT (2 threads) alternated with qsh after that, best and median of each; then per op
 * type, qsh's {@code profile} clock against ORT's own profiler (SessionOptions.enableProfiling), summed over runs.
 *
 * <p>{@code java --add-modules jdk.incubator.vector -cp bench/target/qsh-benchmarks.jar qsh.bench.RunSteadiness
 * [--runs N] [--ops] MODEL...}
 */
public final class RunSteadiness {
    private RunSteadiness() {}

    public static void main(String[] args) throws IOException, OrtException {
        int runs = 200;
        boolean ops = false;
        int a = 0;
        for (; a < args.length && args[a].startsWith("--"); a++) {
            if (args[a].equals("--runs")) {
                runs = Integer.parseInt(args[++a]);
            } else if (args[a].equals("--ops")) {
                ops = true;
            }
        }
        Path root = BenchZoo.root();
        System.out.println("load average: " + ZooSpeed.loadAverage());
        for (; a < args.length; a++) {
            BenchZoo.Model m = BenchZoo.model(root, args[a]);
            Path file = BenchZoo.locateOrSkip(root, m);
            if (file == null) {
                continue;
            }
            Graph g = ExecutorBenchmark.load(file, m);
            Tensor x = BenchZoo.input(m, ExecutorBenchmark.INPUT_SEED);
            Map<String, Tensor> in = Map.of(m.input(), x);
            com.sun.management.ThreadMXBean tmx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            double[] t = new double[runs];
            long[] gcCount = new long[runs];
            long[] gcMs = new long[runs];
            long[] alloc = new long[runs];
            String[] fams = {"VectorKernels", "VectorMath", "VectorRows"};
            int[] readyAt = {-1, -1, -1};
            long tStart = System.nanoTime();
            java.util.List<Map<String, Long>> stepsByRun = new java.util.ArrayList<>();
            for (int r = 0; r < runs; r++) {
                for (int f = 0; f < fams.length; f++) {
                    if (readyAt[f] < 0 && warmedUp(fams[f])) {
                        readyAt[f] = r;
                        System.out.println(String.format(Locale.ROOT, "  %s warm-up finished before run %d (%.2f s after load)", fams[f], r, (System.nanoTime() - tStart) / 1e9));
                    }
                }
                long c0 = gcCount(), m0 = gcMillis(), b0 = tmx.getCurrentThreadAllocatedBytes();
                Map<String, Long> steps = new HashMap<>();
                long t0 = System.nanoTime();
                Executor.recycle(g, Executor.run(g, in, null, java.util.Set.of(), (node, op, nanos) -> steps.merge(op, nanos, Long::sum)));
                t[r] = (System.nanoTime() - t0) / 1e6;
                stepsByRun.add(steps);
                alloc[r] = tmx.getCurrentThreadAllocatedBytes() - b0;
                gcCount[r] = gcCount() - c0;
                gcMs[r] = gcMillis() - m0;
            }
            StringBuilder sb = new StringBuilder();
            for (int r = 0; r < runs; r++) {
                sb.append(String.format(Locale.ROOT, "%.1f%s ", t[r], gcCount[r] > 0 ? "*" + gcMs[r] : ""));
            }
            System.out.println(m.name() + " qsh runs in ms (*N: a GC of N ms during the run): " + sb);
            System.out.println(String.format(Locale.ROOT,
                    "%s: first %.1f ms; runs 2-10 best %.2f; runs 11-%d best %.2f median %.2f max %.2f; allocated per run (median) %d KB",
                    m.name(), t[0], min(t, 1, Math.min(10, runs)), runs, min(t, 10, runs), median(t, 10, runs),
                    max(t, 10, runs), medianL(alloc, 10, runs) / 1024));
            double best = min(t, 0, runs);
            for (int r = 10; r < runs; r++) {
                if (t[r] > 3 * best) {
                    System.out.println(String.format(Locale.ROOT, "  slow run %d, %.1f ms: ", r, t[r]) + stepsByRun.get(r).entrySet().stream()
                            .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(4)
                            .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue() / 1e6)).collect(Collectors.joining(", ")));
                }
            }
            Map<String, Long> last = stepsByRun.get(runs - 1);
            System.out.println("  last run's steps: " + last.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(6)
                    .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue() / 1e6)).collect(Collectors.joining(", ")));
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            long[] shape = Arrays.stream(m.shape()).asLongStream().toArray();
            try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
                so.setIntraOpNumThreads(2);
                so.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
                try (OrtSession s = env.createSession(Files.readAllBytes(file), so);
                     OnnxTensor ox = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), shape)) {
                    int ab = Math.max(20, runs / 4);
                    double[] tq = new double[ab];
                    double[] to = new double[ab];
                    for (int r = 0; r < 5; r++) {
                        s.run(Map.of(m.input(), ox)).close();
                    }
                    for (int r = 0; r < ab; r++) {
                        long t0 = System.nanoTime();
                        Executor.recycle(g, Executor.run(g, in, null));
                        tq[r] = (System.nanoTime() - t0) / 1e6;
                        t0 = System.nanoTime();
                        s.run(Map.of(m.input(), ox)).close();
                        to[r] = (System.nanoTime() - t0) / 1e6;
                    }
                    System.out.println(String.format(Locale.ROOT,
                            "%s A/B over %d alternate runs: qsh best %.2f median %.2f; ORT(2t) best %.2f median %.2f; best ratio %.2fx",
                            m.name(), ab, min(tq, 0, ab), median(tq, 0, ab), min(to, 0, ab), median(to, 0, ab),
                            min(tq, 0, ab) / min(to, 0, ab)));
                }
            }
            if (ops) {
                // bytes the calling thread allocated between one step's end and the next's, by the later step's ops
                Map<String, Long> bytes = new HashMap<>();
                long[] mark = {0};
                mark[0] = tmx.getCurrentThreadAllocatedBytes();
                Executor.recycle(g, Executor.run(g, in, null, java.util.Set.of(), (node, op, nanos) -> {
                    long now = tmx.getCurrentThreadAllocatedBytes();
                    bytes.merge(op, now - mark[0], Long::sum);
                    mark[0] = tmx.getCurrentThreadAllocatedBytes();
                }));
                System.out.println("  allocated in one run by step kind (KB): " + bytes.entrySet().stream()
                        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(6)
                        .map(e -> e.getKey() + " " + e.getValue() / 1024).collect(Collectors.joining(", ")));
                perOp(g, in, file, m, x, shape, env);
            }
        }
    }

    private static void perOp(Graph g, Map<String, Tensor> in, Path file, BenchZoo.Model m, Tensor x, long[] shape,
                              OrtEnvironment env) throws IOException, OrtException {
        int n = 30;
        Map<String, Long> q = new HashMap<>();
        for (int r = 0; r < n; r++) {
            Executor.recycle(g, Executor.run(g, in, null, java.util.Set.of(), (node, ops, nanos) -> q.merge(ops, nanos, Long::sum)));
        }
        Map<String, Long> o = new HashMap<>();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(2);
            so.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            so.enableProfiling(Files.createTempDirectory("qsh-ortprof").resolve("p").toString());
            try (OrtSession s = env.createSession(Files.readAllBytes(file), so);
                 OnnxTensor ox = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), shape)) {
                for (int r = 0; r < 10; r++) {
                    s.run(Map.of(m.input(), ox)).close();
                }
                Map<String, Long> warm = new HashMap<>();
                for (int r = 0; r < n; r++) {
                    s.run(Map.of(m.input(), ox)).close();
                }
                String prof = s.endProfiling();
                JsonNode events = new ObjectMapper().readTree(Path.of(prof).toFile());
                int seen = 0;
                for (JsonNode e : events) {
                    if ("Node".equals(e.path("cat").asText()) && e.path("name").asText().endsWith("_kernel_time")) {
                        o.merge(e.path("args").path("op_name").asText(), e.path("dur").asLong() * 1000, Long::sum);
                    }
                }
                // the first 10 runs are warm-up: scale ORT's sums to n runs
                o.replaceAll((k, v) -> v * n / (n + 10));
                Files.deleteIfExists(Path.of(prof));
            }
        }
        System.out.println(m.name() + " per op kind, ms per run: qsh steps (fused chains by their ops) | ORT nodes by op");
        String qs = q.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
                .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue() / 1e6 / n)).collect(Collectors.joining(", "));
        String os = o.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
                .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue() / 1e6 / n)).collect(Collectors.joining(", "));
        System.out.println("  qsh: " + qs + " (total " + String.format(Locale.ROOT, "%.2f", q.values().stream().mapToLong(Long::longValue).sum() / 1e6 / n) + ")");
        System.out.println("  ORT: " + os + " (total " + String.format(Locale.ROOT, "%.2f", o.values().stream().mapToLong(Long::longValue).sum() / 1e6 / n) + ")");
    }

    /** Whether qsh's kernel family (a package-private class with a WARM_UP field) has finished its warm-up. */
    static boolean warmedUp(String cls) {
        try {
            java.lang.reflect.Field f = Class.forName("qsh.core.exec.kernels." + cls).getDeclaredField("WARM_UP");
            f.setAccessible(true);
            Object w = f.get(null);
            java.lang.reflect.Method m = w.getClass().getDeclaredMethod("finished");
            m.setAccessible(true);
            return (Boolean) m.invoke(w);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    private static long gcCount() {
        long c = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            c += Math.max(0, b.getCollectionCount());
        }
        return c;
    }

    private static long gcMillis() {
        long c = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            c += Math.max(0, b.getCollectionTime());
        }
        return c;
    }

    private static double min(double[] v, int from, int to) {
        double b = Double.MAX_VALUE;
        for (int i = from; i < to; i++) {
            b = Math.min(b, v[i]);
        }
        return b;
    }

    private static double max(double[] v, int from, int to) {
        double b = 0;
        for (int i = from; i < to; i++) {
            b = Math.max(b, v[i]);
        }
        return b;
    }

    private static double median(double[] v, int from, int to) {
        double[] c = Arrays.copyOfRange(v, from, to);
        Arrays.sort(c);
        return c[c.length / 2];
    }

    private static long medianL(long[] v, int from, int to) {
        long[] c = Arrays.copyOfRange(v, from, to);
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
