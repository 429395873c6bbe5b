package qsh.core.exec.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits an index range between the calling thread and helper threads (one per further core; this machine
 * has 2).
 *
 * <p>The range is cut into a few chunks per thread that the caller and the helpers claim one at a time, so a
 * call never waits for a helper that has not started: the caller works through the chunks meanwhile and a
 * late helper only takes what is left. With one helper the caller claims from the front and the helper from the
 * back ({@link #affine}). Helpers spin for {@link #SPIN_NANOS} after their last chunk before
 * parking, because a model run is a burst of parallel calls a few microseconds apart and waking a parked
 * thread took 50-100 µs here (longer than most of a small model's convolutions); an idle shell has no calls,
 * so the spinning ends a fraction of a millisecond after a run.
 */
public final class Parallel {
    /**
     * Threads a call uses: the caller and the helpers. One per core, at most 2 (the cores of the machines qsh
     * is built on; beyond them the kernels' splits are untested); {@code -Dqsh.threads=N} sets it.
     */
    public static final int THREADS = Math.max(1, Integer.getInteger("qsh.threads",
            Math.min(2, Runtime.getRuntime().availableProcessors())));
    /** Chunks per thread: enough for a late helper to take a share, few enough to keep per-chunk costs small. */
    private static final int CHUNKS_PER_THREAD = 4;
    /**
     * Multiplies every kernel's minimum parallel work ({@code -Dqsh.parallel.scale=N}, or {@link #scale}). The
     * default 4 was measured by alternating settings within one JVM on the benchmark models (median of 15
     * rounds): classifier 1.38 ms at 1, 1.19 at 4, 1.16 on one thread; detector 14.6, 14.4 and 19.6 ms. Below
     * a few hundred thousand multiply-adds a split costs more (hand-over, waiting for the last chunk, the other
     * core's cache) than it saves.
     */
    private static volatile long SCALE = Math.max(1, Long.getLong("qsh.parallel.scale", 4));

    /** Sets the factor on every kernel's minimum parallel work (benchmarks compare settings in one JVM). */
    public static void scale(long factor) {
        SCALE = Math.max(1, factor);
    }

    /** Whether a call of this much work (kernel's own unit) goes to both cores, given its minimum. */
    static boolean worthIt(long work, long minWork) {
        return THREADS > 1 && work >= minWork * SCALE;
    }

    /**
     * Whether, with one helper, the caller claims chunks from the front of the range and the helper from the back
     * (the default), instead of both taking the next one: each thread then runs one contiguous share, the same end
     * every call, so a step's output rows lie in the cache of the core that reads those rows in the next step (a
     * convolution's columns, an element-wise op's elements). Alternated in one JVM (medians of 11-15 rounds, 2 threads,
     * AVX-512): MobileNetV2 -7 to -10 %, PP-OCRv4 rec -3 %, Inception-v2-light and ResNet-50-light -1 to -2.4 %,
     * ResNet-18 and ShuffleNet unchanged.
     */
    private static volatile boolean affine = true;

    /** Two-ended claiming on (the default) or off, for one-JVM A/B benchmarks. */
    static void affine(boolean on) {
        affine = on;
    }

    /** How long an idle helper keeps looking for the next call before parking. */
    static final long SPIN_NANOS = 200_000;
    private static final Helper[] HELPERS = startHelpers();

    /** A body run over the half-open range [from, to). */
    @FunctionalInterface
    public interface IntRangeBody {
        /** Processes indices from (inclusive) to (exclusive). */
        void run(int from, int to);
    }

    private Parallel() {
    }

    private static Helper[] startHelpers() {
        Helper[] h = new Helper[THREADS - 1];
        for (int i = 0; i < h.length; i++) {
            h[i] = new Helper("qsh-parallel-" + (i + 1));
            h[i].start();
        }
        return h;
    }

    /**
     * Like {@link #forRange(int, IntRangeBody)}, but sequential when the call's total work (about one unit per
     * element or multiply-add) is below {@code minWork}: handing a few microseconds of work to the other
     * thread costs more than it saves, and much more when the machine is loaded.
     */
    public static void forRange(int n, long work, long minWork, IntRangeBody body) {
        if (!worthIt(work, minWork)) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        forRange(n, body);
    }

    /**
     * Runs body over [0, n) in chunks claimed by the caller and the helpers; sequential when n &lt; 2 or inside a
     * helper (a nested call).
     */
    public static void forRange(int n, IntRangeBody body) {
        if (n <= 0) {
            return;
        }
        if (n < 2 || HELPERS.length == 0 || Thread.currentThread() instanceof Helper) {
            body.run(0, n);
            return;
        }
        Claims c = new Claims(n, Math.min(n, CHUNKS_PER_THREAD * THREADS), body, affine && HELPERS.length == 1);
        for (Helper h : HELPERS) {
            h.offer(c);
        }
        c.work(true);
        c.awaitAll();
    }

    /** A helper thread: runs the calls offered to it, spins a while for the next one, then parks. */
    private static final class Helper extends Thread {
        private final AtomicReference<Claims> job = new AtomicReference<>();
        private volatile boolean parked;

        Helper(String name) {
            super(name);
            setDaemon(true);
        }

        /**
         * Offers a call, replacing one not yet taken: that one's caller claims every chunk nobody took (a finished
         * call's pending offer has none left; another thread's concurrent call runs on without this helper).
         */
        void offer(Claims c) {
            job.set(c);
            if (parked) {
                LockSupport.unpark(this);
            }
        }

        @Override
        public void run() {
            while (true) {
                Claims c = job.getAndSet(null);
                if (c != null) {
                    c.work(false);
                    continue;
                }
                long until = System.nanoTime() + SPIN_NANOS;
                while (job.get() == null && System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                if (job.get() == null) {
                    parked = true;
                    // a call offered between the check above and parked = true is seen here; one offered
                    // after it sees parked and unparks
                    if (job.get() == null) {
                        LockSupport.park(this);
                    }
                    parked = false;
                }
            }
        }
    }

    /** The shared state of one call: the next chunk to claim and how many are finished. */
    private static final class Claims {
        private final int n;
        private final int chunks;
        private final IntRangeBody body;
        private final boolean twoEnded;
        private final AtomicInteger next = new AtomicInteger();
        /** Two-ended claims: the low half the caller's next chunk, the high half one past the helper's next. */
        private final AtomicLong ends;
        private final AtomicInteger done = new AtomicInteger();
        private volatile Throwable failure;

        Claims(int n, int chunks, IntRangeBody body, boolean twoEnded) {
            this.n = n;
            this.chunks = chunks;
            this.body = body;
            this.twoEnded = twoEnded;
            this.ends = new AtomicLong((long) chunks << 32);
        }

        private int claim(boolean front) {
            if (!twoEnded) {
                return next.getAndIncrement();
            }
            while (true) {
                long e = ends.get();
                int lo = (int) e;
                int hi = (int) (e >>> 32);
                if (lo >= hi) {
                    return chunks;
                }
                if (front ? ends.compareAndSet(e, e + 1) : ends.compareAndSet(e, e - (1L << 32))) {
                    return front ? lo : hi - 1;
                }
            }
        }

        /** Claims and runs chunks until none are left (the caller from the front, a helper from the back). */
        void work(boolean front) {
            int k;
            while ((k = claim(front)) < chunks) {
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
