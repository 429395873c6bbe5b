package qsh.core.exec.kernels;

/**
 * The row-at-a-time SGEMM (scalar code on JDK 17, eight rows of B per pass): {@link Sgemm}'s path where the JVM
 * has no FMA intrinsic, and the tests' second opinion on the blocked kernels.
 */
final class SgemmRows {
    /** Column block of C per pass. */
    private static final int NC = 1024;
    /** Depth block per pass. */
    private static final int KC = 256;

    private SgemmRows() {
    }

    /** The transpose (cols x rows, row-major) of the rows x cols matrix stored at off with leading dimension ld. */
    static float[] transposed(float[] x, int off, int ld, int rows, int cols) {
        float[] t = new float[Math.multiplyExact(rows, cols)];
        for (int r = 0; r < rows; r++) {
            for (int q = 0; q < cols; q++) {
                t[q * rows + r] = x[off + r * ld + q];
            }
        }
        return t;
    }

    /** C = alpha * op(A) * op(B) + beta * C, row by row. */
    static void multiply(int m, int n, int k, float alpha,
                                float[] a, int aOff, int lda, boolean transA,
                                float[] b, int bOff, int ldb, boolean transB,
                                float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        if (transA) { // A^T is stored k x m: make A row-major m x k
            a = transposed(a, aOff, lda, k, m);
            aOff = 0;
            lda = k;
        }
        if (transB) { // B^T is stored n x k: make B row-major k x n
            b = transposed(b, bOff, ldb, n, k);
            bOff = 0;
            ldb = n;
        }
        final float[] fa = a;
        final float[] fb = b;
        final int fao = aOff;
        final int flda = lda;
        final int fbo = bOff;
        final int fldb = ldb;
        long work = (long) m * n * k;
        if (work < 32_768 || m < 2) {
            rows(0, m, n, k, alpha, fa, fao, flda, fb, fbo, fldb, beta, c, cOff, ldc);
        } else {
            Parallel.forRange(m, (from, to) ->
                    rows(from, to, n, k, alpha, fa, fao, flda, fb, fbo, fldb, beta, c, cOff, ldc));
        }
    }

    /** Computes rows [i0, i1) of C; allocation-free. */
    private static void rows(int i0, int i1, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        for (int i = i0; i < i1; i++) {
            int cr = cOff + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, cr, cr + n, 0f);
            } else if (beta != 1f) {
                for (int j = 0; j < n; j++) {
                    c[cr + j] *= beta;
                }
            }
        }
        for (int j0 = 0; j0 < n; j0 += NC) {
            int j1 = Math.min(n, j0 + NC);
            for (int p0 = 0; p0 < k; p0 += KC) {
                int p1 = Math.min(k, p0 + KC);
                for (int i = i0; i < i1; i++) {
                    int ar = aOff + i * lda;
                    int cr = cOff + i * ldc;
                    int p = p0;
                    // Eight rows of B per pass: one load/store of C per eight multiply-adds.
                    for (; p + 7 < p1; p += 8) {
                        float a0 = alpha * a[ar + p];
                        float a1 = alpha * a[ar + p + 1];
                        float a2 = alpha * a[ar + p + 2];
                        float a3 = alpha * a[ar + p + 3];
                        float a4 = alpha * a[ar + p + 4];
                        float a5 = alpha * a[ar + p + 5];
                        float a6 = alpha * a[ar + p + 6];
                        float a7 = alpha * a[ar + p + 7];
                        int b0 = bOff + p * ldb;
                        int b1 = b0 + ldb;
                        int b2 = b1 + ldb;
                        int b3 = b2 + ldb;
                        int b4 = b3 + ldb;
                        int b5 = b4 + ldb;
                        int b6 = b5 + ldb;
                        int b7 = b6 + ldb;
                        for (int j = j0; j < j1; j++) {
                            c[cr + j] += (a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j])
                                    + (a4 * b[b4 + j] + a5 * b[b5 + j] + a6 * b[b6 + j] + a7 * b[b7 + j]);
                        }
                    }
                    for (; p + 3 < p1; p += 4) {
                        float a0 = alpha * a[ar + p];
                        float a1 = alpha * a[ar + p + 1];
                        float a2 = alpha * a[ar + p + 2];
                        float a3 = alpha * a[ar + p + 3];
                        int b0 = bOff + p * ldb;
                        int b1 = b0 + ldb;
                        int b2 = b1 + ldb;
                        int b3 = b2 + ldb;
                        for (int j = j0; j < j1; j++) {
                            c[cr + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
                        }
                    }
                    for (; p < p1; p++) {
                        float a0 = alpha * a[ar + p];
                        int b0 = bOff + p * ldb;
                        for (int j = j0; j < j1; j++) {
                            c[cr + j] += a0 * b[b0 + j];
                        }
                    }
                }
            }
        }
    }
}
