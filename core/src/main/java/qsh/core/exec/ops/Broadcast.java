package qsh.core.exec.ops;

import java.util.Arrays;
import qsh.core.exec.kernels.Buffers;
import qsh.core.shape.Broadcasting;
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
        int[] shape = Broadcasting.shape(a.shape(), b.shape());
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
        int[] shape = Broadcasting.shape(a.shape(), b.shape());
        int[] ma = indexMap(a.shape(), shape);
        int[] mb = indexMap(b.shape(), shape);
        long[] o = new long[ma.length];
        for (int i = 0; i < o.length; i++) {
            o[i] = op.apply(a.data()[ma[i]], b.data()[mb[i]]);
        }
        return LongTensor.of(shape, o);
    }
}
