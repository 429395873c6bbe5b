package qsh.core.exec.kernels;

/**
 * A QuantizeLinear whose only reader is a DequantizeLinear with the same scale and zero point, as one in-place
 * step on float values that never materializes the integer tensor: x̂ = (q - z)·s with
 * q = saturate(rint(x / s) + z) (x / s in float32, ties to even, NaN to the zero point), per tensor or per
 * channel. {@link #exact} composes {@link #quantize} and {@link #dequantize}, the functions qsh's QuantizeLinear and
 * DequantizeLinear kernels run per element (float division, rint in double, the add and the saturation in double,
 * then (float)(q - z) · s), so the fused step is bit-identical to running them.
 *
 * <p>The float form (the Vector API's {@link VectorMath#fakeQuant}, else two plain loops C2 vectorizes) computes the
 * same bits in float only, for integer types of at
 * most 16 bits whose zero points are in range (every type qsh's simulation stores up to 16 bits):
 * there q - z = clamp(rint(x / s), lo - z, hi - z), whose bounds and values are integers below 2^17 and exact in
 * float; rint commutes with a clamp to integer bounds, so the clamp comes first, and the clamped value (below 2^22)
 * rounds to an integer, ties to even, by adding and subtracting 1.5 · 2^23; the sum is +0 for -0.4, as the
 * integer path's (float) 0L is. NaN lanes (x / s NaN) take (float)(clamp(z) - z) · s, what the integer path gives.
 */
public final class FakeQuant {
    private final float[] scale;
    private final long[] zero;
    private final long lo;
    private final long hi;
    /** Float forms of lo - z and hi - z, and of the NaN result, per channel (for the vector path). */
    private final float[] below;
    private final float[] above;
    private final float[] nanResult;
    private final boolean floatExact;

    /**
     * Scale and zero point per channel (one value each: per tensor; {@code zero} null: all 0) and the integer
     * type's range [lo, hi].
     */
    public FakeQuant(float[] scale, long[] zero, long lo, long hi) {
        if (zero != null && zero.length != scale.length) {
            throw new IllegalArgumentException(scale.length + " scales but " + zero.length + " zero points");
        }
        this.scale = scale.clone();
        this.zero = zero == null ? new long[scale.length] : zero.clone();
        this.lo = lo;
        this.hi = hi;
        int n = scale.length;
        below = new float[n];
        above = new float[n];
        nanResult = new float[n];
        boolean ok = lo >= -(1 << 16) && hi <= (1 << 16) && lo <= hi;
        for (int c = 0; c < n; c++) {
            long z = this.zero[c];
            ok &= z >= lo && z <= hi;
            below[c] = lo - z;
            above[c] = hi - z;
            nanResult[c] = exact(Float.NaN, scale[c], z, lo, hi);
        }
        floatExact = ok;
    }

    /** The number of channels (1: per tensor). */
    public int channels() {
        return scale.length;
    }

    /**
     * ONNX QuantizeLinear of one value as qsh computes it: x / s in float32, rint (ties to even) in double, the zero
     * point added and the result saturated to [lo, hi] in double; NaN (no integer stands for it) becomes the zero
     * point. The QuantizeLinear kernel and {@link #exact} both call this, so the fused step cannot drift from it.
     */
    public static long quantize(float x, float s, long z, long lo, long hi) {
        double r = Math.rint(x / s) + z;
        return Double.isNaN(r) ? Math.max(lo, Math.min(hi, z)) : r <= lo ? lo : r >= hi ? hi : (long) r;
    }

    /** ONNX DequantizeLinear of one value: (float)(q - z) · s (the DequantizeLinear kernel calls this). */
    public static float dequantize(long q, long z, float s) {
        return (float) (q - z) * s;
    }

    /**
     * QuantizeLinear then DequantizeLinear of one value, through the kernels' own {@link #quantize} and
     * {@link #dequantize}: the reference every other path must equal bit for bit.
     */
    public static float exact(float x, float s, long z, long lo, long hi) {
        return dequantize(quantize(x, s, z, lo, hi), z, s);
    }

    /** y[i] = x̂(x[i]) for i in [from, to) with channel {@code c}'s scale and zero point; y may be x. */
    public void apply(float[] x, float[] y, int from, int to, int c) {
        float s = scale[c];
        int i = from;
        if (floatExact && FloatMath.vectorReady()) {
            VectorMath.fakeQuant(x, y, from, to, s, below[c], above[c], nanResult[c]);
            return;
        } else if (floatExact && Float.isFinite(s) && s != 0f) {
            floatForm(x, y, from, to, s, below[c], above[c], nanResult[c]);
            return;
        }
        long z = zero[c];
        for (; i < to; i++) {
            y[i] = exact(x[i], s, z, lo, hi);
        }
    }

    /**
     * The float form without the Vector API, in two loops C2 can vectorize (a select in the first would stop it):
     * the clamp, rounding and scaling, where a NaN x / s stays NaN; then NaN results replaced by the NaN result.
     * With a finite non-zero scale a result is NaN exactly when x / s is (a clamped value times s is finite or
     * ±Inf), which is why the caller requires one.
     */
    private static void floatForm(float[] x, float[] y, int from, int to, float s, float below, float above,
                                  float nanResult) {
        for (int i = from; i < to; i++) {
            y[i] = ((Math.min(above, Math.max(below, x[i] / s)) + FloatMath.ROUND) - FloatMath.ROUND) * s;
        }
        for (int i = from; i < to; i++) {
            if (y[i] != y[i]) {
                y[i] = nanResult;
            }
        }
    }

    /** In place on y[from, to) with channel {@code c}'s parameters. */
    public void apply(float[] y, int from, int to, int c) {
        apply(y, y, from, to, c);
    }

    /**
     * Whether channel c's pair runs in float as {@link VectorMath#fakeQuant} (types up to 16 bits, zero points in
     * range): then {@link #scale}, {@link #below}, {@link #above} and {@link #nanResult} give its operands.
     */
    boolean floatExact() {
        return floatExact;
    }

    float scale(int c) {
        return scale[c];
    }

    float below(int c) {
        return below[c];
    }

    float above(int c) {
        return above[c];
    }

    float nanResult(int c) {
        return nanResult[c];
    }

    /** Whether {@code other} has the same scales (bit for bit), zero points and integer range. */
    public boolean sameGrid(FakeQuant other) {
        if (other.lo != lo || other.hi != hi || other.scale.length != scale.length
                || !java.util.Arrays.equals(other.zero, zero)) {
            return false;
        }
        for (int c = 0; c < scale.length; c++) {
            if (Float.floatToRawIntBits(other.scale[c]) != Float.floatToRawIntBits(scale[c])) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether every value on this pair's grid, (q - z) · s for each integer q in [lo, hi] (at most 2^17 of them),
     * comes back bit for bit through the pair: then the pair changes nothing on values a DequantizeLinear with the
     * same parameters made, checked here by running them, not argued.
     */
    public boolean keepsItsGrid() {
        if (hi - lo > (1 << 17)) {
            return false;
        }
        int n = (int) (hi - lo + 1);
        float[] v = new float[n];
        float[] back = new float[n];
        for (int c = 0; c < scale.length; c++) {
            for (int i = 0; i < n; i++) {
                v[i] = dequantize(lo + i, zero[c], scale[c]);
            }
            apply(v, back, 0, n, c);
            for (int i = 0; i < n; i++) {
                if (Float.floatToRawIntBits(back[i]) != Float.floatToRawIntBits(v[i])) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "fake-quant(" + (scale.length == 1 ? "per tensor" : scale.length + " channels") + ", [" + lo + ", " + hi
                + "])";
    }
}
