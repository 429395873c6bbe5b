package qsh.core.exec.kernels;

import java.util.Arrays;
import qsh.core.tensor.Tensor;

/** ONNX/NumPy MatMul: 1-D operands are promoted (and the added axis removed), batch axes broadcast. */
public final class MatMul {
    private MatMul() {
    }

    /** Returns a @ b with numpy.matmul semantics. */
    public static Tensor matmul(Tensor a, Tensor b) {
        if (a.rank() == 0 || b.rank() == 0) {
            throw new IllegalArgumentException("MatMul operands must have rank >= 1, got "
                    + a.shapeString() + " and " + b.shapeString());
        }
        int[] as = a.rank() == 1 ? new int[] {1, a.dim(0)} : a.shape();
        int[] bs = b.rank() == 1 ? new int[] {b.dim(0), 1} : b.shape();
        int m = as[as.length - 2];
        int k = as[as.length - 1];
        int n = bs[bs.length - 1];
        if (bs[bs.length - 2] != k) {
            throw new IllegalArgumentException("MatMul inner dimensions differ: " + a.shapeString()
                    + " @ " + b.shapeString());
        }
        int batchRank = Math.max(as.length, bs.length) - 2;
        int[] batch = new int[batchRank];
        for (int d = 0; d < batchRank; d++) {
            int da = dimFromEnd(as, batchRank - d + 1);
            int db = dimFromEnd(bs, batchRank - d + 1);
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("MatMul batch axes do not broadcast: " + a.shapeString()
                        + " @ " + b.shapeString());
            }
            batch[d] = Math.max(da, db);
        }
        int batches = 1;
        for (int v : batch) {
            batches = Math.multiplyExact(batches, v);
        }
        int total = Math.toIntExact(Tensor.checkedSize(concat(batch, m, n)));
        float[] y = k == 0 ? Buffers.zeros(total) : Buffers.floats(total); // an empty sum writes nothing
        int[] idx = new int[batchRank];
        for (int bi = 0; bi < batches; bi++) {
            int aOff = batchOffset(as, idx, batchRank) * m * k;
            int bOff = batchOffset(bs, idx, batchRank) * k * n;
            Sgemm.multiply(m, n, k, 1f, a.data(), aOff, k, false, b.data(), bOff, n, false, 0f, y, bi * m * n, n);
            for (int d = batchRank - 1; d >= 0; d--) { // odometer increment
                if (++idx[d] < batch[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        int[] outShape;
        if (a.rank() == 1 && b.rank() == 1) {
            outShape = new int[0];
        } else if (a.rank() == 1) {
            outShape = concat(batch, n);
        } else if (b.rank() == 1) {
            outShape = concat(batch, m);
        } else {
            outShape = concat(batch, m, n);
        }
        return Tensor.of(outShape, y);
    }

    private static int dimFromEnd(int[] s, int fromEnd) {
        int i = s.length - 1 - fromEnd;
        return i >= 0 ? s[i] : 1;
    }

    /** Flat matrix index in operand s (batch axes right-aligned) for broadcast batch index idx. */
    private static int batchOffset(int[] s, int[] idx, int batchRank) {
        int own = s.length - 2;
        int off = 0;
        for (int d = 0; d < own; d++) {
            int dim = s[d];
            int i = idx[batchRank - own + d];
            off = off * dim + (dim == 1 ? 0 : i);
        }
        return off;
    }

    private static int[] concat(int[] head, int... tail) {
        int[] r = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, r, head.length, tail.length);
        return r;
    }
}
