package qsh.core.exec.kernels;

import java.util.Arrays;
import qsh.core.tensor.Tensor;

/** ONNX Gemm: Y = alpha * op(A) * op(B) + beta * C, with C unidirectionally broadcast to (M, N). */
public final class Gemm {
    private Gemm() {
    }

    /** Computes Gemm; a and b must be 2-D, c (nullable) must broadcast to (M, N). */
    public static Tensor gemm(Tensor a, Tensor b, Tensor c, float alpha, float beta, boolean transA, boolean transB) {
        if (b.rank() != 2) {
            throw new IllegalArgumentException("Gemm needs 2-D A and B, got A " + a.shapeString()
                    + " and B " + b.shapeString());
        }
        int kb = transB ? b.dim(1) : b.dim(0);
        int n = transB ? b.dim(0) : b.dim(1);
        int m = rows(a, transA, kb, n, b.shapeString());
        float[] y = output(c, beta, m, n);
        Sgemm.multiply(m, n, kb, alpha, a.data(), 0, a.dim(1), transA, b.data(), 0, b.dim(1), transB,
                betaUsed(c, beta), y, 0, n);
        return Tensor.of(new int[] {m, n}, y);
    }

    /**
     * The rows of op(A) for a 2-D A whose op(A) must be m x kb to meet op(B) (kb x n, stored as {@code bShape}):
     * else the error line naming both.
     */
    static int rows(Tensor a, boolean transA, int kb, int n, String bShape) {
        if (a.rank() != 2) {
            throw new IllegalArgumentException("Gemm needs 2-D A and B, got A " + a.shapeString() + " and B " + bShape);
        }
        int m = transA ? a.dim(1) : a.dim(0);
        int k = transA ? a.dim(0) : a.dim(1);
        if (k != kb) {
            throw new IllegalArgumentException("Gemm inner dimensions differ: op(A) " + m + "x" + k
                    + ", op(B) " + kb + "x" + n + " (check transA/transB)");
        }
        return m;
    }

    /** Y (m x n) before the product: C broadcast into it where C joins the sum ({@link #betaUsed}), else zeros. */
    static float[] output(Tensor c, float beta, int m, int n) {
        float[] y = new float[Math.multiplyExact(m, n)];
        if (betaUsed(c, beta) != 0f) {
            broadcastInto(c, m, n, y);
        }
        return y;
    }

    /** The beta the product takes: beta when there is a C, else 0. */
    static float betaUsed(Tensor c, float beta) {
        return c != null ? beta : 0f;
    }

    private static void broadcastInto(Tensor c, int m, int n, float[] y) {
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
