package qsh.core.exec.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Splits an index range over a shared two-thread pool (this machine has 2 cores).
 *
 * <p>The range is cut into a few chunks per thread that the calling thread and the helpers claim one at a time.
 * Why not a fixed half each: waking a parked pool thread took 50-100 µs here (more when another process
 * keeps the other core busy), longer than most of a small model's convolutions; with claiming, the caller works
 * through the chunks meanwhile and a helper that wakes late only takes what is left, so a call never waits for
 * a wake-up it no longer needs.
 */
public final class Parallel {
    /** Worker threads in the shared pool. */
    public static final int THREADS = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    private static final ForkJoinPool POOL = new ForkJoinPool(THREADS);
    /** Chunks per thread: enough for a late helper to take a share, few enough to keep per-chunk costs small. */
    private static final int CHUNKS_PER_THREAD = 4;

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

    /** Runs body over [0, n) in chunks claimed by the caller and the pool; sequential when n &lt; 2 or inside a worker. */
    public static void forRange(int n, IntRangeBody body) {
        if (n <= 0) {
            return;
        }
        // Nested calls from a pool worker stay sequential: waiting on the same pool from inside it wastes a core.
        if (n < 2 || THREADS < 2 || ForkJoinTask.inForkJoinPool()) {
            body.run(0, n);
            return;
        }
        Claims c = new Claims(n, Math.min(n, CHUNKS_PER_THREAD * THREADS), body);
        for (int t = 1; t < THREADS; t++) {
            POOL.execute(c::work);
        }
        c.work();
        c.awaitAll();
    }

    /** The shared state of one call: the next chunk to claim and how many are finished. */
    private static final class Claims {
        private final int n;
        private final int chunks;
        private final IntRangeBody body;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private volatile Throwable failure;

        Claims(int n, int chunks, IntRangeBody body) {
            this.n = n;
            this.chunks = chunks;
            this.body = body;
        }

        /** Claims and runs chunks until none are left. */
        void work() {
            int k;
            while ((k = next.getAndIncrement()) < chunks) {
                try {
                    if (failure == null) {
                        body.run((int) ((long) n * k / chunks), (int) ((long) n * (k + 1) / chunks));
                    }
                } catch (Throwable e) {
                    failure = e;
                } finally {
                    done.incrementAndGet();
                }
            }
        }

        /** Waits for chunks other threads claimed (they are running now), then rethrows a failure. */
        void awaitAll() {
            int spins = 0;
            while (done.get() < chunks) {
                if (++spins < 10_000) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
            Throwable f = failure;
            if (f instanceof RuntimeException) {
                throw (RuntimeException) f;
            }
            if (f instanceof Error) {
                throw (Error) f;
            }
        }
    }
}
