package qsh.core.exec.kernels;

import qsh.core.tensor.Tensor;

/** ONNX Softmax and LogSoftmax: numerically stable (max subtracted), accumulated in double. */
public final class Softmax {
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
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * len * inner + i;
                float max = Float.NEGATIVE_INFINITY;
                for (int k = 0; k < len; k++) {
                    max = Math.max(max, x[base + k * inner]);
                }
                double sum = 0;
                for (int k = 0; k < len; k++) {
                    sum += Math.exp((double) x[base + k * inner] - max);
                }
                double logSum = Math.log(sum);
                for (int k = 0; k < len; k++) {
                    double z = (double) x[base + k * inner] - max;
                    y[base + k * inner] = (float) (log ? z - logSum : Math.exp(z) / sum);
                }
            }
        }
        return y;
    }
}
