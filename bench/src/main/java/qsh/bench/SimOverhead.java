package qsh.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.tensor.Tensor;

/**
 * Issue 15 part 4's ratio measured A/B in one JVM: the simulated W8A8 graph and the float graph of the same zoo
 * model (built as {@link ExecutorBenchmark} builds them), run alternately, one run each per round, after both have
 * warmed up; prints the median and fastest run of each and sim / float of the medians. Alternating makes the ratio
 * hold on a machine whose load drifts, which a JMH run with one fork per variant cannot.
 *
 * <p>{@code java --add-modules jdk.incubator.vector -cp bench/target/qsh-benchmarks.jar qsh.bench.SimOverhead
 * [--rounds N] MODEL...}
 */
public final class SimOverhead {
    private static final long WARM_NANOS = 3_000_000_000L;

    private SimOverhead() {}

    public static void main(String[] args) {
        int rounds = 15;
        int first = 0;
        if (args.length >= 2 && args[0].equals("--rounds")) {
            rounds = Integer.parseInt(args[1]);
            first = 2;
        }
        if (args.length == first) {
            System.err.println("usage: SimOverhead [--rounds N] MODEL...   (names of scripts/zoo/zoo.json)");
            System.exit(2);
        }
        // the kernels' warm-ups first, as ExecutorBenchmark does (timed while C2 compiles them, a kernel's first
        // rounds ran several times slower and one JVM's float EfficientNet-B0 read 75 ms instead of 11)
        try {
            System.out.println(qsh.core.exec.kernels.KernelWarmUps.await(60_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        Path root = BenchZoo.root();
        System.out.println("| model | float median ms (fastest) | sim median ms (fastest) | sim / float (medians)"
                + " | sim's costliest step kinds (share of its time) |");
        System.out.println("| --- | ---: | ---: | ---: | --- |");
        for (int a = first; a < args.length; a++) {
            BenchZoo.Model m = BenchZoo.model(root, args[a]);
            Path file = BenchZoo.locateOrSkip(root, m);
            if (file == null) {
                continue;
            }
            Graph f = ExecutorBenchmark.load(file, m);
            Graph s = ExecutorBenchmark.simulated(f, m);
            Map<String, Tensor> in = Map.of(m.input(), BenchZoo.input(m, ExecutorBenchmark.INPUT_SEED));
            for (Graph g : new Graph[] {f, s}) {
                long t0 = System.nanoTime();
                for (int i = 0; i < 3 || System.nanoTime() - t0 < WARM_NANOS; i++) {
                    run(g, in);
                }
            }
            double[] tf = new double[rounds];
            double[] ts = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                tf[r] = run(f, in);
                ts[r] = run(s, in);
            }
            Arrays.sort(tf);
            Arrays.sort(ts);
            System.out.println(String.format(Locale.ROOT, "| %s | %s (%s) | %s (%s) | %.2f× | %s |", m.name(),
                    ZooSpeedTable.fmt(tf[rounds / 2]), ZooSpeedTable.fmt(tf[0]), ZooSpeedTable.fmt(ts[rounds / 2]),
                    ZooSpeedTable.fmt(ts[0]), ts[rounds / 2] / tf[rounds / 2], topSteps(s, in, rounds)));
        }
    }

    /**
     * The three step kinds (op type, or fused chain) taking most of {@code g}'s time over {@code runs} more runs timed
     * step by step ({@link Executor.StepClock}, as {@code profile} does), with their share.
     */
    private static String topSteps(Graph g, Map<String, Tensor> in, int runs) {
        Map<String, Long> byOps = new java.util.HashMap<>();
        long[] total = {0};
        for (int r = 0; r < runs; r++) {
            Executor.recycle(g, Executor.run(g, in, null, java.util.Set.of(), (node, ops, nanos) -> {
                byOps.merge(ops, nanos, Long::sum);
                total[0] += nanos;
            }));
        }
        return byOps.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(Integer.getInteger("top", 3))
                .map(e -> String.format(Locale.ROOT, "%s %.0f%%", e.getKey(), 100.0 * e.getValue() / total[0]))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** One run in ms, its outputs given back. */
    private static double run(Graph g, Map<String, Tensor> in) {
        long t0 = System.nanoTime();
        Executor.recycle(g, Executor.run(g, in, null));
        return (System.nanoTime() - t0) / 1e6;
    }
}
