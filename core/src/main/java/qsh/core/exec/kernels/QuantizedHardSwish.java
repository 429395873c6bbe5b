package qsh.core.exec.kernels;

/**
 * The exported hard-swish chain Div(Mul(x, Clip(Add(x, add), lo, hi)), div) of a simulated graph, where a
 * QuantizeLinear → DequantizeLinear pair ({@link FakeQuant}) may follow the Add, the Clip and the Mul: as one
 * epilogue stage, so the five-to-eight ops do not each make a pass over the tensor. Each op is evaluated as its
 * kernel evaluates it (x + add, min(hi, max(lo, a)), x · c, m / div in float, the pairs as {@link FakeQuant}),
 * in the ops' order, so the result is bit-identical. Works through a row in blocks of {@link #BLOCK} kept in a
 * per-thread scratch array, so x is still there for the Mul.
 */
public final class QuantizedHardSwish {
    private static final int BLOCK = 256;
    private static volatile boolean onePass = true;

    /** Turns the one-pass vector chain on (the default) or off, for benchmarks comparing the two in one JVM (same bits). */
    static void onePass(boolean on) {
        onePass = on;
    }
    /** Per-thread block scratch: the block's x and the chain's value. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][BLOCK]);

    private final float add;
    private final float lo;
    private final float hi;
    private final float div;
    private final FakeQuant afterAdd;
    private final FakeQuant afterClip;
    private final FakeQuant afterMul;
    /**
     * The pairs' float-form parameters for {@link VectorActivations#quantizedHardSwishChain} (scale, below, above,
     * nanResult of each), or null where a pair is per channel or not exact in float (then the blocks below).
     */
    private final float[] vectorParams;

    /** The chain's constants and the pairs after its Add, Clip and Mul (each null when absent). */
    public QuantizedHardSwish(float add, float lo, float hi, float div, FakeQuant afterAdd, FakeQuant afterClip,
                              FakeQuant afterMul) {
        this.add = add;
        this.lo = lo;
        this.hi = hi;
        this.div = div;
        this.afterAdd = afterAdd;
        this.afterClip = afterClip;
        this.afterMul = afterMul;
        this.vectorParams = vectorParams(afterAdd, afterClip, afterMul);
    }

    private static float[] vectorParams(FakeQuant... pairs) {
        float[] p = new float[4 * pairs.length];
        for (int i = 0; i < pairs.length; i++) {
            FakeQuant fq = pairs[i];
            if (fq == null) {
                continue;
            }
            if (fq.channels() != 1 || !fq.floatExact()) {
                return null;
            }
            p[4 * i] = fq.scale(0);
            p[4 * i + 1] = fq.below(0);
            p[4 * i + 2] = fq.above(0);
            p[4 * i + 3] = fq.nanResult(0);
        }
        return p;
    }

    /** Whether every pair has one scale and zero point for the whole tensor (the chain is the same for every channel). */
    boolean perTensor() {
        return (afterAdd == null || afterAdd.channels() == 1) && (afterClip == null || afterClip.channels() == 1)
                && (afterMul == null || afterMul.channels() == 1);
    }

    /**
     * Applies the chain in place to y[from, to), the pairs with channel {@code c}'s parameters. Each block is copied to
     * the start of a scratch array first: C2 vectorizes a loop only when its arrays share one index, and with the
     * block read at its offset in y the Add, Mul and Div ran one element at a time (PP-OCRv4's detector: the
     * chain was most of its simulation's time, 1.5 times its float run).
     */
    public void apply(float[] y, int from, int to, int c) {
        if (vectorParams != null && onePass && FloatMath.vectorReady() && MathKinds.hardSwishChainReady()) {
            // whole vectors in one pass, the rest in a block: 0.85 instead of 1.26 ns per element on one core
            // (AVX-512, 4096-element rows, pairs after the Clip and the Mul); its four divisions bound it
            int end = VectorMath.vectorEnd(from, to);
            applyVector(y, from, end);
            applyBlocks(y, end, to, c);
            return;
        }
        applyBlocks(y, from, to, c);
    }

    /** The chain on y[from, to), a whole number of vectors, in one pass (per-tensor pairs exact in float only). */
    void applyVector(float[] y, int from, int to) {
        VectorActivations.quantizedHardSwishChain(y, from, to, add, lo, hi, div, afterAdd != null, afterClip != null,
                afterMul != null, vectorParams);
    }

    /** The chain on y[from, to) in blocks of a scratch array, one op per loop. */
    void applyBlocks(float[] y, int from, int to, int c) {
        float[][] scratch = SCRATCH.get();
        float[] x = scratch[0];
        float[] t = scratch[1];
        for (int b = from; b < to; b += BLOCK) {
            int n = Math.min(BLOCK, to - b);
            System.arraycopy(y, b, x, 0, n);
            for (int j = 0; j < n; j++) {
                t[j] = x[j] + add;
            }
            quantize(afterAdd, t, n, c);
            for (int j = 0; j < n; j++) {
                t[j] = Math.min(hi, Math.max(lo, t[j]));
            }
            quantize(afterClip, t, n, c);
            for (int j = 0; j < n; j++) {
                t[j] = x[j] * t[j];
            }
            FloatMath.flushSubnormals(t, t, 0, n); // the chain's Mul, as the Mul op
            quantize(afterMul, t, n, c);
            for (int j = 0; j < n; j++) {
                x[j] = t[j] / div;
            }
            System.arraycopy(x, 0, y, b, n);
        }
    }

    private static void quantize(FakeQuant fq, float[] t, int n, int c) {
        if (fq != null) {
            fq.apply(t, 0, n, fq.channels() == 1 ? 0 : c);
        }
    }

    @Override
    public String toString() {
        return "HardSwish(x * Clip(x + " + add + ", " + lo + ", " + hi + ") / " + div + ") with fake quantization";
    }
}
