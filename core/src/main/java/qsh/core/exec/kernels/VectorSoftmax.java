package qsh.core.exec.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API forms of Softmax's row kernels ({@link FloatMath#expShifted}, {@link FloatMath#max},
 * {@link FloatMath#divide}): each lane computes what the scalar function computes, so the results are the same bits.
 * Warmed up and switched on with {@link VectorMath}'s kernels; only touched when {@link VectorSupport} allows.
 */
final class VectorSoftmax {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorSoftmax() {
    }

    /** y[i] = {@link FloatMath#expShifted(float, float)} of x[i]: three passes over blocks, as {@link VectorMath#unary}. */
    static void expShifted(float[] x, float[] y, int from, int to, float shift) {
        for (int i = from; i < to; i += VectorMath.BLOCK) {
            int e = Math.min(to, i + VectorMath.BLOCK);
            subtract(x, y, i, e, shift);
            VectorMath.expLoop(y, y, i, e);
            shiftCorrection(x, y, i, e, shift);
        }
    }

    private static void subtract(float[] x, float[] y, int from, int to, float shift) {
        int i = from;
        FloatVector b = FloatVector.broadcast(S, -shift);
        for (int end = VectorMath.vectorEnd(from, to); i < end; i += L) {
            FloatVector.fromArray(S, x, i).add(b).intoArray(y, i);
        }
        for (; i < to; i++) {
            y[i] = x[i] + -shift;
        }
    }

    /** y = e^s in, e^s (1 + err) out, err the rounding error of s = x - shift. */
    private static void shiftCorrection(float[] x, float[] y, int from, int to, float shift) {
        int i = from;
        FloatVector b = FloatVector.broadcast(S, -shift);
        FloatVector zero = FloatVector.zero(S);
        for (int end = VectorMath.vectorEnd(from, to); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector s = v.add(b);
            FloatVector bb = s.sub(v);
            FloatVector err = v.sub(s.sub(bb)).add(b.sub(bb));
            err = zero.blend(err, s.abs().compare(VectorOperators.LT, 104f));
            FloatVector e = FloatVector.fromArray(S, y, i);
            e.fma(err, e).intoArray(y, i);
        }
        for (; i < to; i++) {
            y[i] = FloatMath.shiftCorrection(x[i], shift, y[i]);
        }
    }

    /** The largest of x[from, to) as Math.max folds it (NaN wins, +0 over -0: the order does not matter). */
    static float max(float[] x, int from, int to) {
        int i = from;
        int end = VectorMath.vectorEnd(from, to);
        float m = Float.NEGATIVE_INFINITY;
        if (end > i) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            for (i += L; i < end; i += L) {
                v = v.max(FloatVector.fromArray(S, x, i));
            }
            m = v.reduceLanes(VectorOperators.MAX);
        }
        for (; i < to; i++) {
            m = Math.max(m, x[i]);
        }
        return m;
    }

    /** y[i] /= d for i in [from, to). */
    static void divide(float[] y, int from, int to, float d) {
        int i = from;
        for (int end = VectorMath.vectorEnd(from, to); i < end; i += L) {
            FloatVector.fromArray(S, y, i).div(d).intoArray(y, i);
        }
        for (; i < to; i++) {
            y[i] /= d;
        }
    }
}
