package qsh.core.exec.kernels;

import qsh.core.tensor.Tensor;

/**
 * ONNX Softmax and LogSoftmax, numerically stable (the maximum subtracted). Softmax: e^(x - max) by
 * {@link FloatMath#exp} (vectorized), the sum of those floats in double, each divided by the sum rounded to float:
 * within 3 ulp of exact (exp's 1, the sum's rounding to float and the division's half ulp each). LogSoftmax:
 * (x - max) - ln(sum) in double, rounded once: within 1 ulp or 2.4e-7 absolute (the float exps' error in the sum). A NaN anywhere in a slice, or a +Inf, makes the slice NaN, as
 * max-subtraction gives. Along the last axis (inner = 1) each row is contiguous; along an earlier axis the slices
 * are strided, and the kernel runs over whole inner rows with per-column maxima and sums in scratch arrays kept per
 * thread (no allocation in steady state). Rows (outer blocks) are split between the cores for large tensors.
 */
public final class Softmax {
    /** Elements below which a softmax stays on one thread (before {@link Parallel}'s scale). */
    private static final long PARALLEL_MIN = 1 << 16;

    /** Per-thread scratch for the strided case: column maxima (float) and sums (double). */
    private static final class Scratch {
        float[] max = new float[0];
        double[] sum = new double[0];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Softmax() {
    }

    /** Opset >= 13 Softmax along one axis. */
    public static Tensor softmax(Tensor x, int axis) {
        return alongAxis(x, axis, false);
    }

    /** Opset < 13 Softmax: x coerced to 2-D [prod(dims[:axis]), prod(dims[axis:])], softmax over each row. */
    public static Tensor softmaxCoerced2d(Tensor x, int axis) {
        return coerced(x, axis, false);
    }

    /** Opset >= 13 LogSoftmax along one axis. */
    public static Tensor logSoftmax(Tensor x, int axis) {
        return alongAxis(x, axis, true);
    }

    /** Opset < 13 LogSoftmax over the 2-D coercion at axis. */
    public static Tensor logSoftmaxCoerced2d(Tensor x, int axis) {
        return coerced(x, axis, true);
    }

    private static Tensor alongAxis(Tensor x, int axis, boolean log) {
        int[] s = x.shape();
        int a = x.normalizeAxis(axis);
        int outer = 1;
        int inner = 1;
        for (int d = 0; d < a; d++) {
            outer *= s[d];
        }
        for (int d = a + 1; d < s.length; d++) {
            inner *= s[d];
        }
        return Tensor.of(s, run(x.data(), outer, s.length == 0 ? 1 : s[a], inner, log));
    }

    private static Tensor coerced(Tensor x, int axis, boolean log) {
        int[] s = x.shape();
        int a = axis < 0 ? axis + s.length : axis;
        if (a < 0 || a > s.length) {
            throw new IllegalArgumentException("softmax axis " + axis + " out of range for " + x.shapeString());
        }
        int outer = 1;
        for (int d = 0; d < a; d++) {
            outer *= s[d];
        }
        int len = outer == 0 ? 0 : x.size() / outer;
        return Tensor.of(s, run(x.data(), outer, len, 1, log));
    }

    private static float[] run(float[] x, int outer, int len, int inner, boolean log) {
        float[] y = Buffers.floats(x.length);
        if (len == 0 || inner == 0) {
            return y;
        }
        Parallel.forRange(outer, 4L * x.length, PARALLEL_MIN, (o0, o1) -> {
            for (int o = o0; o < o1; o++) {
                int base = o * len * inner;
                if (inner == 1) {
                    row(x, y, base, len, log);
                } else {
                    strided(x, y, base, len, inner, log);
                }
            }
        });
        return y;
    }

    /** One contiguous slice x[base, base + len). */
    private static void row(float[] x, float[] y, int base, int len, boolean log) {
        int end = base + len;
        float max = FloatMath.max(x, base, end);
        FloatMath.expShifted(x, y, base, end, max);
        double sum = sum(y, base, end);
        if (log) {
            double logSum = Math.log(sum);
            for (int k = base; k < end; k++) {
                y[k] = (float) ((double) x[k] - max - logSum);
            }
        } else {
            FloatMath.divide(y, base, end, (float) sum);
        }
    }

    /**
     * The sum in double of y[from, to) in four interleaved partial sums (independent additions, four times the
     * throughput of one chain; a fixed order, so the vector and scalar paths agree).
     */
    static double sum(float[] y, int from, int to) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int k = from;
        for (; k + 4 <= to; k += 4) {
            s0 += y[k];
            s1 += y[k + 1];
            s2 += y[k + 2];
            s3 += y[k + 3];
        }
        for (; k < to; k++) {
            s0 += y[k];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** One block [len][inner] at base: a softmax down each of the inner columns, a whole row of inner at a time. */
    private static void strided(float[] x, float[] y, int base, int len, int inner, boolean log) {
        Scratch s = SCRATCH.get();
        if (s.max.length < inner) {
            s.max = new float[inner];
            s.sum = new double[inner];
        }
        float[] max = s.max;
        double[] sum = s.sum;
        java.util.Arrays.fill(max, 0, inner, Float.NEGATIVE_INFINITY);
        java.util.Arrays.fill(sum, 0, inner, 0);
        for (int k = 0; k < len; k++) {
            int r = base + k * inner;
            for (int i = 0; i < inner; i++) {
                max[i] = Math.max(max[i], x[r + i]);
            }
        }
        for (int k = 0; k < len; k++) {
            int r = base + k * inner;
            for (int i = 0; i < inner; i++) {
                y[r + i] = FloatMath.expShifted(x[r + i], max[i]);
            }
            for (int i = 0; i < inner; i++) {
                sum[i] += y[r + i];
            }
        }
        if (log) {
            for (int i = 0; i < inner; i++) {
                sum[i] = Math.log(sum[i]);
            }
            for (int k = 0; k < len; k++) {
                int r = base + k * inner;
                for (int i = 0; i < inner; i++) {
                    y[r + i] = (float) ((double) x[r + i] - max[i] - sum[i]);
                }
            }
            return;
        }
        for (int i = 0; i < inner; i++) {
            max[i] = (float) sum[i]; // the divisors, in the maxima's place
        }
        for (int k = 0; k < len; k++) {
            int r = base + k * inner;
            for (int i = 0; i < inner; i++) {
                y[r + i] = y[r + i] / max[i];
            }
        }
    }
}
