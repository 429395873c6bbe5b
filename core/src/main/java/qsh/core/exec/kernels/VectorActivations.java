package qsh.core.exec.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API forms of the activations and constant multiplies that epilogues apply in place ({@link Activation}'s
 * Clip and hard-swish chain, {@link Epilogue}'s multiply by a per-channel constant): each lane computes what the plain
 * loop computes, so the results are the same bits. Warmed up with {@link VectorMath}'s kernels and used when they are
 * ({@link FloatMath#vectorReady}); only touched when {@link VectorSupport} allows.
 */
final class VectorActivations {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorActivations() {
    }

    /**
     * y[i] = Math.min(hi, Math.max(lo, y[i])) for i in [from, to) (Clip): the Vector API's lane-wise
     * max and min are Java's, so the same bits as the plain loop, at 0.135 against 0.26 ns per element (C2's
     * auto-vectorized Math.max and Math.min, AVX-512).
     */
    static void clamp(float[] y, int from, int to, float lo, float hi) {
        int i = from;
        for (int end = VectorMath.vectorEnd(from, to); i < end; i += L) {
            FloatVector.fromArray(S, y, i).max(lo).min(hi).intoArray(y, i);
        }
        for (; i < to; i++) {
            y[i] = Math.min(hi, Math.max(lo, y[i]));
        }
    }

    /**
     * y[yo + i] = {@link FloatMath#flushSubnormal}(x[xo + i] · m) for i &lt; n: the Mul op by a constant, in one pass (in
     * place with y = x; into another row for {@link ScaledRows}).
     */
    static void scaleFlushed(float[] x, int xo, float[] y, int yo, int n, float m) {
        int i = 0;
        for (int end = n / L * L; i < end; i += L) {
            VectorMath.flushed(FloatVector.fromArray(S, x, xo + i).mul(m)).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] = FloatMath.flushSubnormal(x[xo + i] * m);
        }
    }

    /**
     * The exported hard-swish chain Div(Mul(x, Clip(Add(x, add), lo, hi)), div) in place on y[from, to), each op as its
     * kernel computes it (Java's min and max lane-wise, the product flushed where subnormal as the Mul op does): the
     * same bits as {@link Activation}'s loops, in one pass instead of three.
     */
    static void hardSwishChain(float[] y, int from, int to, float add, float lo, float hi, float div) {
        int i = from;
        for (int end = VectorMath.vectorEnd(from, to); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, y, i);
            VectorMath.flushed(v.mul(v.add(add).max(lo).min(hi))).div(div).intoArray(y, i);
        }
        for (; i < to; i++) {
            float v = y[i];
            y[i] = FloatMath.flushSubnormal(v * Math.min(hi, Math.max(lo, v + add))) / div;
        }
    }
    /**
     * {@link #hardSwishChain} with QuantizeLinear → DequantizeLinear pairs (per tensor) after its Add, Clip and Mul,
     * each present where its flag is: {@link QuantizedHardSwish}'s chain in one pass over whole vectors of y[from, to)
     * instead of nine over a copied block. p holds each pair's scale, below, above and nanResult ({@link FakeQuant}'s
     * float form) at 0, 4 and 8. Each op as its kernel computes it: the sum and quotient rounded once, Java's max and
     * min lane-wise, the product flushed where subnormal, a pair as {@link VectorMath#fakeQuant} (x / s, the clamp by
     * compare and blend, rint by adding and subtracting 1.5 2^23, times s, a NaN quotient giving nanResult), so the
     * same bits. [from, to) a whole number of vectors. The three pairs are written out, not a helper: through
     * helpers C2 boxed the vectors of such kernels ({@link VectorSwish}).
     */
    static void quantizedHardSwishChain(float[] y, int from, int to, float add, float lo, float hi, float div,
                                        boolean afterAdd, boolean afterClip, boolean afterMul, float[] p) {
        float sa = p[0];
        float sc = p[4];
        float sm = p[8];
        FloatVector loA = FloatVector.broadcast(S, p[1]);
        FloatVector hiA = FloatVector.broadcast(S, p[2]);
        FloatVector loC = FloatVector.broadcast(S, p[5]);
        FloatVector hiC = FloatVector.broadcast(S, p[6]);
        FloatVector loM = FloatVector.broadcast(S, p[9]);
        FloatVector hiM = FloatVector.broadcast(S, p[10]);
        float nanA = p[3];
        float nanC = p[7];
        float nanM = p[11];
        FloatVector round = FloatVector.broadcast(S, FloatMath.ROUND);
        for (int i = from; i < to; i += L) {
            FloatVector x = FloatVector.fromArray(S, y, i);
            FloatVector t = x.add(add);
            if (afterAdd) {
                FloatVector v = t.div(sa);
                VectorMask<Float> nan = v.compare(VectorOperators.NE, v);
                v = v.blend(loA, v.compare(VectorOperators.LT, loA));
                v = v.blend(hiA, v.compare(VectorOperators.GT, hiA));
                t = v.add(round).sub(round).mul(sa).blend(nanA, nan);
            }
            t = t.max(lo).min(hi);
            if (afterClip) {
                FloatVector v = t.div(sc);
                VectorMask<Float> nan = v.compare(VectorOperators.NE, v);
                v = v.blend(loC, v.compare(VectorOperators.LT, loC));
                v = v.blend(hiC, v.compare(VectorOperators.GT, hiC));
                t = v.add(round).sub(round).mul(sc).blend(nanC, nan);
            }
            t = x.mul(t);
            t = t.blend(t.mul(0f), t.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));
            if (afterMul) {
                FloatVector v = t.div(sm);
                VectorMask<Float> nan = v.compare(VectorOperators.NE, v);
                v = v.blend(loM, v.compare(VectorOperators.LT, loM));
                v = v.blend(hiM, v.compare(VectorOperators.GT, hiM));
                t = v.add(round).sub(round).mul(sm).blend(nanM, nan);
            }
            t.div(div).intoArray(y, i);
        }
    }
}
