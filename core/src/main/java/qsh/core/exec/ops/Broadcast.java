package qsh.core.exec.ops;

import qsh.core.exec.kernels.Buffers;
import java.util.Arrays;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.Tensor;

/** NumPy multidirectional broadcasting for the element-wise ops (ONNX "Broadcasting in ONNX"). */
public final class Broadcast {
    private Broadcast() {}

    interface FloatOp {
        float apply(float a, float b);
    }

    interface LongOp {
        long apply(long a, long b);
    }

    /** The broadcast shape of {@code a} and {@code b}, or an error naming both shapes. */
    public static int[] shape(int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1;
            int db = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * B's shape as numpy broadcasting must see it for an op in the pre-opset-7 form (Add-1/6 and the other
     * arithmetic ops): with broadcast=1 and an axis, B's dimensions sit at A's {@code axis}, so B gets trailing
     * 1-dimensions up to A's rank; any other node keeps B's shape.
     */
    public static int[] legacyOperandShape(qsh.core.graph.Node n, int rankA, int[] b) {
        if (n.attrInt("broadcast", 0) == 0 || !n.hasAttr("axis")) {
            return b;
        }
        long axis = n.attrInt("axis", 0);
        int trailing = rankA - (int) (axis < 0 ? axis + rankA : axis) - b.length;
        if (trailing < 0) {
            throw new IllegalArgumentException("B of shape " + Arrays.toString(b) + " does not fit at axis " + axis
                    + " of a rank-" + rankA + " A");
        }
        int[] out = Arrays.copyOf(b, b.length + trailing);
        Arrays.fill(out, b.length, out.length, 1);
        return out;
    }

    /** For each output element, the flat index into an input of shape {@code in} broadcast to {@code out}. */
    static int[] indexMap(int[] in, int[] out) {
        int n = (int) Tensor.checkedSize(out);
        int[] map = new int[n];
        int r = out.length;
        int[] inStride = new int[r];
        int s = 1;
        for (int i = r - 1; i >= 0; i--) {
            int k = i - (r - in.length);
            int d = k >= 0 ? in[k] : 1;
            inStride[i] = d == 1 ? 0 : s;
            s *= d;
        }
        int[] idx = new int[r];
        int off = 0;
        for (int i = 0; i < n; i++) {
            map[i] = off;
            for (int ax = r - 1; ax >= 0; ax--) {
                idx[ax]++;
                off += inStride[ax];
                if (idx[ax] < out[ax]) {
                    break;
                }
                off -= inStride[ax] * idx[ax];
                idx[ax] = 0;
            }
        }
        return map;
    }

    static Tensor apply(Tensor a, Tensor b, FloatOp op) {
        float[] x = a.data();
        float[] y = b.data();
        if (Arrays.equals(a.shape(), b.shape())) {
            float[] o = Buffers.floats(x.length);
            for (int i = 0; i < o.length; i++) {
                o[i] = op.apply(x[i], y[i]);
            }
            return Tensor.of(a.shape(), o);
        }
        int[] shape = shape(a.shape(), b.shape());
        if (y.length == 1 && Arrays.equals(shape, a.shape())) {
            float v = y[0];
            float[] o = Buffers.floats(x.length);
            for (int i = 0; i < o.length; i++) {
                o[i] = op.apply(x[i], v);
            }
            return Tensor.of(shape, o);
        }
        int[] ma = indexMap(a.shape(), shape);
        int[] mb = indexMap(b.shape(), shape);
        float[] o = Buffers.floats(ma.length);
        for (int i = 0; i < o.length; i++) {
            o[i] = op.apply(x[ma[i]], y[mb[i]]);
        }
        return Tensor.of(shape, o);
    }

    static LongTensor apply(LongTensor a, LongTensor b, LongOp op) {
        int[] shape = shape(a.shape(), b.shape());
        int[] ma = indexMap(a.shape(), shape);
        int[] mb = indexMap(b.shape(), shape);
        long[] o = new long[ma.length];
        for (int i = 0; i < o.length; i++) {
            o[i] = op.apply(a.data()[ma[i]], b.data()[mb[i]]);
        }
        return LongTensor.of(shape, o);
    }
}
