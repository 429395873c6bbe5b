package qsh.core.exec.kernels;

import qsh.core.tensor.Tensor;

/**
 * A constant Gemm weight op(B) (k x n) laid out once for repeated products with one row of A (a classifier head):
 * in panels of {@link #WIDTH} columns, each panel's k rows one after another (row p of panel t at
 * {@code (t k + p) WIDTH}, zero past n). A one-row product then reads each panel as a single sequential stream and
 * each core one contiguous range of panels ({@link Gemv#multiplyPanels}); stored row-major, each core read runs of
 * n / 2 columns 4 n bytes apart and the sums went through memory every four rows. Products with more rows read the
 * panels through a {@link Sgemm.PanelSource}. The results are the bits of {@link Gemm#gemm} on the weight as the
 * node stores it.
 */
public final class GemmWeightPanels {
    /** Columns per panel: {@link VectorGemv#COLUMNS} where the Vector API is enabled, else 64 (any width serves). */
    static final int WIDTH = VectorSupport.ENABLED ? VectorGemv.COLUMNS : 64;

    private final int k;
    private final int n;
    private final float[] panels;

    private GemmWeightPanels(int k, int n, float[] panels) {
        this.k = k;
        this.n = n;
        this.panels = panels;
    }

    /** The panels of op(B) = B^T for a 2-D B stored [n, k] (a Gemm with transB = 1). */
    public static GemmWeightPanels ofTransposed(Tensor b) {
        if (b.rank() != 2) {
            throw new IllegalArgumentException("Gemm weight must be 2-D, got " + b.shapeString());
        }
        int n = b.dim(0);
        int k = b.dim(1);
        int count = (n + WIDTH - 1) / WIDTH;
        float[] p = new float[Math.multiplyExact(Math.multiplyExact(count, WIDTH), k)];
        float[] src = b.data();
        // stored row j is output column j, written WIDTH apart: a panel's rows a block of depth at a time, so the
        // lines written (BLOCK x WIDTH floats, 128 KB) stay in cache until every row has filled them
        final int block = 512;
        for (int t = 0; t < count; t++) {
            for (int q0 = 0; q0 < k; q0 += block) {
                int q1 = Math.min(k, q0 + block);
                for (int j = t * WIDTH; j < Math.min(n, (t + 1) * WIDTH); j++) {
                    int d = t * k * WIDTH + j % WIDTH;
                    int s = j * k;
                    for (int q = q0; q < q1; q++) {
                        p[d + q * WIDTH] = src[s + q];
                    }
                }
            }
        }
        return new GemmWeightPanels(k, n, p);
    }

    /** Rows of op(B) (the depth). */
    public int depth() {
        return k;
    }

    /**
     * Y = alpha op(A) op(B) + beta C, as {@link Gemm#gemm}(a, b, c, alpha, beta, transA, true) on the stored weight
     * b these panels were made from: the same checks, the same bits.
     */
    public Tensor gemm(Tensor a, Tensor c, float alpha, float beta, boolean transA) {
        int m = Gemm.rows(a, transA, k, n, "[" + n + ", " + k + "]");
        float[] y = Gemm.output(c, beta, m, n);
        float betaUsed = Gemm.betaUsed(c, beta);
        if (m == 1 && k > 0 && VectorSupport.ready()) {
            Gemv.multiplyPanels(n, k, alpha, a.data(), 0, transA ? a.dim(1) : 1, panels, betaUsed, y, 0);
        } else if (m > 0 && n > 0) {
            Sgemm.multiply(m, n, k, alpha, a.data(), 0, a.dim(1), transA, this::row, betaUsed, y, 0, n, null, 0);
        }
        return Tensor.of(new int[] {m, n}, y);
    }

    /** op(B)[p][j0 .. j0 + len) into dst[0 .. len): a {@link Sgemm.PanelSource} over the panels. */
    private void row(int p, int j0, int len, float[] dst) {
        int d = 0;
        for (int j = j0; d < len; ) {
            int run = Math.min(WIDTH - j % WIDTH, len - d);
            System.arraycopy(panels, ((j / WIDTH) * k + p) * WIDTH + j % WIDTH, dst, d, run);
            d += run;
            j += run;
        }
    }
}
