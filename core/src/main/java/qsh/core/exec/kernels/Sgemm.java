package qsh.core.exec.kernels;

import java.util.Arrays;

/**
 * Single-precision GEMM: C = alpha * op(A) * op(B) + beta * C, row-major, on both cores.
 *
 * <p>The main path is register-blocked for C2's auto-vectorizer (JDK 17 SuperWord): op(A) is packed into
 * 4-row panels (alpha folded in, k padded to a multiple of 4 with zeros), op(B) into per-thread rows of one
 * column strip (at most {@link #NR} wide, {@link #KC} deep), and the micro-kernel updates a 4-row x strip
 * tile of C held in small per-thread row arrays, two B rows per pass. Every array access in its inner loop is
 * {@code array[j]}: JDK 17 only vectorizes loops whose indices share the same loop-invariant part (the old
 * kernel, which read B and C at different row offsets, ran scalar), so each tile row and each packed B row is
 * its own array. {@code Math.fma} keeps the loop body small enough to be unrolled and vectorized (one node
 * per multiply-add); where the JVM has no FMA intrinsic the old row-at-a-time loop is used.
 * B is read through a {@link PanelSource}, so a convolution can pack its im2col rows straight from the input.
 */
public final class Sgemm {
    /** Widest column strip of C computed per task (tile rows are this far apart). */
    static final int NR = 512;
    /** Depth of one packed B panel. */
    static final int KC = 256;
    /** Rows of C per micro-kernel call. */
    static final int MR = 4;

    /** Writes rows of op(B) into packing buffers. */
    @FunctionalInterface
    public interface PanelSource {
        /** Writes op(B)[p][j0 .. j0 + len) to dst[0 .. len). */
        void row(int p, int j0, int len, float[] dst);
    }

    /**
     * A panel source whose rows are stored contiguously: row p is array()[rowOffset(p) + j]. The Vector API
     * kernel reads such rows in place instead of packing them.
     */
    interface DirectSource extends PanelSource {
        /** The array holding every row. */
        float[] array();

        /** Where row p starts in {@link #array()}. */
        int rowOffset(int p);
    }

    /** Per-thread scratch: packed B rows and the C tile; the Vector API kernel's row table. */
    private static final class Scratch {
        final float[][] panel = new float[KC][NR];
        final float[][] tile = new float[MR][NR];
        float[][] rows = new float[KC][];
        int[] offs = new int[KC];

        void rows(int k) {
            if (rows.length < k) {
                rows = new float[k][];
                offs = new int[k];
            }
        }
    }

    /** Whether pairs of row blocks go to the 8-row tile ({@link #eightRowTile}). */
    private static volatile boolean pairs = true;

    /**
     * Turns the 8-row Vector API tile on (the default) or off, for benchmarks comparing the two in one JVM
     * (results are the same bits either way). Measured by alternating: detector 14.6 ms without, 13.1 with;
     * classifier 1.14 and 1.09 ms.
     */
    public static void eightRowTile(boolean on) {
        pairs = on;
    }

    /**
     * Turns the tiled kernel ({@link TiledGemm}, the default) on or off, for benchmarks comparing it with the
     * in-place kernels in one JVM (results are the same bits either way).
     */
    public static void packedTiles(boolean on) {
        TiledGemm.use(on);
    }

    /**
     * Turns the tiled kernel's 6-row tiles ({@link VectorTile6}, the default where vectors have fewer than 16 lanes)
     * on or off, for benchmarks comparing them with the 4-row tiles (results are the same bits either way).
     */
    public static void sixRowTiles(boolean on) {
        TiledGemm.sixRowTiles(on);
    }

    /**
     * Turns the prepared weights' kept six-row strips ({@link SixRowStrips}, the default) on or off, for benchmarks
     * comparing them with a copy per call in one JVM (results are the same bits either way).
     */
    public static void keepSixRowStrips(boolean on) {
        keepStrips = on;
    }

    private static volatile boolean keepStrips = true;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    static final class Fma {
        static final boolean INTRINSIC = detect();

        private static boolean detect() {
            String forced = System.getProperty("qsh.sgemm", "");
            if (forced.equals("rows")) {
                return false;
            }
            if (forced.equals("packed")) {
                return true;
            }
            try {
                return Boolean.parseBoolean(java.lang.management.ManagementFactory
                        .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                        .getVMOption("UseFMA").getValue());
            } catch (RuntimeException | LinkageError e) {
                return false;
            }
        }
    }

    private Sgemm() {
    }

    /** C[m x n] (leading dim ldc, offset cOff) = alpha * op(A)[m x k] * op(B)[k x n] + beta * C. */
    public static void multiply(int m, int n, int k, float alpha,
                                float[] a, int aOff, int lda, boolean transA,
                                float[] b, int bOff, int ldb, boolean transB,
                                float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        if (!Fma.INTRINSIC) {
            multiplyRows(m, n, k, alpha, a, aOff, lda, transA, b, bOff, ldb, transB, beta, c, cOff, ldc);
            return;
        }
        if (m == 1 && k > 0) { // one row of A: stream B once (same bits, see Gemv)
            Gemv.multiply(n, k, alpha, a, aOff, transA ? lda : 1, b, bOff, ldb, transB, beta, c, cOff);
            return;
        }
        multiplyPacked(m, n, k, alpha, a, aOff, lda, transA, matrix(b, bOff, ldb, transB), beta, c, cOff, ldc,
                null, 0);
    }

    /** op(B) of a stored matrix as a panel source. */
    static PanelSource matrix(float[] b, int bOff, int ldb, boolean transB) {
        if (transB) {
            return (p, j0, len, dst) -> {
                int src = bOff + j0 * ldb + p;
                for (int j = 0; j < len; j++) {
                    dst[j] = b[src + j * ldb];
                }
            };
        }
        return new DirectSource() {
            @Override
            public void row(int p, int j0, int len, float[] dst) {
                System.arraycopy(b, bOff + p * ldb + j0, dst, 0, len);
            }

            @Override
            public float[] array() {
                return b;
            }

            @Override
            public int rowOffset(int p) {
                return bOff + p * ldb;
            }
        };
    }

    /**
     * C = alpha * op(A) * B + beta * C + rowBias (rowBias[biasOff + i] added to row i when not null), B read
     * through {@code b}; allocation-free apart from the packed copy of A.
     */
    public static void multiply(int m, int n, int k, float alpha, float[] a, int aOff, int lda, boolean transA,
                                PanelSource b, float beta, float[] c, int cOff, int ldc,
                                float[] rowBias, int biasOff) {
        if (m == 0 || n == 0) {
            return;
        }
        multiply(pack(m, k, alpha, a, aOff, lda, transA), n, b, beta, c, cOff, ldc, rowBias, biasOff, Epilogue.NONE);
    }

    /** Packs alpha * op(A) (m x k) for {@link #multiply(PackedA, int, PanelSource, float, float[], int, int, float[], int, Epilogue)}. */
    public static PackedA pack(int m, int k, float alpha, float[] a, int aOff, int lda, boolean transA) {
        return new PackedA(m, k, alpha, a, aOff, lda, transA);
    }

    /**
     * C = A * B + beta * C + rowBias, then {@code ep} on every written row of C (row i as channel biasOff + i);
     * A packed by {@link #pack}, B read through {@code b} (n columns).
     */
    public static void multiply(PackedA a, int n, PanelSource b, float beta, float[] c, int cOff, int ldc,
                                float[] rowBias, int biasOff, Epilogue ep) {
        int m = a.m;
        int k = a.k;
        if (m == 0 || n == 0) {
            return;
        }
        if (Fma.INTRINSIC) {
            if (vectorKernels(beta) && n == 1 && ChannelGemm.columns()) {
                ChannelGemm.column(m, k, a.channelPanels(), b, c, cOff, ldc, rowBias, biasOff, ep);
                return;
            }
            if (vectorKernels(beta) && ChannelGemm.suits(m, n, k)) {
                ChannelGemm.multiply(m, n, k, a.channelPanels(), b, c, cOff, ldc, rowBias, biasOff, ep);
                return;
            }
            SixRowStrips kept = keepStrips && a.kept.reused() ? a.kept : null;
            multiplyPacked(m, n, k, a.kp, a.panels, kept, b, beta, c, cOff, ldc, rowBias, biasOff, ep);
            return;
        }
        // Fallback: materialize B (k x n) and run the row kernel, then add the bias.
        float[] full = new float[Math.multiplyExact(k, n)];
        float[] row = new float[n];
        for (int p = 0; p < k; p++) {
            b.row(p, 0, n, row);
            System.arraycopy(row, 0, full, p * n, n);
        }
        multiplyRows(m, n, k, a.alpha, a.a, a.aOff, a.lda, a.transA, full, 0, n, false, beta, c, cOff, ldc);
        for (int i = 0; i < m; i++) {
            int cr = cOff + i * ldc;
            if (rowBias != null) {
                float v = rowBias[biasOff + i];
                for (int j = 0; j < n; j++) {
                    c[cr + j] += v;
                }
            }
            ep.apply(c, cr, cr + n, biasOff + i);
        }
    }

    /** The packed, register-blocked path (requires the FMA intrinsic to be fast). */
    static void multiplyPacked(int m, int n, int k, float alpha, float[] a, int aOff, int lda, boolean transA,
                               PanelSource b, float beta, float[] c, int cOff, int ldc,
                               float[] rowBias, int biasOff) {
        int kp = (k + 3) & ~3;
        multiplyPacked(m, n, k, kp, packA(m, k, kp, alpha, a, aOff, lda, transA), null, b, beta, c, cOff, ldc,
                rowBias, biasOff, Epilogue.NONE);
    }

    private static void multiplyPacked(int m, int n, int k, int kp, float[] ap, SixRowStrips kept, PanelSource b,
                                       float beta, float[] c, int cOff, int ldc, float[] rowBias, int biasOff,
                                       Epilogue ep) {
        int blocks = (m + MR - 1) / MR;
        long work = (long) m * n * k;
        boolean parallel = Parallel.worthIt(work, 1 << 17);
        int strips = Math.max(1, (n + NR - 1) / NR);
        if (parallel) {
            // A whole number of strips per thread, and columns rather than rows split between the threads while
            // strips stay >= 64 wide: each task packs its own B panel, so a row split packs the same panel twice.
            int t = Parallel.THREADS;
            strips = Math.max(strips, Math.min((strips + t - 1) / t * t, n / 64));
        }
        int width = Math.min(NR, ((n + strips - 1) / strips + 15) & ~15); // equal strips, multiples of 16
        strips = (n + width - 1) / width;
        // Too few strips for the threads: also split the rows, so both cores get work on small planes.
        int rowGroups = parallel && strips < Parallel.THREADS
                ? Math.max(1, Math.min(blocks, (2 * Parallel.THREADS + strips - 1) / strips)) : 1;
        if (rowGroups > 1 && vectorKernels(beta) && TiledGemm.on()) {
            // one strip split by rows: pack its B once for both threads instead of once per row group
            TiledGemm.shared(m, n, k, kp, ap, kept, b, c, cOff, ldc, rowBias, biasOff, ep, rowGroups);
            return;
        }
        int tasks = strips * rowGroups;
        int fw = width;
        int rg = rowGroups;
        Parallel.IntRangeBody body = (t0, t1) -> {
            Scratch s = SCRATCH.get();
            for (int t = t0; t < t1; t++) {
                int strip = t / rg;
                int g = t % rg;
                int j0 = strip * fw;
                int nr = Math.min(fw, n - j0);
                int b0 = (int) ((long) blocks * g / rg);
                int b1 = (int) ((long) blocks * (g + 1) / rg);
                strip(m, k, kp, ap, kept, b, beta, c, cOff, ldc, rowBias, biasOff, ep, j0, nr, b0, b1, s);
            }
        };
        if (!parallel || tasks < 2) {
            body.run(0, tasks);
        } else {
            Parallel.forRange(tasks, body);
        }
    }

    /** Whether a product with this beta runs the Vector API kernels ({@link #vectorStrip}, {@link TiledGemm}). */
    private static boolean vectorKernels(float beta) {
        return beta == 0f && VectorSupport.ready();
    }

    /** alpha * op(A) as 4-row panels: ap[(block * kp + p) * 4 + r] = alpha * A[4 block + r][p], zero padded. */
    static float[] packA(int m, int k, int kp, float alpha, float[] a, int aOff, int lda, boolean transA) {
        int blocks = (m + MR - 1) / MR;
        float[] ap = new float[Math.multiplyExact(blocks * MR, kp)];
        int rs = transA ? 1 : lda;
        int cs = transA ? lda : 1;
        for (int i = 0; i < m; i++) {
            int dst = (i / MR) * kp * MR + i % MR;
            int src = aOff + i * rs;
            for (int p = 0; p < k; p++) {
                ap[dst + p * MR] = alpha * a[src + p * cs];
            }
        }
        return ap;
    }

    /** Columns [j0, j0 + nr) of row blocks [b0, b1) of C, k in panels of KC; the epilogue on each finished row. */
    private static void strip(int m, int k, int kp, float[] ap, SixRowStrips kept, PanelSource b, float beta,
                              float[] c, int cOff, int ldc, float[] rowBias, int biasOff, Epilogue ep, int j0, int nr,
                              int b0, int b1, Scratch s) {
        if (vectorKernels(beta)) {
            vectorStrip(m, k, kp, ap, kept, b, c, cOff, ldc, rowBias, biasOff, ep, j0, nr, b0, b1, s);
            return;
        }
        float[][] panel = s.panel;
        float[][] tile = s.tile;
        for (int p0 = 0; p0 < kp; p0 += KC) {
            int kc = Math.min(KC, kp - p0);
            for (int p = 0; p < kc; p++) {
                if (p0 + p < k) {
                    b.row(p0 + p, j0, nr, panel[p]);
                } else {
                    Arrays.fill(panel[p], 0, nr, 0f); // A is zero there, but B must not be NaN/Inf
                }
            }
            boolean first = p0 == 0;
            boolean last = p0 + KC >= kp;
            for (int blk = b0; blk < b1; blk++) {
                int i0 = blk * MR;
                int rows = Math.min(MR, m - i0);
                for (int r = 0; r < MR; r++) {
                    if (r >= rows) {
                        Arrays.fill(tile[r], 0, nr, 0f);
                    } else if (!first) {
                        System.arraycopy(c, cOff + (i0 + r) * ldc + j0, tile[r], 0, nr);
                    } else {
                        Arrays.fill(tile[r], 0, nr, rowBias == null ? 0f : rowBias[biasOff + i0 + r]);
                    }
                }
                kernel4(ap, (blk * kp + p0) * MR, panel, kc, tile, nr);
                for (int r = 0; r < rows; r++) {
                    int cr = cOff + (i0 + r) * ldc + j0;
                    float[] tr = tile[r];
                    if (first && beta != 0f) {
                        for (int j = 0; j < nr; j++) {
                            c[cr + j] = beta * c[cr + j] + tr[j];
                        }
                    } else {
                        System.arraycopy(tr, 0, c, cr, nr);
                    }
                    if (last && !ep.isNone()) {
                        ep.apply(c, cr, cr + nr, biasOff + i0 + r); // rows of C are channels: biasOff + i indexes both
                    }
                }
            }
        }
    }

    /**
     * {@link #strip} by the Vector API kernel. A direct source's rows are read in place over the whole depth,
     * one register tile of columns at a time for all row blocks (the tile's rows of B stay in L2 between
     * blocks); other sources are packed KC rows at a time as for the packed kernel.
     */
    private static void vectorStrip(int m, int k, int kp, float[] ap, SixRowStrips kept, PanelSource b, float[] c,
                                    int cOff, int ldc, float[] rowBias, int biasOff, Epilogue ep, int j0, int nr,
                                    int b0, int b1, Scratch s) {
        if (TiledGemm.on()) {
            TiledGemm.strip(m, k, kp, ap, kept, b, c, cOff, ldc, rowBias, biasOff, j0, nr, b0, b1);
        } else if (b instanceof DirectSource d) {
            s.rows(k);
            float[] arr = d.array();
            for (int p = 0; p < k; p++) {
                s.rows[p] = arr;
                s.offs[p] = d.rowOffset(p) + j0;
            }
            for (int jj = 0; jj < nr; jj += VectorKernels.NR) {
                int w = Math.min(VectorKernels.NR, nr - jj);
                vectorBlocks(m, kp, ap, 0, k, s, w, c, cOff + j0 + jj, ldc, rowBias, biasOff, b0, b1, false);
                for (int p = 0; p < k; p++) {
                    s.offs[p] += w; // the next tile's columns
                }
            }
        } else {
            s.rows(KC);
            for (int p0 = 0; p0 < k; p0 += KC) {
                int kc = Math.min(KC, k - p0);
                for (int p = 0; p < kc; p++) {
                    b.row(p0 + p, j0, nr, s.panel[p]);
                    s.rows[p] = s.panel[p];
                    s.offs[p] = 0;
                }
                vectorBlocks(m, kp, ap, p0, kc, s, nr, c, cOff + j0, ldc, rowBias, biasOff, b0, b1, p0 > 0);
            }
        }
        applyEpilogue(ep, m, c, cOff + j0, ldc, nr, biasOff, b0, b1);
    }

    /** ep on columns [0, n) of the rows of row blocks [b0, b1) of C at cOff (row i as channel biasOff + i). */
    static void applyEpilogue(Epilogue ep, int m, float[] c, int cOff, int ldc, int n, int biasOff, int b0, int b1) {
        if (ep.isNone()) {
            return;
        }
        int i0 = b0 * MR;
        int i1 = Math.min(m, b1 * MR);
        if (n == ldc) { // whole rows, one after another
            ep.applyPlanes(c, cOff + i0 * ldc, n, biasOff + i0, i1 - i0);
            return;
        }
        for (int i = i0; i < i1; i++) {
            ep.apply(c, cOff + i * ldc, cOff + i * ldc + n, biasOff + i);
        }
    }

    /**
     * Row blocks [b0, b1) over columns [0, n) of C at cOff (rows from block b0 on), depth p0 .. p0 + kc of packed
     * A, B rows in s.rows / s.offs: two blocks at a time by the 8-row tile, a last odd block by the 4-row one.
     */
    private static void vectorBlocks(int m, int kp, float[] ap, int p0, int kc, Scratch s, int n, float[] c,
                                     int cOff, int ldc, float[] rowBias, int biasOff, int b0, int b1, boolean fromC) {
        int blk = b0;
        for (; pairs && blk + 1 < b1; blk += 2) {
            int i0 = blk * MR;
            VectorTile8.block8(ap, (blk * kp + p0) * MR, ((blk + 1) * kp + p0) * MR, kc, s.rows, s.offs, n, c,
                    cOff + i0 * ldc, ldc, Math.min(MR, m - i0 - MR), rowBias, biasOff + i0, fromC);
        }
        for (; blk < b1; blk++) {
            int i0 = blk * MR;
            VectorKernels.block(ap, (blk * kp + p0) * MR, kc, s.rows, s.offs, n, c, cOff + i0 * ldc, ldc,
                    Math.min(MR, m - i0), rowBias, biasOff + i0, fromC);
        }
    }

    /**
     * tile[r][j] += sum over p < kc of ap[ao + 4 p + r] * panel[p][j], r < 4, j < nr (kc even). The inner loop
     * is the vectorized one: 2 loads of B, 4 tile loads and stores, 8 FMAs per column. Measured on JDK 17 C2:
     * with every access indexed by plain j and FMA chains at most two deep the loop vectorizes; deeper chains
     * (4 rows x 4 k, 2 x 4) or more rows (6 x 2, 8 x 1) exceed what C2 unrolls and stay scalar (~5x slower).
     */
    private static void kernel4(float[] ap, int ao, float[][] panel, int kc, float[][] tile, int nr) {
        float[] t0 = tile[0];
        float[] t1 = tile[1];
        float[] t2 = tile[2];
        float[] t3 = tile[3];
        for (int p = 0; p < kc; p += 2) {
            int o = ao + p * MR;
            float a00 = ap[o];
            float a10 = ap[o + 1];
            float a20 = ap[o + 2];
            float a30 = ap[o + 3];
            float a01 = ap[o + 4];
            float a11 = ap[o + 5];
            float a21 = ap[o + 6];
            float a31 = ap[o + 7];
            float[] q0 = panel[p];
            float[] q1 = panel[p + 1];
            for (int j = 0; j < nr; j++) {
                float b0 = q0[j];
                float b1 = q1[j];
                t0[j] = Math.fma(a01, b1, Math.fma(a00, b0, t0[j]));
                t1[j] = Math.fma(a11, b1, Math.fma(a10, b0, t1[j]));
                t2[j] = Math.fma(a21, b1, Math.fma(a20, b0, t2[j]));
                t3[j] = Math.fma(a31, b1, Math.fma(a30, b0, t3[j]));
            }
        }
    }

    /** The row-at-a-time kernel ({@link SgemmRows}): used where the JVM has no FMA intrinsic. */
    static void multiplyRows(int m, int n, int k, float alpha, float[] a, int aOff, int lda, boolean transA,
                             float[] b, int bOff, int ldb, boolean transB, float beta, float[] c, int cOff, int ldc) {
        SgemmRows.multiply(m, n, k, alpha, a, aOff, lda, transA, b, bOff, ldb, transB, beta, c, cOff, ldc);
    }
}
