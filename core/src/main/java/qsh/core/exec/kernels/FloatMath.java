package qsh.core.exec.kernels;

/**
 * Float exp, sigmoid, tanh, erf and log by range reduction and polynomials, as scalar functions and as array
 * kernels that run the Vector API forms ({@link VectorMath}) when {@link VectorSupport#ready()} and
 * {@link VectorMath#ready()}, else the scalar loop. Both paths give the same bits: the vector lanes run exactly
 * the scalar float operations (the same fused multiply-adds in the same order).
 *
 * <p>Error bounds, in units in the last place of the float result, against the exact value (Math in double, or
 * a double erf series, rounded to float): measured on every 257th float bit pattern (every 7th for exp and
 * sigmoid), and asserted by {@code FloatMathTest} on every 4099th plus dense samples near 0, 1, the saturation
 * points and the subnormals:
 * <ul>
 * <li>{@link #exp}: at most 1 ulp (subnormal results included, rounded once);
 * <li>{@link #sigmoid}: at most 2 ulp;
 * <li>{@link #tanh}: at most 2 ulp;
 * <li>{@link #erf}: at most 2 ulp;
 * <li>{@link #log}: at most 1 ulp.
 * </ul>
 * NaN gives NaN; ±Inf, ±0 and the overflow and underflow points give the limits Math gives
 * (exp(+Inf) = +Inf, exp(-Inf) = +0, sigmoid(±Inf) = 1 and 0, tanh and erf of ±Inf = ±1, tanh(-0) = erf(-0) = -0,
 * log(0) = -Inf, log(x &lt; 0) = NaN).
 */
public final class FloatMath {
    // --- exp: x = n ln2 + r with n = round(x / ln2), |r| <= ln2 / 2 (Cody and Waite, "Software Manual for the
    // Elementary Functions", 1980: ln2 split in two parts, here with fused multiply-adds); e^r by its Taylor
    // polynomial of degree 7 (truncation below 1e-8 relative on |r| <= 0.347); 2^n built from exponent bits in two
    // halves, so subnormal results are rounded once and n = 128 still overflows to +Inf.
    static final float LOG2E = 0x1.715476p0f;
    static final float LN2_HI = 0x1.62e43p-1f;
    static final float LN2_LO = -0x1.05c61p-29f;
    /** 1.5 * 2^23: adding it rounds a float of magnitude below 2^22 to an integer, readable from the low bits. */
    static final float ROUND = 0x1.8p23f;
    static final int ROUND_BITS = 0x4b400000;
    /** Clamps: e^-104 rounds to 0, e^89 overflows; n stays within [-150, 129]. */
    static final float EXP_LO = -104f;
    static final float EXP_HI = 89f;
    static final float E2 = 0x1p-1f;
    static final float E3 = 0x1.555556p-3f;
    static final float E4 = 0x1.555556p-5f;
    static final float E5 = 0x1.111112p-7f;
    static final float E6 = 0x1.6c16c2p-10f;
    static final float E7 = 0x1.a01a02p-13f;

    // --- tanh: below |x| = 0.625, x + x^3 P(x^2) (P fitted by qsh: weighted least squares with float coefficients,
    // relative error 1.1e-9 on the interval); above, 1 - 2 / (e^2|x| + 1), which has no cancellation there
    // (tanh >= 0.55); the sign restored last so that tanh(-0) = -0.
    static final float TANH_SMALL = 0.625f;
    static final float T0 = -0.3333333134651184f;
    static final float T1 = 0.1333322376012802f;
    static final float T2 = -0.053948719054460526f;
    static final float T3 = 0.02171030081808567f;
    static final float T4 = -0.008199035190045834f;
    static final float T5 = 0.002161250915378332f;

    // --- erf: below |x| = 1, x (2/sqrt(pi) + x^2 S(x^2)) with 2/sqrt(pi) split into a float and a remainder so that
    // erf(x) ~ 1.128 x is right to half an ulp near 0 (S fitted by qsh, relative error 1.5e-9); from 1 on,
    // 1 - e^Q(|x|) with Q a degree-7 fit of ln erfc on [1, 3.95] (erfc error 2.3e-11 absolute); |x| clamped to
    // 3.95, where erfc < 2^-25 so erf rounds to 1. This is qsh's only erf (the Erf op, and the normal CDF of
    // analytical bias correction). It replaced two approximations good to ~1e-7 only (a few ulp near 1, hundreds
    // near 0): the executor's, Numerical Recipes' erfc Chebyshev fit (Press et al., 2nd ed., §6.2, "erfcc",
    // fractional error < 1.2e-7; it was mislabelled Abramowitz-Stegun 7.1.26), and bias correction's, which was
    // Abramowitz-Stegun 7.1.26 (|error| <= 1.5e-7).
    static final float C0_HI = 1.128379225730896f;
    static final float C0_LO = -5.8635382771399236e-08f;
    static final float S1 = -0.37612631916999817f;
    static final float S2 = 0.11283642053604126f;
    static final float S3 = -0.026855919510126114f;
    static final float S4 = 0.005192004144191742f;
    static final float S5 = -0.0008040491957217455f;
    static final float S6 = 7.949032442411408e-05f;
    static final float ERF_CLAMP = 3.95f;
    static final float Q0 = 0.00019130503642372787f;
    static final float Q1 = -1.1295931339263916f;
    static final float Q2 = -0.6331920027732849f;
    static final float Q3 = -0.10844741016626358f;
    static final float Q4 = 0.025225801393389702f;
    static final float Q5 = -0.004210843704640865f;
    static final float Q6 = 0.0004425615188665688f;
    static final float Q7 = -2.178723480028566e-05f;

    // --- log: x = 2^e m with m in [sqrt(2)/2, sqrt(2)), f = m - 1 (exact); ln(1 + f) = 2 atanh(s) with
    // s = f / (2 + f), arranged as f - (f^2/2 - s (f^2/2 + R(s^2))) so that f enters exactly (the arrangement of
    // fdlibm's e_log.c, Sun Microsystems 1993); R the atanh series 2/3 z + 2/5 z^2 + 2/7 z^3 + 2/9 z^4
    // (truncation below 3e-9 relative, |s| <= 0.172); subnormal x scaled by 2^23 first.
    static final float SQRT2 = 0x1.6a09e6p0f;
    static final float R1 = 2f / 3;
    static final float R2 = 2f / 5;
    static final float R3 = 2f / 7;
    static final float R4 = 2f / 9;

    static final int EXP = 0;
    static final int SIGMOID = 1;
    static final int TANH = 2;
    static final int ERF = 3;
    static final int LOG = 4;
    static final int HARD_SIGMOID = 5;
    static final int HARD_SWISH = 6;
    static final int SWISH = 7;
    static final int FLUSH = 8;
    static final int UNARY_KINDS = 9;

    /** ONNX HardSwish's alpha and beta (opset 14): x max(0, min(1, x / 6 + 1/2)). */
    public static final float HARD_SWISH_ALPHA = 1f / 6;
    public static final float HARD_SWISH_BETA = 0.5f;

    private FloatMath() {
    }

    /** e^x within 1 ulp. */
    public static float exp(float x) {
        float xc = Math.min(Math.max(x, EXP_LO), EXP_HI);
        float t = Math.fma(xc, LOG2E, ROUND);
        float n = t - ROUND;
        float r = Math.fma(n, -LN2_HI, xc);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(E7, r, E6), r, E5), r, E4), r, E3),
                r, E2), r, 1f), r, 1f);
        int ni = Float.floatToRawIntBits(t) - ROUND_BITS;
        int h = ni >> 1;
        float s1 = Float.intBitsToFloat((h + 127) << 23);
        float s2 = Float.intBitsToFloat((ni - h + 127) << 23);
        return p * s1 * s2;
    }

    /**
     * 1 / (1 + e^-x) within 2 ulp: e = e^-|x|, then 1 / (1 + e) for x >= 0 and e / (1 + e) below; a result below
     * the smallest normal float (x below about -87.34) is 0. Why flushed: those subnormal outputs (under 1.2e-38)
     * went on into convolutions, where on Intel CPUs every FMA on a vector holding one takes a microcode assist
     * (EfficientNet-B0's swish made 41 125 of them a run: its float graph ran 30 ms against 18 for its simulated
     * one) and Java cannot set flush-to-zero; ONNX Runtime's Sigmoid already returns 0 below about -18, and devices
     * flush subnormals.
     */
    public static float sigmoid(float x) {
        return sigmoidFinish(x, exp(-Math.abs(x)));
    }

    /** Sigmoid from x and e = e^-|x| (a subnormal result is 0, see {@link #sigmoid(float)}). */
    static float sigmoidFinish(float x, float e) {
        float num = x >= 0 ? 1f : e;
        float r = num / (e + 1f);
        return r < Float.MIN_NORMAL ? 0f : r;
    }

    /** tanh x within 2 ulp. */
    public static float tanh(float x) {
        float ax = Math.abs(x);
        return tanhFinish(x, exp(ax + ax));
    }

    /** Tanh from x and e = e^2|x|. */
    static float tanhFinish(float x, float e) {
        float ax = Math.abs(x);
        float z = ax * ax;
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(T5, z, T4), z, T3), z, T2), z, T1), z, T0);
        float small = Math.fma(ax * z, p, ax);
        float big = 1f - 2f / (e + 1f);
        return copySign(ax < TANH_SMALL ? small : big, x);
    }

    /** The error function within 2 ulp. */
    public static float erf(float x) {
        return erfFinish(x, exp(erfcExponent(x)));
    }

    /** Q(min(|x|, 3.95)) ~ ln erfc |x| (from |x| = 1 on). */
    static float erfcExponent(float x) {
        float a = Math.min(Math.abs(x), ERF_CLAMP);
        return Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Q7, a, Q6), a, Q5), a, Q4), a, Q3),
                a, Q2), a, Q1), a, Q0);
    }

    /** Erf from x and c = e^Q, erfc |x| from |x| = 1 on. */
    static float erfFinish(float x, float c) {
        float ax = Math.abs(x);
        float z = ax * ax;
        float q = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(S6, z, S5), z, S4), z, S3), z, S2), z, S1), z,
                C0_LO);
        float small = Math.fma(ax, C0_HI, ax * q);
        float big = 1f - c;
        return copySign(ax < 1f ? small : big, x);
    }

    /** The natural logarithm within 1 ulp. */
    public static float log(float x) {
        boolean sub = x < 0x1p-126f;
        float xs = sub ? x * 0x1p23f : x;
        int bits = Float.floatToRawIntBits(xs);
        float ef = Float.intBitsToFloat((bits >> 23) + (ROUND_BITS - 127)) - ROUND;
        float m = Float.intBitsToFloat(bits & 0x007fffff | 0x3f800000);
        boolean big = m > SQRT2;
        m = big ? m * 0.5f : m;
        ef = ef + (big ? 1f : 0f) - (sub ? 23f : 0f);
        float f = m - 1f;
        float s = f / (f + 2f);
        float z = s * s;
        float rr = Math.fma(Math.fma(Math.fma(R4, z, R3), z, R2), z, R1) * z;
        float hfsq = f * 0.5f * f;
        float u = Math.fma(s, hfsq + rr, ef * LN2_LO);
        float v = hfsq - u - f;
        float y = Math.fma(ef, LN2_HI, -v);
        if (x > 0 && x < Float.POSITIVE_INFINITY) {
            return y;
        }
        return x == 0 ? Float.NEGATIVE_INFINITY : x == Float.POSITIVE_INFINITY ? x : Float.NaN;
    }

    /** ONNX HardSigmoid in float: max(0, min(1, alpha x + beta)), alpha x + beta as one fused multiply-add. */
    public static float hardSigmoid(float x, float alpha, float beta) {
        return Math.max(0f, Math.min(1f, Math.fma(x, alpha, beta)));
    }

    /** |r| with the sign bit of x, as the vector form computes it (also for NaN r). */
    private static float copySign(float r, float x) {
        return Float.intBitsToFloat(Float.floatToRawIntBits(r) & 0x7fffffff | Float.floatToRawIntBits(x) & 0x80000000);
    }

    /** y[i] = e^x[i] for i in [from, to); y may be x. */
    public static void exp(float[] x, float[] y, int from, int to) {
        unary(EXP, x, y, from, to, 0, 0);
    }

    /** y[i] = sigmoid(x[i]) for i in [from, to); y must not be x (the vector form keeps its intermediate values in y). */
    public static void sigmoid(float[] x, float[] y, int from, int to) {
        unary(SIGMOID, x, y, from, to, 0, 0);
    }

    /**
     * y[i] = x[i] · sigmoid(x[i]) for i in [from, to) (y may be x), the product flushed where subnormal: the bits of
     * the Sigmoid op followed by the Mul op, in one pass (the fused Conv → Sigmoid → Mul's epilogue).
     */
    public static void swish(float[] x, float[] y, int from, int to) {
        unary(SWISH, x, y, from, to, 0, 0);
    }

    /**
     * r, or a zero of r's sign where r is subnormal (|r| &lt; 2^-126): flush-to-zero, as accelerators compute (and as
     * ONNX Runtime's Sigmoid, which gives 0 well before its results get that small). Why qsh does it on products: a
     * subnormal activation makes every vector fused multiply-add that reads it take a microcode assist on x86 (on
     * the order of 100 cycles); EfficientNet-B0's squeeze-and-excitation Muls (features times a gate near 1e-37) made
     * 3 434 of them a run, and the projection convolutions reading them took 5 ms of a 20 ms run instead of 0.5.
     */
    public static float flushSubnormal(float r) {
        return Math.abs(r) < Float.MIN_NORMAL ? r * 0f : r;
    }

    /** y[i] = {@link #flushSubnormal}(x[i]) for i in [from, to); y may be x. */
    public static void flushSubnormals(float[] x, float[] y, int from, int to) {
        unary(FLUSH, x, y, from, to, 0, 0);
    }

    /** y[i] = tanh(x[i]) for i in [from, to); y must not be x (the vector form keeps its intermediate values in y). */
    public static void tanh(float[] x, float[] y, int from, int to) {
        unary(TANH, x, y, from, to, 0, 0);
    }

    /** y[i] = erf(x[i]) for i in [from, to); y must not be x (the vector form keeps its intermediate values in y). */
    public static void erf(float[] x, float[] y, int from, int to) {
        unary(ERF, x, y, from, to, 0, 0);
    }

    /** y[i] = ln(x[i]) for i in [from, to); y may be x. */
    public static void log(float[] x, float[] y, int from, int to) {
        unary(LOG, x, y, from, to, 0, 0);
    }

    /** y[i] = {@link #hardSigmoid(float, float, float)} of x[i] for i in [from, to); y may be x. */
    public static void hardSigmoid(float[] x, float[] y, int from, int to, float alpha, float beta) {
        unary(HARD_SIGMOID, x, y, from, to, alpha, beta);
    }

    /** y[i] = x[i] hardSigmoid(x[i], alpha, beta) (ONNX HardSwish with its alpha and beta); y may be x. */
    public static void hardSwish(float[] x, float[] y, int from, int to, float alpha, float beta) {
        unary(HARD_SWISH, x, y, from, to, alpha, beta);
    }

    /** Whether the array kernels run their Vector API forms now (for benchmarks and diagnostics). */
    public static boolean vectorReady() {
        return VectorSupport.ready() && VectorMath.WARM_UP.ready();
    }

    private static void unary(int kind, float[] x, float[] y, int from, int to, float a, float b) {
        if (vectorReady() && VectorMath.kindReady(kind)) {
            VectorMath.unary(kind, x, y, from, to, a, b);
        } else {
            unaryScalar(kind, x, y, from, to, a, b);
        }
    }

    /** The scalar loops (one per kind, so each stays monomorphic); also the vector kernels' tails. */
    static void unaryScalar(int kind, float[] x, float[] y, int from, int to, float a, float b) {
        switch (kind) {
            case EXP -> {
                for (int i = from; i < to; i++) {
                    y[i] = exp(x[i]);
                }
            }
            case SIGMOID -> {
                for (int i = from; i < to; i++) {
                    y[i] = sigmoid(x[i]);
                }
            }
            case TANH -> {
                for (int i = from; i < to; i++) {
                    y[i] = tanh(x[i]);
                }
            }
            case ERF -> {
                for (int i = from; i < to; i++) {
                    y[i] = erf(x[i]);
                }
            }
            case LOG -> {
                for (int i = from; i < to; i++) {
                    y[i] = log(x[i]);
                }
            }
            case HARD_SIGMOID -> {
                for (int i = from; i < to; i++) {
                    y[i] = hardSigmoid(x[i], a, b);
                }
            }
            case SWISH -> {
                for (int i = from; i < to; i++) {
                    float v = x[i];
                    y[i] = flushSubnormal(v * sigmoid(v));
                }
            }
            case FLUSH -> {
                for (int i = from; i < to; i++) {
                    y[i] = flushSubnormal(x[i]);
                }
            }
            case HARD_SWISH -> {
                for (int i = from; i < to; i++) {
                    float v = x[i];
                    y[i] = v * hardSigmoid(v, a, b);
                }
            }
            default -> throw new IllegalArgumentException("unknown kind " + kind);
        }
    }

    /**
     * e^(x - shift) within exp's bound of the exact value: x - shift rounded to float may be off by half an ulp of
     * a large difference (16 ulp of the result at x - shift = -16), so its rounding error err is recovered exactly
     * (Knuth's TwoSum, TAOCP vol. 2, 4.2.2) and applied as e^(s + err) = e^s (1 + err); where |s| >= 104 the
     * result is 0, NaN or Inf anyway and err is not used (it may be NaN there).
     */
    static float expShifted(float x, float shift) {
        return shiftCorrection(x, shift, exp(x + -shift));
    }

    /** e^s (1 + err) from e = e^s, s = x - shift rounded, err its rounding error. */
    static float shiftCorrection(float x, float shift, float e) {
        float b = -shift;
        float s = x + b;
        float bb = s - x;
        float err = (x - (s - bb)) + (b - bb);
        err = Math.abs(s) < 104f ? err : 0f;
        return Math.fma(e, err, e);
    }

    /** y[i] = {@link #expShifted(float, float)} of x[i] for i in [from, to) (a softmax row). */
    static void expShifted(float[] x, float[] y, int from, int to, float shift) {
        if (vectorReady()) {
            VectorSoftmax.expShifted(x, y, from, to, shift);
            return;
        }
        for (int i = from; i < to; i++) {
            y[i] = expShifted(x[i], shift);
        }
    }

    /** The largest of x[from, to) as Math.max folds it (NaN if any is NaN); -Inf for an empty range. */
    static float max(float[] x, int from, int to) {
        if (vectorReady()) {
            return VectorSoftmax.max(x, from, to);
        }
        float m = Float.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            m = Math.max(m, x[i]);
        }
        return m;
    }

    /** y[i] /= d for i in [from, to). */
    static void divide(float[] y, int from, int to, float d) {
        if (vectorReady()) {
            VectorSoftmax.divide(y, from, to, d);
            return;
        }
        for (int i = from; i < to; i++) {
            y[i] /= d;
        }
    }
}
