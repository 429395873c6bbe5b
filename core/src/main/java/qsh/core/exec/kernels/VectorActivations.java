package qsh.core.exec.kernels;

import jdk.incubator.vector.FloatVector;
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

    /** y[i] = {@link FloatMath#flushSubnormal}(y[i] · m) for i in [from, to): the Mul op by a constant, in one pass. */
    static void scaleFlushed(float[] y, int from, int to, float m) {
        int i = from;
        for (int end = VectorMath.vectorEnd(from, to); i < end; i += L) {
            VectorMath.flushed(FloatVector.fromArray(S, y, i).mul(m)).intoArray(y, i);
        }
        for (; i < to; i++) {
            y[i] = FloatMath.flushSubnormal(y[i] * m);
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
}
