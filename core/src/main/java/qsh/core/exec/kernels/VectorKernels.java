package qsh.core.exec.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels written with the Vector API (with {@link VectorTile8}, the 8-row tile for pairs of row blocks); first,
 * the GEMM micro-kernel (JDK 17 incubator, {@code --add-modules
 * jdk.incubator.vector}): a 4-row x 2-vector tile of C stays in registers for the whole k loop, each step
 * loading two vectors of B and four scalars of packed A and issuing eight FMAs. The auto-vectorized kernel in
 * {@link Sgemm} has to keep its tile in memory (C2 only vectorizes array loops), so it loads and stores the
 * tile once per two k steps; and it needs B copied into per-thread panel rows, whereas this kernel reads B rows
 * where they are (a convolution's sliced input, a matrix), at any offset. Measured on the detector's 3 x 3
 * head convolution (24 x 864 x 6400), one thread: 56 GMAC/s here against about 20 for the packed kernel.
 *
 * <p>Results are bit-identical to the packed kernel's: every element starts from its bias (or the value of C)
 * and adds a_p * b_p for p = 0, 1, ... in order, each as one fused multiply-add in float, in vector lanes and
 * in the scalar tail alike.
 *
 * <p>Only used once its {@link #WARM_UP} is ready ({@link KernelWarmUp}): before C2 compiles it, Vector API code runs boxed, thousands of times
 * slower (the first call of a large convolution took 3.7 s), so a background thread first runs it on small
 * problems until it is compiled (about 0.3 s of one core) and checks its speed, and until then {@link Sgemm}
 * uses its own kernel.
 * The class must only be touched when the module is present ({@link VectorSupport} checks).
 */
final class VectorKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Columns per register tile. */
    static final int NR = 2 * L;
    /** The speed (GMAC/s, one thread, 4 x 128 x 4 tiles) below which the kernel is not used. */
    static final double MIN_GMACS = 5;
    /**
     * The warm-up deciding whether the kernel is used (started when the class is first touched); when it ends, the
     * element-wise kernels' warm-up starts, so the two do not compete for the cores.
     */
    static final KernelWarmUp WARM_UP = KernelWarmUp.start("GEMM kernel", GemmWarmUp::round,
            () -> VectorMath.WARM_UP.finished());

    private VectorKernels() {
    }

    /** Whether the preferred vectors are wide enough to gain (8 floats or more). */
    static boolean useful() {
        return L >= 8;
    }

    /**
     * C[r][j] (rows r &lt; validRows of the block at cOff, leading dimension ldc; columns j &lt; n) = init +
     * sum over p &lt; k of ap[ao + 4 p + r] * rows[p][offs[p] + j], where init is C itself when {@code fromC},
     * else rowBias[biasOff + r] (0 when rowBias is null).
     */
    static void block(float[] ap, int ao, int k, float[][] rows, int[] offs, int n, float[] c, int cOff, int ldc,
                      int validRows, float[] rowBias, int biasOff, boolean fromC) {
        block(ap, ao, k, rows, offs, 0, n, c, cOff, ldc, validRows, rowBias, biasOff, fromC);
    }

    /** {@link #block} for columns [from, n) only. */
    static void block(float[] ap, int ao, int k, float[][] rows, int[] offs, int from, int n, float[] c, int cOff,
                      int ldc, int validRows, float[] rowBias, int biasOff, boolean fromC) {
        float i0 = init(rowBias, biasOff, 0, validRows);
        float i1 = init(rowBias, biasOff, 1, validRows);
        float i2 = init(rowBias, biasOff, 2, validRows);
        float i3 = init(rowBias, biasOff, 3, validRows);
        int j = from;
        for (; j + NR <= n; j += NR) {
            tile(ap, ao, k, rows, offs, j, c, cOff, ldc, validRows, i0, i1, i2, i3, fromC);
        }
        if (j + L <= n) {
            tile1(ap, ao, k, rows, offs, j, c, cOff, ldc, validRows, i0, i1, i2, i3, fromC);
            j += L;
        }
        if (j < n && (n - j) * validRows >= 12) {
            tail(ap, ao, k, rows, offs, j, n - j, c, cOff, ldc, validRows, i0, i1, i2, i3, fromC);
            return;
        }
        for (; j < n; j++) { // a column or two (an SE block's 1 x 1 input): one at a time beats copying B
            column(ap, ao, k, rows, offs, j, c, cOff, ldc, validRows, i0, i1, i2, i3, fromC);
        }
    }

    /**
     * One column of the 4-row block in scalar code: the four rows' sums run side by side (four independent
     * chains of fused multiply-adds instead of one row's chain at a time, each waiting on the last).
     */
    private static void column(float[] ap, int ao, int k, float[][] rows, int[] offs, int j, float[] c, int cOff,
                               int ldc, int validRows, float i0, float i1, float i2, float i3, boolean fromC) {
        int r0 = cOff + j;
        float a0 = fromC ? c[r0] : i0;
        float a1 = fromC && validRows > 1 ? c[r0 + ldc] : i1;
        float a2 = fromC && validRows > 2 ? c[r0 + 2 * ldc] : i2;
        float a3 = fromC && validRows > 3 ? c[r0 + 3 * ldc] : i3;
        int a = ao;
        for (int p = 0; p < k; p++) {
            float b = rows[p][offs[p] + j];
            a0 = Math.fma(ap[a], b, a0);
            a1 = Math.fma(ap[a + 1], b, a1);
            a2 = Math.fma(ap[a + 2], b, a2);
            a3 = Math.fma(ap[a + 3], b, a3);
            a += 4;
        }
        c[r0] = a0;
        if (validRows > 1) {
            c[r0 + ldc] = a1;
        }
        if (validRows > 2) {
            c[r0 + 2 * ldc] = a2;
        }
        if (validRows > 3) {
            c[r0 + 3 * ldc] = a3;
        }
    }

    /** Per-thread copies of the last few columns: B rows zero-padded to one vector, and the C tile. */
    private static final class Tail {
        float[] b = new float[0];
        final float[] c = new float[4 * L];
        float[][] rows = new float[0][];
        int[] offs = new int[0];
    }

    private static final ThreadLocal<Tail> TAIL = ThreadLocal.withInitial(Tail::new);

    /**
     * The last {@code cols} (&lt; L) columns: their B values copied into zero-padded rows of one vector, one
     * register tile computed into a scratch C tile, the valid columns copied out. (One at a time, in scalar
     * code, 4 columns took about as long as the rest of a 10 x 10 pointwise convolution; below 12 elements
     * the copying costs more than it saves.)
     */
    private static void tail(float[] ap, int ao, int k, float[][] rows, int[] offs, int j, int cols, float[] c, int cOff,
                             int ldc, int validRows, float i0, float i1, float i2, float i3, boolean fromC) {
        Tail t = TAIL.get();
        if (t.rows.length < k) {
            t.b = new float[k * L];
            t.rows = new float[k][];
            t.offs = new int[k];
        }
        float[] tb = t.b;
        float[] tc = t.c;
        float[][] tRows = t.rows;
        int[] tOffs = t.offs;
        for (int p = 0; p < k; p++) {
            System.arraycopy(rows[p], offs[p] + j, tb, p * L, cols);
            java.util.Arrays.fill(tb, p * L + cols, (p + 1) * L, 0f);
            tRows[p] = tb;
            tOffs[p] = p * L;
        }
        if (fromC) {
            for (int r = 0; r < validRows; r++) {
                System.arraycopy(c, cOff + r * ldc + j, tc, r * L, cols);
            }
        }
        tile1(ap, ao, k, tRows, tOffs, 0, tc, 0, L, validRows, i0, i1, i2, i3, fromC);
        for (int r = 0; r < validRows; r++) {
            System.arraycopy(tc, r * L, c, cOff + r * ldc + j, cols);
        }
    }

    private static float init(float[] rowBias, int biasOff, int r, int validRows) {
        return rowBias == null || r >= validRows ? 0f : rowBias[biasOff + r];
    }

    /** One 4 x NR register tile at column j. */
    private static void tile(float[] ap, int ao, int k, float[][] rows, int[] offs, int j, float[] c, int cOff,
                             int ldc, int validRows, float i0, float i1, float i2, float i3, boolean fromC) {
        FloatVector c00;
        FloatVector c01;
        FloatVector c10;
        FloatVector c11;
        FloatVector c20;
        FloatVector c21;
        FloatVector c30;
        FloatVector c31;
        int r0 = cOff + j;
        if (fromC) {
            c00 = FloatVector.fromArray(S, c, r0);
            c01 = FloatVector.fromArray(S, c, r0 + L);
            c10 = validRows > 1 ? FloatVector.fromArray(S, c, r0 + ldc) : FloatVector.zero(S);
            c11 = validRows > 1 ? FloatVector.fromArray(S, c, r0 + ldc + L) : FloatVector.zero(S);
            c20 = validRows > 2 ? FloatVector.fromArray(S, c, r0 + 2 * ldc) : FloatVector.zero(S);
            c21 = validRows > 2 ? FloatVector.fromArray(S, c, r0 + 2 * ldc + L) : FloatVector.zero(S);
            c30 = validRows > 3 ? FloatVector.fromArray(S, c, r0 + 3 * ldc) : FloatVector.zero(S);
            c31 = validRows > 3 ? FloatVector.fromArray(S, c, r0 + 3 * ldc + L) : FloatVector.zero(S);
        } else {
            c00 = FloatVector.broadcast(S, i0);
            c01 = c00;
            c10 = FloatVector.broadcast(S, i1);
            c11 = c10;
            c20 = FloatVector.broadcast(S, i2);
            c21 = c20;
            c30 = FloatVector.broadcast(S, i3);
            c31 = c30;
        }
        int a = ao;
        for (int p = 0; p < k; p++) {
            float[] row = rows[p];
            int o = offs[p] + j;
            FloatVector b0 = FloatVector.fromArray(S, row, o);
            FloatVector b1 = FloatVector.fromArray(S, row, o + L);
            FloatVector a0 = FloatVector.broadcast(S, ap[a]);
            FloatVector a1 = FloatVector.broadcast(S, ap[a + 1]);
            FloatVector a2 = FloatVector.broadcast(S, ap[a + 2]);
            FloatVector a3 = FloatVector.broadcast(S, ap[a + 3]);
            a += 4;
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
        }
        c00.intoArray(c, r0);
        c01.intoArray(c, r0 + L);
        if (validRows > 1) {
            c10.intoArray(c, r0 + ldc);
            c11.intoArray(c, r0 + ldc + L);
        }
        if (validRows > 2) {
            c20.intoArray(c, r0 + 2 * ldc);
            c21.intoArray(c, r0 + 2 * ldc + L);
        }
        if (validRows > 3) {
            c30.intoArray(c, r0 + 3 * ldc);
            c31.intoArray(c, r0 + 3 * ldc + L);
        }
    }

    /** One 4 x L register tile at column j (what is left of a strip after its full tiles). */
    private static void tile1(float[] ap, int ao, int k, float[][] rows, int[] offs, int j, float[] c, int cOff,
                              int ldc, int validRows, float i0, float i1, float i2, float i3, boolean fromC) {
        FloatVector c0;
        FloatVector c1;
        FloatVector c2;
        FloatVector c3;
        int r0 = cOff + j;
        if (fromC) {
            c0 = FloatVector.fromArray(S, c, r0);
            c1 = validRows > 1 ? FloatVector.fromArray(S, c, r0 + ldc) : FloatVector.zero(S);
            c2 = validRows > 2 ? FloatVector.fromArray(S, c, r0 + 2 * ldc) : FloatVector.zero(S);
            c3 = validRows > 3 ? FloatVector.fromArray(S, c, r0 + 3 * ldc) : FloatVector.zero(S);
        } else {
            c0 = FloatVector.broadcast(S, i0);
            c1 = FloatVector.broadcast(S, i1);
            c2 = FloatVector.broadcast(S, i2);
            c3 = FloatVector.broadcast(S, i3);
        }
        int a = ao;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, rows[p], offs[p] + j);
            c0 = FloatVector.broadcast(S, ap[a]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, ap[a + 1]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, ap[a + 2]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, ap[a + 3]).fma(b0, c3);
            a += 4;
        }
        c0.intoArray(c, r0);
        if (validRows > 1) {
            c1.intoArray(c, r0 + ldc);
        }
        if (validRows > 2) {
            c2.intoArray(c, r0 + 2 * ldc);
        }
        if (validRows > 3) {
            c3.intoArray(c, r0 + 3 * ldc);
        }
    }

    /**
     * Copies row src[so .. so + nr) into register-tile order: columns [t NR, t NR + NR) go to
     * dst[d0 + t tileStride ...], the last tile zero padded to NR columns.
     */
    static void packRow(float[] src, int so, int nr, float[] dst, int d0, int tileStride) {
        packRow(src, so, nr, dst, d0, tileStride, NR);
    }

    /** {@link #packRow(float[], int, int, float[], int, int)} with tiles of tw columns (a multiple of L). */
    static void packRow(float[] src, int so, int nr, float[] dst, int d0, int tileStride, int tw) {
        int j = 0;
        int d = d0;
        for (; j + tw <= nr; j += tw, d += tileStride) {
            for (int v = 0; v < tw; v += L) {
                FloatVector.fromArray(S, src, so + j + v).intoArray(dst, d + v);
            }
        }
        if (j < nr) {
            int w = nr - j;
            System.arraycopy(src, so + j, dst, d, w);
            java.util.Arrays.fill(dst, d + w, d + tw, 0f);
        }
    }

    /**
     * One 4 x NR register tile over a packed B micro-panel: C[r][j] (rows r &lt; validRows at cOff + r ldc, j &lt; NR)
     * = init + sum over p &lt; k of ap[ao + 4 p + r] * bp[bo + NR p + j], init as in {@link #block}. B is read as one
     * sequential stream (no row table): 19-20 GMAC/s on one core of this Zen machine in a test program, against
     * about 14 for the 8-row tile there (16 accumulators spill on 16 vector registers).
     */
    static void packedTile(float[] ap, int ao, int k, float[] bp, int bo, float[] c, int cOff, int ldc, int validRows,
                           float[] rowBias, int biasOff, boolean fromC) {
        FloatVector c00;
        FloatVector c01;
        FloatVector c10;
        FloatVector c11;
        FloatVector c20;
        FloatVector c21;
        FloatVector c30;
        FloatVector c31;
        if (fromC) {
            c00 = FloatVector.fromArray(S, c, cOff);
            c01 = FloatVector.fromArray(S, c, cOff + L);
            c10 = validRows > 1 ? FloatVector.fromArray(S, c, cOff + ldc) : FloatVector.zero(S);
            c11 = validRows > 1 ? FloatVector.fromArray(S, c, cOff + ldc + L) : FloatVector.zero(S);
            c20 = validRows > 2 ? FloatVector.fromArray(S, c, cOff + 2 * ldc) : FloatVector.zero(S);
            c21 = validRows > 2 ? FloatVector.fromArray(S, c, cOff + 2 * ldc + L) : FloatVector.zero(S);
            c30 = validRows > 3 ? FloatVector.fromArray(S, c, cOff + 3 * ldc) : FloatVector.zero(S);
            c31 = validRows > 3 ? FloatVector.fromArray(S, c, cOff + 3 * ldc + L) : FloatVector.zero(S);
        } else {
            c00 = FloatVector.broadcast(S, init(rowBias, biasOff, 0, validRows));
            c01 = c00;
            c10 = FloatVector.broadcast(S, init(rowBias, biasOff, 1, validRows));
            c11 = c10;
            c20 = FloatVector.broadcast(S, init(rowBias, biasOff, 2, validRows));
            c21 = c20;
            c30 = FloatVector.broadcast(S, init(rowBias, biasOff, 3, validRows));
            c31 = c30;
        }
        int a = ao;
        int b = bo;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, b);
            FloatVector b1 = FloatVector.fromArray(S, bp, b + L);
            FloatVector a0 = FloatVector.broadcast(S, ap[a]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[a + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[a + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[a + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            a += 4;
            b += NR;
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + L);
        if (validRows > 1) {
            c10.intoArray(c, cOff + ldc);
            c11.intoArray(c, cOff + ldc + L);
        }
        if (validRows > 2) {
            c20.intoArray(c, cOff + 2 * ldc);
            c21.intoArray(c, cOff + 2 * ldc + L);
        }
        if (validRows > 3) {
            c30.intoArray(c, cOff + 3 * ldc);
            c31.intoArray(c, cOff + 3 * ldc + L);
        }
    }
}
