package qsh.core.exec.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/** Splits an index range over a shared two-thread pool (this machine has 2 cores). */
public final class Parallel {
    /** Worker threads in the shared pool. */
    public static final int THREADS = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    private static final ForkJoinPool POOL = new ForkJoinPool(THREADS);

    /** A body run over the half-open range [from, to). */
    @FunctionalInterface
    public interface IntRangeBody {
        /** Processes indices from (inclusive) to (exclusive). */
        void run(int from, int to);
    }

    private Parallel() {
    }

    /**
     * Like {@link #forRange(int, IntRangeBody)}, but sequential when the call's total work (about one unit per
     * element or multiply-add) is below {@code minWork}: handing a few microseconds of work to the other
     * thread costs more than it saves, and much more when the machine is loaded.
     */
    public static void forRange(int n, long work, long minWork, IntRangeBody body) {
        if (work < minWork) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        forRange(n, body);
    }

    /** Runs body over [0, n) split into about THREADS chunks; sequential when n &lt; 2 or already inside a worker. */
    public static void forRange(int n, IntRangeBody body) {
        if (n <= 0) {
            return;
        }
        // Nested calls from a pool worker stay sequential: waiting on the same pool from inside it wastes a core.
        if (n < 2 || THREADS < 2 || ForkJoinTask.inForkJoinPool()) {
            body.run(0, n);
            return;
        }
        int chunks = Math.min(n, THREADS);
        POOL.invoke(new RecursiveAction() {
            @Override
            protected void compute() {
                ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[chunks - 1];
                for (int c = 1; c < chunks; c++) {
                    int from = (int) ((long) n * c / chunks);
                    int to = (int) ((long) n * (c + 1) / chunks);
                    tasks[c - 1] = ForkJoinTask.adapt(() -> body.run(from, to)).fork();
                }
                body.run(0, (int) ((long) n / chunks));
                for (ForkJoinTask<?> t : tasks) {
                    t.join();
                }
            }
        });
    }
}
