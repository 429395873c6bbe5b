package qsh.core.exec.kernels;

import static qsh.core.exec.kernels.FloatMath.E2;
import static qsh.core.exec.kernels.FloatMath.E3;
import static qsh.core.exec.kernels.FloatMath.E4;
import static qsh.core.exec.kernels.FloatMath.E5;
import static qsh.core.exec.kernels.FloatMath.E6;
import static qsh.core.exec.kernels.FloatMath.E7;
import static qsh.core.exec.kernels.FloatMath.LN2_HI;
import static qsh.core.exec.kernels.FloatMath.LN2_LO;
import static qsh.core.exec.kernels.FloatMath.LOG2E;
import static qsh.core.exec.kernels.FloatMath.ROUND;
import static qsh.core.exec.kernels.FloatMath.ROUND_BITS;
import static qsh.core.exec.kernels.VectorMath.SIGMOID_LEAST_KEPT;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Swish, x · sigmoid(x), lane-wise ({@link FloatMath#swish}'s vector form, kind SWISH of {@link VectorMath#unary}):
 * pairs of vectors in one pass, a last odd vector through a zero-padded copy. Only touched when
 * {@link VectorSupport} allows.
 */
final class VectorSwish {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorSwish() {
    }

    /** y[i] = swish(x[i]) for i in [from, to), a whole number of vectors; y may be x. */
    static void swish(float[] x, float[] y, int from, int to) {
        int pairs = from + (to - from) / (2 * L) * (2 * L);
        swishPairs(x, y, from, pairs);
        if (pairs < to) { // one vector left: as the first of a pair whose second is zeros
            float[] t = ODD_VECTOR.get();
            System.arraycopy(x, pairs, t, 0, L);
            java.util.Arrays.fill(t, L, 2 * L, 0f);
            swishPairs(t, t, 0, 2 * L);
            System.arraycopy(t, 0, y, pairs, L);
        }
    }

    /** Per-thread room for a last odd vector and the zeros after it. */
    private static final ThreadLocal<float[]> ODD_VECTOR = ThreadLocal.withInitial(() -> new float[2 * L]);

    /**
     * Swish in one pass over pairs of vectors ([from, to) a whole number of pairs; y may be x), lane for lane the bits
     * of the three passes it replaced (the argument, {@link VectorMath#expLoop}, the finish).
     * 0.75 -> 0.55 ns per element on one core (AVX-512, 4096-element rows), against the three passes.
     */
    private static void swishPairs(float[] x, float[] y, int from, int to) {
        pairs(x, y, from, to, false, 1f, 0f, 0f, 0f);
    }

    /**
     * {@link #swishPairs} with a QuantizeLinear → DequantizeLinear pair (per tensor: scale, and below, above,
     * nanResult as {@link FakeQuant} makes them) on the sigmoid before the product: the simulated graph's
     * Sigmoid → pair → Mul, lane for lane the bits of the sigmoid, {@link VectorMath#fakeQuant} and the flushed
     * product that the epilogue ran as five passes over a copied row (EfficientNet-B0's simulated swish layers):
     * 1.28 -> 1.0 ns per element on one core. [from, to) a whole number of pairs; y may be x.
     */
    static void swishQuantizedPairs(float[] x, float[] y, int from, int to, float scale, float below, float above,
                                    float nanResult) {
        pairs(x, y, from, to, true, scale, below, above, nanResult);
    }

    /**
     * Both of the above, two vectors per step: the argument -|x| clamped at {@link VectorMath#SIGMOID_LEAST_KEPT};
     * its exp as {@link VectorMath#expLoop} computes it, less the clamps (the argument is within them) and with one
     * scale 2^n instead of two halves (n &gt;= -126 here, so 2^n is normal and p 2^n rounds once either way); the
     * sigmoid as VectorMath's sigmoidFinish; with {@code quantized}, the pair on the sigmoid as
     * {@link VectorMath#fakeQuant} computes it (x / s, the clamp by compare and blend, rint by adding and subtracting
     * 1.5 2^23, times s; a NaN quotient gives nanResult); the product rounded once and flushed where subnormal.
     * Written out for both vectors on purpose: with one vector per step (or the two through a helper) the method was
     * small enough for C2 to inline into {@link VectorMath#unary}, whose node budget then left its vectors boxed (2 ns
     * per element).
     */
    private static void pairs(float[] x, float[] y, int from, int to, boolean quantized, float scale, float below,
                              float above, float nanResult) {
        FloatVector lo = bc(below);
        FloatVector hi = bc(above);
        FloatVector log2e = bc(LOG2E);
        FloatVector round = bc(ROUND);
        FloatVector ln2Hi = bc(-LN2_HI);
        FloatVector ln2Lo = bc(-LN2_LO);
        FloatVector one = bc(1f);
        FloatVector e2 = bc(E2);
        FloatVector e3 = bc(E3);
        FloatVector e4 = bc(E4);
        FloatVector e5 = bc(E5);
        FloatVector e6 = bc(E6);
        FloatVector e7 = bc(E7);
        for (int i = from; i < to; i += 2 * L) {
            FloatVector x0 = FloatVector.fromArray(S, x, i);
            FloatVector x1 = FloatVector.fromArray(S, x, i + L);
            FloatVector a0 = x0.abs().neg();
            FloatVector a1 = x1.abs().neg();
            a0 = a0.blend(SIGMOID_LEAST_KEPT, a0.compare(VectorOperators.LT, SIGMOID_LEAST_KEPT));
            a1 = a1.blend(SIGMOID_LEAST_KEPT, a1.compare(VectorOperators.LT, SIGMOID_LEAST_KEPT));
            FloatVector t0 = a0.fma(log2e, round);
            FloatVector t1 = a1.fma(log2e, round);
            FloatVector n0 = t0.sub(round);
            FloatVector n1 = t1.sub(round);
            FloatVector r0 = n0.fma(ln2Lo, n0.fma(ln2Hi, a0));
            FloatVector r1 = n1.fma(ln2Lo, n1.fma(ln2Hi, a1));
            FloatVector p0 = e7.fma(r0, e6).fma(r0, e5).fma(r0, e4).fma(r0, e3).fma(r0, e2).fma(r0, one).fma(r0, one);
            FloatVector p1 = e7.fma(r1, e6).fma(r1, e5).fma(r1, e4).fma(r1, e3).fma(r1, e2).fma(r1, one).fma(r1, one);
            FloatVector ev0 = p0.mul(t0.reinterpretAsInts().sub(ROUND_BITS - 127).lanewise(VectorOperators.LSHL, 23)
                    .reinterpretAsFloats());
            FloatVector ev1 = p1.mul(t1.reinterpretAsInts().sub(ROUND_BITS - 127).lanewise(VectorOperators.LSHL, 23)
                    .reinterpretAsFloats());
            FloatVector s0 = ev0.blend(one, x0.compare(VectorOperators.GE, 0f)).div(ev0.add(one));
            FloatVector s1 = ev1.blend(one, x1.compare(VectorOperators.GE, 0f)).div(ev1.add(one));
            s0 = s0.blend(0f, s0.compare(VectorOperators.LT, Float.MIN_NORMAL)
                    .or(x0.compare(VectorOperators.LT, SIGMOID_LEAST_KEPT)));
            s1 = s1.blend(0f, s1.compare(VectorOperators.LT, Float.MIN_NORMAL)
                    .or(x1.compare(VectorOperators.LT, SIGMOID_LEAST_KEPT)));
            if (quantized) {
                FloatVector v0 = s0.div(scale);
                FloatVector v1 = s1.div(scale);
                VectorMask<Float> nan0 = v0.compare(VectorOperators.NE, v0);
                VectorMask<Float> nan1 = v1.compare(VectorOperators.NE, v1);
                v0 = v0.blend(lo, v0.compare(VectorOperators.LT, lo));
                v1 = v1.blend(lo, v1.compare(VectorOperators.LT, lo));
                v0 = v0.blend(hi, v0.compare(VectorOperators.GT, hi));
                v1 = v1.blend(hi, v1.compare(VectorOperators.GT, hi));
                s0 = v0.add(round).sub(round).mul(scale).blend(nanResult, nan0);
                s1 = v1.add(round).sub(round).mul(scale).blend(nanResult, nan1);
            }
            // the flush written out (FloatMath.flushSubnormal): through the flushed helper, this method's node count
            // stopped C2 inlining it and its vectors were boxed (2 ns per element)
            FloatVector q0 = x0.mul(s0);
            FloatVector q1 = x1.mul(s1);
            q0.blend(q0.mul(0f), q0.abs().compare(VectorOperators.LT, Float.MIN_NORMAL)).intoArray(y, i);
            q1.blend(q1.mul(0f), q1.abs().compare(VectorOperators.LT, Float.MIN_NORMAL)).intoArray(y, i + L);
        }
    }

    private static FloatVector bc(float v) {
        return FloatVector.broadcast(S, v);
    }
}
