package qsh.core.exec.kernels;

import java.util.Arrays;
import qsh.core.tensor.Tensor;

/** ONNX Gemm: Y = alpha * op(A) * op(B) + beta * C, with C unidirectionally broadcast to (M, N). */
public final class Gemm {
    private Gemm() {
    }

    /** Computes Gemm; a and b must be 2-D, c (nullable) must broadcast to (M, N). */
    public static Tensor gemm(Tensor a, Tensor b, Tensor c, float alpha, float beta, boolean transA, boolean transB) {
        if (a.rank() != 2 || b.rank() != 2) {
            throw new IllegalArgumentException("Gemm needs 2-D A and B, got A " + a.shapeString()
                    + " and B " + b.shapeString());
        }
        int m = transA ? a.dim(1) : a.dim(0);
        int k = transA ? a.dim(0) : a.dim(1);
        int kb = transB ? b.dim(1) : b.dim(0);
        int n = transB ? b.dim(0) : b.dim(1);
        if (k != kb) {
            throw new IllegalArgumentException("Gemm inner dimensions differ: op(A) " + m + "x" + k
                    + ", op(B) " + kb + "x" + n + " (check transA/transB)");
        }
        float[] y = new float[Math.multiplyExact(m, n)];
        float betaUsed = 0f;
        if (c != null && beta != 0f) {
            broadcastInto(c, m, n, y);
            betaUsed = beta;
        }
        Sgemm.multiply(m, n, k, alpha, a.data(), 0, a.dim(1), transA, b.data(), 0, b.dim(1), transB,
                betaUsed, y, 0, n);
        return Tensor.of(new int[] {m, n}, y);
    }

    static void broadcastInto(Tensor c, int m, int n, float[] y) {
        int[] s = c.shape();
        if (s.length > 2) {
            throw new IllegalArgumentException("Gemm C " + c.shapeString() + " has rank > 2");
        }
        int cm = s.length == 2 ? s[0] : 1;
        int cn = s.length >= 1 ? s[s.length - 1] : 1;
        if ((cm != 1 && cm != m) || (cn != 1 && cn != n)) {
            throw new IllegalArgumentException("Gemm C " + c.shapeString() + " does not broadcast to ["
                    + m + ", " + n + "]");
        }
        float[] cd = c.data();
        for (int i = 0; i < m; i++) {
            int ci = (cm == 1 ? 0 : i) * cn;
            if (cn == 1) {
                Arrays.fill(y, i * n, i * n + n, cd[ci]);
            } else {
                System.arraycopy(cd, ci, y, i * n, n);
            }
        }
    }
}
