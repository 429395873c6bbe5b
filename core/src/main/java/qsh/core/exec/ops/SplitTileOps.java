package qsh.core.exec.ops;

import java.util.Arrays;
import java.util.Map;
import qsh.core.exec.kernels.Buffers;
import qsh.core.graph.Node;
import qsh.core.shape.SplitSizes;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.Tensor;

/**
 * Split and Tile on float and int64 tensors alike (ONNX operator docs): both copy whole contiguous runs of the
 * input with System.arraycopy, so neither builds a per-element index map.
 */
final class SplitTileOps {
    private SplitTileOps() {}

    static void register(Map<String, OpKernel> m) {
        m.put("Split", (n, in, op) -> {
            int[] s = ShapeOps.shape(in[0]);
            int axis = axisOf(n, s.length);
            int[] given = op >= 13 && in.length > 1 && in[1] != null ? ShapeOps.ints(in[1]) : n.attrInts("split");
            int[] parts = SplitSizes.of(given, n.hasAttr("num_outputs") ? n.attrInt("num_outputs", 0) : null, s[axis],
                    n.outputs().size());
            return split(in[0], s, axis, parts);
        });
        m.put("Tile", (n, in, op) -> {
            if (op < 6) {
                throw new IllegalArgumentException("Tile of opset " + op + " (tiles and axis inputs) is not supported:"
                        + " convert the model to opset 6 or later");
            }
            return new Object[] {tile(in[0], ShapeOps.ints(in[1]))};
        });
    }

    /** Split's axis attribute (default 0), made non-negative for a tensor of rank {@code rank}. */
    static int axisOf(Node n, int rank) {
        long a = n.attrInt("axis", 0);
        if (a < -rank || a >= rank) {
            throw new IllegalArgumentException("Split axis " + a + " is out of range for rank " + rank);
        }
        return (int) (a < 0 ? a + rank : a);
    }

    private static Object[] split(Object x, int[] s, int axis, int[] parts) {
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= s[i];
        }
        int inner = 1;
        for (int i = axis + 1; i < s.length; i++) {
            inner *= s[i];
        }
        boolean isFloat = x instanceof Tensor;
        Object src = isFloat ? ((Tensor) x).data() : ((LongTensor) x).data();
        Object[] out = new Object[parts.length];
        int offset = 0;
        for (int p = 0; p < parts.length; p++) {
            int[] shape = s.clone();
            shape[axis] = parts[p];
            int run = parts[p] * inner;
            int total = Math.toIntExact(Tensor.checkedSize(shape));
            Object dst = isFloat ? Buffers.floats(total) : new long[total];
            for (int o = 0; o < outer; o++) {
                System.arraycopy(src, (o * s[axis] + offset) * inner, dst, o * run, run);
            }
            out[p] = isFloat ? Tensor.of(shape, (float[]) dst) : LongTensor.of(shape, (long[]) dst);
            offset += parts[p];
        }
        return out;
    }

    /** Tile: output axis i is the input's axis i repeated repeats[i] times; the last axis copied run by run. */
    static Object tile(Object x, int[] repeats) {
        int[] s = ShapeOps.shape(x);
        int r = s.length;
        if (repeats.length != r) {
            throw new IllegalArgumentException("Tile repeats " + Arrays.toString(repeats) + " must have one entry per axis of "
                    + Arrays.toString(s));
        }
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            if (repeats[i] < 0) {
                throw new IllegalArgumentException("Tile repeats " + Arrays.toString(repeats) + " must not be negative");
            }
            out[i] = Math.multiplyExact(s[i], repeats[i]);
        }
        int total = Math.toIntExact(Tensor.checkedSize(out));
        boolean isFloat = x instanceof Tensor;
        Object src = isFloat ? ((Tensor) x).data() : ((LongTensor) x).data();
        Object dst = isFloat ? Buffers.floats(total) : new long[total];
        if (r == 0 || total == 0) {
            if (total == 1) {
                System.arraycopy(src, 0, dst, 0, 1);
            }
            return isFloat ? Tensor.of(out, (float[]) dst) : LongTensor.of(out, (long[]) dst);
        }
        int last = s[r - 1];
        int reps = repeats[r - 1];
        int outRows = total / out[r - 1];
        // rows of the input (all axes but the last) in row-major order: the stride of axis k, in rows
        int[] rowStride = new int[r];
        for (int k = r - 2, st = 1; k >= 0; k--) {
            rowStride[k] = st;
            st *= s[k];
        }
        int[] idx = new int[r]; // the output row's index on axes 0 .. r-2
        for (int q = 0; q < outRows; q++) {
            int srcRow = 0;
            for (int k = 0; k < r - 1; k++) {
                srcRow += (idx[k] % s[k]) * rowStride[k];
            }
            int base = q * out[r - 1];
            for (int t = 0; t < reps; t++) {
                System.arraycopy(src, srcRow * last, dst, base + t * last, last);
            }
            for (int k = r - 2; k >= 0; k--) {
                if (++idx[k] < out[k]) {
                    break;
                }
                idx[k] = 0;
            }
        }
        return isFloat ? Tensor.of(out, (float[]) dst) : LongTensor.of(out, (long[]) dst);
    }
}
