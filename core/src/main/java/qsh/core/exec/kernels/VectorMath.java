package qsh.core.exec.kernels;

import static qsh.core.exec.kernels.FloatMath.*;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API forms of {@link FloatMath}'s functions: each lane runs exactly the float operations of the
 * scalar function (same fused multiply-adds, same order, the same selections), so both give the same bits and the
 * array kernels finish the last {@code n mod L} elements with the scalar function. See {@link FloatMath} for the
 * formulas and error bounds.
 *
 * <p>Only used once its {@link #WARM_UP} is ready ({@link KernelWarmUp}): before C2 compiles them, Vector API methods run boxed, far slower than the
 * scalar loops, so a background thread (started when the class is first touched) runs every kernel until it is
 * compiled and checks that the vector form beats the scalar one. The class must only be touched when the module
 * is present ({@link VectorSupport} checks).
 */
final class VectorMath {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** The warm-up deciding whether these kernels are used (started when the class is first touched). */
    static final KernelWarmUp WARM_UP = KernelWarmUp.start("math kernels", VectorMath::warmUpRound, () -> { });

    private VectorMath() {
    }

    /** Per unary kind: 1 once the warm-up found its vector form compiled (see {@link #warmUpRound}). */
    private static final java.util.concurrent.atomic.AtomicIntegerArray kindReady =
            new java.util.concurrent.atomic.AtomicIntegerArray(FloatMath.UNARY_KINDS);

    /** Marks unary kind {@code kind}'s vector form as compiled and fast enough ({@link MathKinds}). */
    static void markReady(int kind) {
        kindReady.set(kind, 1);
    }

    /** Whether unary kind {@code kind}'s vector form may be used (with the family's {@link #WARM_UP} ready). */
    static boolean kindReady(int kind) {
        return kindReady.get(kind) == 1;
    }

    /** Every unary kind's vector form, whatever the warm-up measured: for tests of their results. */
    static void useAllKinds() {
        for (int f = 0; f < FloatMath.UNARY_KINDS; f++) {
            kindReady.set(f, 1);
        }
    }

    /** Floats per vector. */
    static int length() {
        return L;
    }

    /** A round runs every kernel until compiled, then compares the vector sigmoid with the scalar loop's speed. */
    private static java.util.function.IntPredicate warmUpRound() {
        MathKinds.WarmUpData d = new MathKinds.WarmUpData();
        int n = d.n;
        float[] x = d.x;
        float[] y = d.y;
        float[] big = d.big;
        float[] out = d.out;
        return round -> {
            // every length from 1 to n, so each vector loop and scalar tail is taken (see VectorKernels' warm-up)
            for (int i = 0; i < 1_500; i++) {
                int w = 1 + i % n;
                for (int f = 0; f < FloatMath.UNARY_KINDS; f++) {
                    unary(f, x, y, 0, w, 0.2f, 0.5f);
                }
                VectorSoftmax.expShifted(x, y, 0, w, 1f);
                VectorSoftmax.max(x, 0, w);
                VectorSoftmax.divide(y, 0, w, 3f);
                fakeQuant(x, y, 0, w, 0.1f, -128f, 127f, 0f);
                fakeQuantLookup(x, y, 0, w, 0.1f, -128f, 127f, MathKinds.LOOKUP_TABLE);
                System.arraycopy(x, 0, y, 0, w);
                VectorActivations.hardSwishChain(y, 0, w, 3f, 0f, 6f, 6f);
                MathKinds.exerciseHardSwishChain(x, y, w, i);
                VectorActivations.scaleFlushed(y, 0, y, 0, w, 0.5f);
                VectorActivations.clamp(y, 0, w, 0f, 6f);
                VectorSwish.swishQuantizedPairs(x, y, 0, w / (2 * L) * (2 * L), 0.01f, -128f, 127f, 0f);
            }
            // one short call first: still boxed, the timing below would take most of a warm-up's time
            long g0 = System.nanoTime();
            unary(FloatMath.SIGMOID, big, out, 0, 256, 0, 0);
            long g1 = System.nanoTime();
            for (int i = 0; i < 256; i++) {
                out[i] = FloatMath.sigmoid(big[i]);
            }
            if (g1 - g0 > 2 * (System.nanoTime() - g1)) {
                return false;
            }
            long vector = Long.MAX_VALUE;
            long scalar = Long.MAX_VALUE;
            for (int t = 0; t < 5; t++) {
                long t0 = System.nanoTime();
                unary(FloatMath.SIGMOID, big, out, 0, big.length, 0, 0);
                long t1 = System.nanoTime();
                for (int i = 0; i < big.length; i++) {
                    out[i] = FloatMath.sigmoid(big[i]);
                }
                long t2 = System.nanoTime();
                vector = Math.min(vector, t1 - t0);
                scalar = Math.min(scalar, t2 - t1);
            }
            if (vector >= scalar) {
                return false;
            }
            // every other kind compiled too (none still boxed, many times slower than its scalar loop, when the
            // family is switched on): within twice its scalar loop's time. A kind that is not after a few rounds
            // keeps its scalar loop (same bits) while the others go ahead, and goes on being exercised and judged
            // in the background: one kind C2 compiled late, or timings taken while a model ran on both cores, kept
            // every kernel of the family scalar (EfficientNet-B0's swish ran the scalar sigmoid in one benchmark
            // fork, 30 ms instead of 15), and once 1 JVM start in 5 left swish scalar for good (44 ms instead of 11)
            if (MathKinds.judge(big, out)) {
                return true;
            }
            if (round < 4) {
                return false;
            }
            Thread late = new Thread(MathKinds::judgeLate, "qsh-math-kernels-late-warmup");
            late.setDaemon(true);
            late.setPriority(Thread.MIN_PRIORITY);
            late.start();
            return true;
        };
    }

    /** Elements per pass of the multi-pass kernels: a block stays in L1 between passes. */
    static final int BLOCK = 512;

    /**
     * y[i] = f(x[i]) for i in [from, to) by kind ({@link FloatMath#EXP} ...); a, b: the kind's parameters. Why the
     * passes: a vector passed to or returned from a method C2 does not inline is boxed, thousands of times slower,
     * and C2 does not inline methods it has already compiled to more than a few KB; so every vector loop here takes
     * arrays only, and the functions built on exp run in passes over blocks of {@link #BLOCK} (argument into y,
     * exp of y in place, the finish from x and y), each pass one such loop.
     */
    static void unary(int kind, float[] x, float[] y, int from, int to, float a, float b) {
        int end = vectorEnd(from, to);
        unaryBlocks(kind, x, y, from, end, a, b);
        if (end < to) {
            tail(kind, x, y, end, to, a, b);
        }
    }

    /** Per-thread scratch for a tail of fewer than L elements: its input and its output. */
    private static final ThreadLocal<float[][]> TAIL = ThreadLocal.withInitial(() -> new float[2][L]);

    /**
     * The last to - from (fewer than L) elements as one vector over a zero-padded copy: epilogues call these
     * kernels per output row, and on a 5 x 5 plane 9 of 25 elements went through the scalar functions (a scalar
     * exp costs several times a vector lane: EfficientNet-B0's swish spent more time in them than in the
     * vectors). The lanes give the scalar functions' bits (FloatMathTest), so the results are the same.
     */
    private static void tail(int kind, float[] x, float[] y, int from, int to, float a, float b) {
        float[][] t = padded(x, from, to);
        unaryBlocks(kind, t[0], t[1], 0, L, a, b);
        System.arraycopy(t[1], 0, y, from, to - from);
    }

    /** This thread's tail scratch with x[from, to) (fewer than L) at the start of its input, zero padded. */
    private static float[][] padded(float[] x, int from, int to) {
        float[][] t = TAIL.get();
        int n = to - from;
        System.arraycopy(x, from, t[0], 0, n);
        java.util.Arrays.fill(t[0], n, L, 0f);
        return t;
    }

    /** The vector kernels over [from, to), a whole number of vectors. */
    private static void unaryBlocks(int kind, float[] x, float[] y, int from, int to, float a, float b) {
        switch (kind) {
            case FloatMath.EXP -> expLoop(x, y, from, to);
            case FloatMath.SIGMOID, FloatMath.TANH, FloatMath.ERF -> {
                for (int i = from; i < to; i += BLOCK) {
                    int e = Math.min(to, i + BLOCK);
                    switch (kind) {
                        case FloatMath.SIGMOID -> {
                            sigmoidArgument(x, i, y, i, e - i);
                            expLoop(y, y, i, e);
                            sigmoidFinish(x, y, i, e);
                        }
                        case FloatMath.TANH -> {
                            tanhArgument(x, y, i, e);
                            expLoop(y, y, i, e);
                            tanhFinish(x, y, i, e);
                        }
                        default -> {
                            erfArgument(x, y, i, e);
                            expLoop(y, y, i, e);
                            erfFinish(x, y, i, e);
                        }
                    }
                }
            }
            case FloatMath.SWISH -> VectorSwish.swish(x, y, from, to);
            case FloatMath.LOG -> logLoop(x, y, from, to);
            case FloatMath.FLUSH -> flushLoop(x, y, from, to);
            case FloatMath.HARD_SIGMOID -> hardSigmoidLoop(x, y, from, to, a, b);
            case FloatMath.HARD_SWISH -> hardSwishLoop(x, y, from, to, a, b);
            default -> throw new IllegalArgumentException("unknown kind " + kind);
        }
    }

    static int vectorEnd(int from, int to) {
        return from + (to - from) / L * L;
    }

    /** {@link FloatMath#flushSubnormal} lane-wise (NaN compares false and stays). */
    private static void flushLoop(float[] x, float[] y, int from, int to) {
        int i = from;
        for (int end = vectorEnd(from, to); i < end; i += L) {
            flushed(FloatVector.fromArray(S, x, i)).intoArray(y, i);
        }
        FloatMath.unaryScalar(FloatMath.FLUSH, x, y, i, to, 0f, 0f);
    }

    private static void hardSigmoidLoop(float[] x, float[] y, int from, int to, float a, float b) {
        int i = from;
        for (int end = vectorEnd(from, to); i < end; i += L) {
            FloatVector.fromArray(S, x, i).fma(a, b).min(1f).max(0f).intoArray(y, i);
        }
        FloatMath.unaryScalar(FloatMath.HARD_SIGMOID, x, y, i, to, a, b);
    }

    private static void hardSwishLoop(float[] x, float[] y, int from, int to, float a, float b) {
        int i = from;
        for (int end = vectorEnd(from, to); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            v.mul(v.fma(a, b).min(1f).max(0f)).intoArray(y, i);
        }
        FloatMath.unaryScalar(FloatMath.HARD_SWISH, x, y, i, to, a, b);
    }

    /** {@link FloatMath#exp(float)} lane-wise: y[i] = e^x[i]. */
    static void expLoop(float[] x, float[] y, int from, int to) {
        FloatVector log2e = bc(LOG2E);
        FloatVector round = bc(ROUND);
        FloatVector ln2Hi = bc(-LN2_HI);
        FloatVector ln2Lo = bc(-LN2_LO);
        FloatVector one = bc(1f);
        FloatVector lo = bc(EXP_LO);
        FloatVector hi = bc(EXP_HI);
        int i = from;
        for (int end = vectorEnd(from, to); i < end; i += L) {
            // the clamp by compare and blend (Java's max/min take several AVX2 instructions each for their NaN and
            // -0 rules): a NaN lane compares false and stays NaN, as with max/min; 1.95 -> 1.62 ns per element
            FloatVector xv = FloatVector.fromArray(S, x, i);
            xv = xv.blend(lo, xv.compare(VectorOperators.LT, lo));
            FloatVector xc = xv.blend(hi, xv.compare(VectorOperators.GT, hi));
            FloatVector t = xc.fma(log2e, round);
            FloatVector n = t.sub(round);
            FloatVector r = n.fma(ln2Hi, xc);
            r = n.fma(ln2Lo, r);
            FloatVector p = bc(E7).fma(r, bc(E6)).fma(r, bc(E5)).fma(r, bc(E4)).fma(r, bc(E3)).fma(r, bc(E2))
                    .fma(r, one).fma(r, one);
            IntVector ni = t.reinterpretAsInts().sub(ROUND_BITS);
            IntVector h = ni.lanewise(VectorOperators.ASHR, 1);
            FloatVector s1 = h.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector s2 = ni.sub(h).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            p.mul(s1).mul(s2).intoArray(y, i);
        }
        for (; i < to; i++) {
            y[i] = FloatMath.exp(x[i]);
        }
    }

    /**
     * The least argument -|x| whose sigmoid is kept (1.1754997e-38, normal); every argument below it gives a subnormal
     * result, flushed to 0 ({@link FloatMath#sigmoid}). The vector passes clamp the argument there and give 0 for x
     * below it directly: computing e^-|x| below it made subnormal intermediate values, and each vector holding one
     * took a microcode assist in exp's scaling, the add and the divide (EfficientNet-B0 on an image: 289 033 such
     * activations a run, its swish convolutions 12.5 -> 9 ms). The results are the same bits.
     */
    static final float SIGMOID_LEAST_KEPT = -87.33654f;

    /**
     * Sigmoid's first pass: y[yOff + j] = max(-|x[xOff + j]|, {@link #SIGMOID_LEAST_KEPT}) for j &lt; n, a
     * whole number of vectors (NaN stays NaN).
     */
    private static void sigmoidArgument(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int j = 0; j < n; j += L) {
            FloatVector a = FloatVector.fromArray(S, x, xOff + j).abs().neg();
            a.blend(SIGMOID_LEAST_KEPT, a.compare(VectorOperators.LT, SIGMOID_LEAST_KEPT)).intoArray(y, yOff + j);
        }
    }

    /**
     * Sigmoid's last pass: y = e^-|x| in, (x >= 0 ? 1 : e) / (1 + e) out, 0 where that is subnormal or x is below
     * {@link #SIGMOID_LEAST_KEPT}.
     */
    private static void sigmoidFinish(float[] x, float[] y, int from, int to) {
        int i = from;
        for (int end = vectorEnd(from, to); i < end; i += L) {
            FloatVector e = FloatVector.fromArray(S, y, i);
            FloatVector xv = FloatVector.fromArray(S, x, i);
            FloatVector num = e.blend(1f, xv.compare(VectorOperators.GE, 0f));
            FloatVector r = num.div(e.add(1f));
            // a subnormal result is 0 (FloatMath.sigmoid says why), as is every x below the clamped argument; NaN
            // compares false and stays
            r.blend(0f, r.compare(VectorOperators.LT, Float.MIN_NORMAL).or(xv.compare(VectorOperators.LT, SIGMOID_LEAST_KEPT)))
                    .intoArray(y, i);
        }
        for (; i < to; i++) {
            y[i] = FloatMath.sigmoidFinish(x[i], y[i]);
        }
    }

    /** Tanh's first pass: y = 2|x|. */
    private static void tanhArgument(float[] x, float[] y, int from, int to) {
        int i = from;
        for (int end = vectorEnd(from, to); i < end; i += L) {
            FloatVector ax = FloatVector.fromArray(S, x, i).abs();
            ax.add(ax).intoArray(y, i);
        }
        for (; i < to; i++) {
            float ax = Math.abs(x[i]);
            y[i] = ax + ax;
        }
    }

    /** Tanh's last pass: y = e^2|x| in, tanh x out. */
    private static void tanhFinish(float[] x, float[] y, int from, int to) {
        int i = from;
        FloatVector one = bc(1f);
        FloatVector two = bc(2f);
        for (int end = vectorEnd(from, to); i < end; i += L) {
            FloatVector xv = FloatVector.fromArray(S, x, i);
            FloatVector ax = xv.abs();
            FloatVector z = ax.mul(ax);
            FloatVector p = bc(T5).fma(z, bc(T4)).fma(z, bc(T3)).fma(z, bc(T2)).fma(z, bc(T1)).fma(z, bc(T0));
            FloatVector small = ax.mul(z).fma(p, ax);
            FloatVector e = FloatVector.fromArray(S, y, i);
            FloatVector big = one.sub(two.div(e.add(1f)));
            FloatVector r = big.blend(small, ax.compare(VectorOperators.LT, TANH_SMALL));
            r.reinterpretAsInts().and(0x7fffffff).or(xv.reinterpretAsInts().and(0x80000000)).reinterpretAsFloats()
                    .intoArray(y, i);
        }
        for (; i < to; i++) {
            y[i] = FloatMath.tanhFinish(x[i], y[i]);
        }
    }

    /** Erf's first pass: y = Q(min(|x|, 3.95)), the exponent of erfc. */
    private static void erfArgument(float[] x, float[] y, int from, int to) {
        int i = from;
        for (int end = vectorEnd(from, to); i < end; i += L) {
            FloatVector a = FloatVector.fromArray(S, x, i).abs().min(ERF_CLAMP);
            bc(Q7).fma(a, bc(Q6)).fma(a, bc(Q5)).fma(a, bc(Q4)).fma(a, bc(Q3)).fma(a, bc(Q2)).fma(a, bc(Q1))
                    .fma(a, bc(Q0)).intoArray(y, i);
        }
        for (; i < to; i++) {
            y[i] = FloatMath.erfcExponent(x[i]);
        }
    }

    /** Erf's last pass: y = erfc(|x|) in (above 1), erf x out. */
    private static void erfFinish(float[] x, float[] y, int from, int to) {
        int i = from;
        FloatVector one = bc(1f);
        for (int end = vectorEnd(from, to); i < end; i += L) {
            FloatVector xv = FloatVector.fromArray(S, x, i);
            FloatVector ax = xv.abs();
            FloatVector z = ax.mul(ax);
            FloatVector q = bc(S6).fma(z, bc(S5)).fma(z, bc(S4)).fma(z, bc(S3)).fma(z, bc(S2)).fma(z, bc(S1))
                    .fma(z, bc(C0_LO));
            FloatVector small = ax.fma(bc(C0_HI), ax.mul(q));
            FloatVector big = one.sub(FloatVector.fromArray(S, y, i));
            FloatVector r = big.blend(small, ax.compare(VectorOperators.LT, 1f));
            r.reinterpretAsInts().and(0x7fffffff).or(xv.reinterpretAsInts().and(0x80000000)).reinterpretAsFloats()
                    .intoArray(y, i);
        }
        for (; i < to; i++) {
            y[i] = FloatMath.erfFinish(x[i], y[i]);
        }
    }

    /**
     * {@link FakeQuant}'s float form lane-wise over [from, to): y = (clamp(x / s, below, above) rounded to an
     * integer, ties to even) · s, and {@code nanResult} where x / s is NaN; the last to - from (mod L) elements as
     * one vector over a padded copy ({@link #tail}'s reason), y may be x.
     */
    static void fakeQuant(float[] x, float[] y, int from, int to, float s, float below, float above, float nanResult) {
        int end = vectorEnd(from, to);
        fakeQuantVectors(x, y, from, end, s, below, above, nanResult);
        if (end < to) {
            float[][] t = padded(x, end, to);
            fakeQuantVectors(t[0], t[1], 0, L, s, below, above, nanResult);
            System.arraycopy(t[1], 0, y, end, to - end);
        }
    }

    /** {@link #fakeQuant} over [from, to), a whole number of vectors. */
    private static void fakeQuantVectors(float[] x, float[] y, int from, int to, float s, float below, float above,
                                         float nanResult) {
        int i = from;
        FloatVector lo = bc(below);
        FloatVector hi = bc(above);
        FloatVector round = bc(ROUND);
        for (int end = vectorEnd(from, to); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i).div(s);
            VectorMask<Float> nan = v.compare(VectorOperators.NE, v);
            // the clamp by compare and blend, not max/min: Java's max/min (NaN and -0 rules) take several
            // instructions each on AVX2. Same bits: a NaN lane compares false and stays NaN (then nanResult); a zero
            // of either sign is +0 after the rounding add and subtract, whichever zero the clamp kept
            v = v.blend(lo, v.compare(VectorOperators.LT, lo));
            v = v.blend(hi, v.compare(VectorOperators.GT, hi));
            v.add(round).sub(round).mul(s).blend(nanResult, nan).intoArray(y, i);
        }
    }

    /**
     * y[i] = table[q - lo] for the whole vectors of [from, to), q - lo as {@link #fakeQuant} computes the code (x / s,
     * NaN to the zero point's code, the clamp by compare and blend, rint by adding and subtracting 1.5 2^23, less
     * below = lo - z), read by a gather (AVX-512 and AVX2 have one); returns where the vectors stopped. The table must
     * hold above - below + 1 values. y may be x.
     */
    static int fakeQuantLookup(float[] x, float[] y, int from, int to, float s, float below, float above,
                               float[] table) {
        int[] codes = CODES.get();
        FloatVector lo = bc(below);
        FloatVector hi = bc(above);
        FloatVector round = bc(ROUND);
        int offset = ROUND_BITS + (int) below;
        int i = from;
        for (int end = vectorEnd(from, to); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i).div(s);
            v = v.blend(0f, v.compare(VectorOperators.NE, v));
            v = v.blend(lo, v.compare(VectorOperators.LT, lo));
            v = v.blend(hi, v.compare(VectorOperators.GT, hi));
            // v + 1.5 2^23 is 1.5 2^23 + rint(v), whose bits are ROUND_BITS + rint(v): the code without a conversion
            v.add(round).reinterpretAsInts().sub(offset).intoArray(codes, 0);
            FloatVector.fromArray(S, table, 0, codes, 0).intoArray(y, i);
        }
        return i;
    }

    /** Per-thread room for one vector's codes ({@link #fakeQuantLookup}'s gather reads its indexes from an array). */
    private static final ThreadLocal<int[]> CODES = ThreadLocal.withInitial(() -> new int[L]);

    /** {@link FloatMath#log(float)} lane-wise. */
    static void logLoop(float[] x, float[] y, int from, int to) {
        int i = from;
        FloatVector zero = FloatVector.zero(S);
        for (int end = vectorEnd(from, to); i < end; i += L) {
            FloatVector xv = FloatVector.fromArray(S, x, i);
            VectorMask<Float> sub = xv.compare(VectorOperators.LT, 0x1p-126f);
            FloatVector xs = xv.blend(xv.mul(0x1p23f), sub);
            IntVector bits = xs.reinterpretAsInts();
            FloatVector ef = bits.lanewise(VectorOperators.ASHR, 23).add(ROUND_BITS - 127).reinterpretAsFloats()
                    .sub(ROUND);
            FloatVector m = bits.and(0x007fffff).or(0x3f800000).reinterpretAsFloats();
            VectorMask<Float> big = m.compare(VectorOperators.GT, SQRT2);
            m = m.blend(m.mul(0.5f), big);
            ef = ef.add(zero.blend(1f, big)).sub(zero.blend(23f, sub));
            FloatVector f = m.sub(1f);
            FloatVector s = f.div(f.add(2f));
            FloatVector z = s.mul(s);
            FloatVector rr = bc(R4).fma(z, bc(R3)).fma(z, bc(R2)).fma(z, bc(R1)).mul(z);
            FloatVector hfsq = f.mul(0.5f).mul(f);
            FloatVector u = s.fma(hfsq.add(rr), ef.mul(LN2_LO));
            FloatVector v = hfsq.sub(u).sub(f);
            FloatVector r = ef.fma(bc(LN2_HI), v.neg());
            VectorMask<Float> ok = xv.compare(VectorOperators.GT, 0f)
                    .and(xv.compare(VectorOperators.LT, Float.POSITIVE_INFINITY));
            FloatVector special = bc(Float.NaN)
                    .blend(Float.NEGATIVE_INFINITY, xv.compare(VectorOperators.EQ, 0f))
                    .blend(Float.POSITIVE_INFINITY, xv.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
            special.blend(r, ok).intoArray(y, i);
        }
        for (; i < to; i++) {
            y[i] = FloatMath.log(x[i]);
        }
    }

    /** p, with its subnormal lanes made zeros of their sign ({@link FloatMath#flushSubnormal}; NaN stays). */
    static FloatVector flushed(FloatVector p) {
        return p.blend(p.mul(0f), p.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));
    }

    private static FloatVector bc(float v) {
        return FloatVector.broadcast(S, v);
    }

}
