package qsh.core.exec.kernels;

/**
 * The math kernels' per-kind verdicts ({@link VectorMath#kindReady}): each unary kind's vector form is used once it
 * runs within twice its scalar loop's time, judged in the warm-up's rounds and, for kinds still slow after the
 * fourth, in a background thread of more rounds (C2 compiles some late). Only touched when {@link VectorSupport}
 * allows.
 */
final class MathKinds {
    private MathKinds() {
    }

    /** A warm-up's arrays: short rows (every length up to n, each tail path) and a long one for the timings. */
    static final class WarmUpData {
        final int n = 8 * VectorMath.length() + 3;
        final float[] x = new float[n];
        final float[] y = new float[n];
        final float[] big = new float[4096];
        final float[] out = new float[4096];

        WarmUpData() {
            for (int i = 0; i < n; i++) {
                x[i] = (i - n / 2) * 0.37f;
            }
            for (int i = 0; i < big.length; i++) {
                big[i] = (i - 2048) * 0.01f;
            }
        }
    }

    /**
     * Whether {@link VectorActivations#quantizedHardSwishChain} is used: once it runs faster than {@link
     * QuantizedHardSwish}'s blocks (C1's code, with its vectors boxed, took 3 ns per element against the blocks' 1.3,
     * and C2 compiled it only after about 2 s of a test program).
     */
    private static volatile boolean hardSwishChainReady;

    /** The warm-up's hard-swish chain: pairs after its Clip and Mul (PaddleOCR's exports). */
    private static final QuantizedHardSwish WARM_UP_CHAIN = new QuantizedHardSwish(3f, 0f, 6f, 6f, null,
            new FakeQuant(new float[] {0.0235f}, new long[] {0}, 0, 255),
            new FakeQuant(new float[] {0.03f}, new long[] {-2}, -128, 127));

    static boolean hardSwishChainReady() {
        return hardSwishChainReady;
    }

    /** Every kernel here, whatever the warm-up measured: for tests of their results. */
    static void useAll() {
        VectorMath.useAllKinds();
        hardSwishChainReady = true;
    }

    /** The warm-up's table for {@link VectorMath#fakeQuantLookup} (an int8 grid's 256 values). */
    static final float[] LOOKUP_TABLE = new float[256];

    /** The warm-up's pairs for {@link VectorActivations#quantizedHardSwishChain}: int8, uint8 and int8 grids. */
    private static final float[] HARD_SWISH_PAIRS = {
        0.05f, -128f, 127f, 0f, 0.02f, 0f, 255f, 0f, 0.04f, -128f, 127f, 0f};

    /**
     * Runs the hard-swish chain's vector form on a copy of x's whole vectors in y[0, w), with pairs after its Add, Clip
     * and Mul in a combination that changes with i (C2 drops branches a warm-up never took), so it gets compiled.
     */
    static void exerciseHardSwishChain(float[] x, float[] y, int w, int i) {
        int n = w / VectorMath.length() * VectorMath.length();
        System.arraycopy(x, 0, y, 0, n);
        VectorActivations.quantizedHardSwishChain(y, 0, n, 3f, 0f, 6f, 6f, i % 2 == 0, i % 3 != 0, i % 5 != 0,
                HARD_SWISH_PAIRS);
    }

    /** Times every kind not yet ready against its scalar loop and marks those within twice its time; true if all are. */
    static boolean judge(float[] big, float[] out) {
        boolean all = judgeHardSwishChain(big, out);
        for (int f = 0; f < FloatMath.UNARY_KINDS; f++) {
            if (VectorMath.kindReady(f)) {
                continue;
            }
            long v = Long.MAX_VALUE;
            long sc = Long.MAX_VALUE;
            for (int t = 0; t < 3; t++) {
                long t0 = System.nanoTime();
                VectorMath.unary(f, big, out, 0, big.length, 0.2f, 0.5f);
                long t1 = System.nanoTime();
                FloatMath.unaryScalar(f, big, out, 0, big.length, 0.2f, 0.5f);
                long t2 = System.nanoTime();
                v = Math.min(v, t1 - t0);
                sc = Math.min(sc, t2 - t1);
            }
            if (v <= 2 * sc) {
                VectorMath.markReady(f);
            } else {
                all = false;
            }
        }
        return all;
    }

    private static boolean judgeHardSwishChain(float[] big, float[] out) {
        if (hardSwishChainReady) {
            return true;
        }
        long v = Long.MAX_VALUE;
        long sc = Long.MAX_VALUE;
        for (int t = 0; t < 3; t++) {
            System.arraycopy(big, 0, out, 0, big.length);
            long t0 = System.nanoTime();
            WARM_UP_CHAIN.applyVector(out, 0, big.length);
            long t1 = System.nanoTime();
            System.arraycopy(big, 0, out, 0, big.length);
            long t2 = System.nanoTime();
            WARM_UP_CHAIN.applyBlocks(out, 0, big.length, 0);
            long t3 = System.nanoTime();
            v = Math.min(v, t1 - t0);
            sc = Math.min(sc, t3 - t2);
        }
        hardSwishChainReady = v < sc;
        return hardSwishChainReady;
    }

    /**
     * Late rounds at most, the first of them back to back (C2 compiles a kernel once it has run enough), then with a
     * pause after each (C2 compiles in the background meanwhile).
     */
    private static final int LATE_ROUNDS = 40;
    private static final int UNPAUSED_ROUNDS = 10;
    private static final long LATE_PAUSE_MS = 100;

    /**
     * Up to {@link #LATE_ROUNDS} more rounds of the kinds the warm-up left scalar, each judged after its round, the
     * first {@link #UNPAUSED_ROUNDS} back to back, then with a pause after each: the rounds run while models do, so
     * they must not keep a core (60 rounds without pause, for a kind that never qualified, took one from the
     * benchmarks' first seconds); with pauses from the first round, swish (a large kernel C2 compiles late) was still
     * scalar after a 3 s profile.
     */
    static void judgeLate() {
        WarmUpData d = new WarmUpData();
        for (int r = 0; r < LATE_ROUNDS; r++) {
            for (int i = 0; i < 1_500; i++) {
                if (!hardSwishChainReady) {
                    exerciseHardSwishChain(d.x, d.y, 1 + i % d.n, i);
                }
                for (int f = 0; f < FloatMath.UNARY_KINDS; f++) {
                    if (!VectorMath.kindReady(f)) {
                        VectorMath.unary(f, d.x, d.y, 0, 1 + i % d.n, 0.2f, 0.5f);
                    }
                }
            }
            if (judge(d.big, d.out)) {
                return;
            }
            if (r < UNPAUSED_ROUNDS) {
                continue;
            }
            try {
                Thread.sleep(LATE_PAUSE_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
