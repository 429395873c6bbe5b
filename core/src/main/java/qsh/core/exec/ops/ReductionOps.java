package qsh.core.exec.ops;

import java.util.Arrays;
import java.util.Map;
import qsh.core.exec.kernels.Buffers;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.Tensor;

/**
 * ReduceSum (ONNX operator doc) in both forms: the axes attribute before opset 13, the optional axes input from
 * 13 (with noop_with_empty_axes: no axes then means identity instead of all axes). Float sums are accumulated
 * in double, int64 sums in long.
 */
final class ReductionOps {
    private ReductionOps() {}

    static void register(Map<String, OpKernel> m) {
        m.put("ReduceSum", (n, in, op) -> {
            int[] axes = op < 13 ? n.attrInts("axes") : in.length > 1 && in[1] != null ? ShapeOps.ints(in[1]) : null;
            boolean noAxes = axes == null || axes.length == 0;
            if (noAxes && op >= 13 && n.attrInt("noop_with_empty_axes", 0) != 0) {
                return new Object[] {in[0]};
            }
            return new Object[] {sum(in[0], axes, n.attrInt("keepdims", 1) != 0)};
        });
    }

    /** The sum over {@code axes} (null or empty: all axes), keeping them as length 1 with {@code keep}. */
    static Object sum(Object x, int[] axes, boolean keep) {
        int[] s = ShapeOps.shape(x);
        boolean[] red = reduced(s.length, axes);
        int[] outFull = s.clone();
        for (int i = 0; i < s.length; i++) {
            if (red[i]) {
                outFull[i] = 1;
            }
        }
        int outSize = Math.toIntExact(Tensor.checkedSize(outFull));
        // output index of input element i, kept incrementally: the output's strides, 0 on reduced axes
        int r = s.length;
        int[] outStride = new int[r];
        for (int i = r - 1, st = 1; i >= 0; i--) {
            outStride[i] = red[i] ? 0 : st;
            st *= outFull[i];
        }
        int[] idx = new int[r];
        int total = ShapeOps.size(x);
        int[] shape = keep ? outFull : dropReduced(s, red);
        if (x instanceof LongTensor) {
            long[] d = ((LongTensor) x).data();
            long[] acc = new long[outSize];
            for (int i = 0, o = 0; i < total; i++) {
                acc[o] += d[i];
                o = next(idx, s, outStride, o);
            }
            return LongTensor.of(shape, acc);
        }
        float[] d = ((Tensor) x).data();
        double[] acc = new double[outSize];
        for (int i = 0, o = 0; i < total; i++) {
            acc[o] += d[i];
            o = next(idx, s, outStride, o);
        }
        float[] y = Buffers.floats(outSize);
        for (int i = 0; i < outSize; i++) {
            y[i] = (float) acc[i];
        }
        return Tensor.of(shape, y);
    }

    /** Advances the input index {@code idx} by one element; returns the new output offset. */
    private static int next(int[] idx, int[] s, int[] outStride, int o) {
        for (int ax = s.length - 1; ax >= 0; ax--) {
            idx[ax]++;
            o += outStride[ax];
            if (idx[ax] < s[ax]) {
                return o;
            }
            o -= outStride[ax] * idx[ax];
            idx[ax] = 0;
        }
        return o;
    }

    static boolean[] reduced(int rank, int[] axes) {
        boolean[] red = new boolean[rank];
        if (axes == null || axes.length == 0) {
            Arrays.fill(red, true);
            return red;
        }
        for (int a : axes) {
            if (a < -rank || a >= rank) {
                throw new IllegalArgumentException("reduce axis " + a + " is out of range for rank " + rank);
            }
            red[a < 0 ? a + rank : a] = true;
        }
        return red;
    }

    private static int[] dropReduced(int[] s, boolean[] red) {
        int k = 0;
        for (boolean b : red) {
            k += b ? 0 : 1;
        }
        int[] out = new int[k];
        for (int i = 0, j = 0; i < s.length; i++) {
            if (!red[i]) {
                out[j++] = s[i];
            }
        }
        return out;
    }
}
