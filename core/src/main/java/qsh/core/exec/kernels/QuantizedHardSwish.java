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
    /** Per-thread block scratch: the block's x and the chain's value. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][BLOCK]);

    private final float add;
    private final float lo;
    private final float hi;
    private final float div;
    private final FakeQuant afterAdd;
    private final FakeQuant afterClip;
    private final FakeQuant afterMul;

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
