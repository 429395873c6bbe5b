package qsh.core.exec.kernels;

/**
 * The Vector API GEMM over B packed in register-tile order (BLIS's loop order, in small): for each
 * {@link #KC}-deep chunk of a column strip, B's columns are copied tile by tile (tile t, depth p at
 * {@code (t kc + p) NR}, the last tile zero padded), then for each group of {@link #MC_BLOCKS} row blocks, whose
 * packed A (64 rows x KC, 64 KB) stays in L2, every tile's micro-panel (16 KB, in L1) is swept by the
 * {@link VectorKernels#packedTile 4 x NR kernel}, which reads B as one sequential stream.
 *
 * <p>Why, against reading B rows in place ({@link Sgemm}'s older direct path): there, each k step of a tile touched
 * a line of a different input row (576 to 4608 rows per tile, more streams than the prefetchers follow), deep layers
 * streamed all of A (9 MB for a 512 x 4608 layer) once per tile, and a strip's last few columns were copied out of
 * B once per row block (4608 copies per block on a 5 x 5 plane). Measured by alternating the two in one JVM on
 * ResNet-18's layers at 160 x 160 (2 threads, best of 20 x 150 ms): 3 x 3 convolutions 0.85-0.92x the time, the
 * strided 64 -> 128 one 0.72x, the 512 x 5 x 5 one 0.44x.
 *
 * <p>Each element's sum is the same chain of fused multiply-adds in the same order as the other kernels (a later
 * chunk starts from C), so the results are the same bits. Only touched when {@link VectorSupport} allows.
 */
final class TiledGemm {
    /** Depth of one packed chunk of B. */
    static final int KC = 256;
    /** Row blocks (of {@link Sgemm#MR} rows) per pass over a chunk's tiles. */
    static final int MC_BLOCKS = 16;
    private static final int MR = Sgemm.MR;

    private static volatile boolean on = true;
    /**
     * Whether tiles are {@link VectorTile8#WIDE_TILE} columns wide, swept by the 8-row x 3-vector kernel for pairs
     * of row blocks (a last odd block by the same kernel with its second half not stored): by default only with
     * 16-lane vectors, i.e. AVX-512 and its 32 registers; otherwise tiles of {@link VectorKernels#NR} columns and
     * the 4-row kernel. Alternated in one JVM on this 2-vCPU AVX-512 Xeon, 2 threads, 3 x 3 convolutions of
     * 64-128 channels at 40 x 40 and 20 x 20 went from 61-63 GMAC/s with the 4-row tile to 70-73 with an 8 x 2
     * vector tile; the 8 x 3 tile is the one kept (79-80 GMAC/s on one core against 40-46 in a test program).
     */
    private static volatile boolean wide = VectorTile8.wideRegisters();
    /**
     * Whether tiles of {@link VectorKernels#NR} columns are swept six rows at a time by {@link VectorTile6} (the
     * default without wide tiles: twelve accumulators in AVX2's 16 registers) rather than four at a time by
     * {@link VectorKernels#packedTile}. Alternated in one JVM on a 2-vCPU Zen 3 EPYC (see {@link VectorTile6}).
     */
    private static volatile boolean six = true;
    /**
     * Columns from which {@link #chunkSix} is used: its copy of A into strips of six rows is paid once per group
     * and chunk, so with one or two tiles of columns (a 5 x 5 plane) it cost more than the wider tile saved.
     */
    static final int SIX_MIN_COLUMNS = 4 * 16;
    /** Whether a wide chunk's last tile of one or two vectors goes to {@link VectorNarrowTiles} (the default). */
    private static volatile boolean narrow = true;

    /** Per-thread packed chunk, scratch C tile and a row of a non-direct source. */
    private static final class Scratch {
        float[] packed = new float[0];
        final float[] tileC = new float[2 * MR * Math.max(VectorKernels.NR, VectorTile8.WIDE_TILE)];
        final float[] row = new float[Sgemm.NR];
        /** A's rows of one group and chunk in strips of six ({@link #chunkSix}). */
        float[] six = new float[0];

        float[] six(int size) {
            if (six.length < size) {
                six = new float[size];
            }
            return six;
        }

        float[] packed(int size) {
            if (packed.length < size) {
                packed = new float[size];
            }
            return packed;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private TiledGemm() {
    }

    /** Whether the tiled kernel is used (the default; results are the same bits either way). */
    static boolean on() {
        return on;
    }

    /** Turns the tiled kernel on or off, for benchmarks comparing the two in one JVM. */
    static void use(boolean use) {
        on = use;
    }

    /** Turns the narrow last tiles on or off, for benchmarks and tests comparing the two (same bits either way). */
    static void narrowTiles(boolean use) {
        narrow = use;
    }

    /** Turns the 6-row tiles on or off (without wide tiles), for benchmarks and tests (same bits either way). */
    static void sixRowTiles(boolean use) {
        six = use;
    }

    /** Turns the wide 8-row tiles on or off, for benchmarks and tests comparing the two (same bits either way). */
    static void wideTiles(boolean use) {
        wide = use;
    }

    /** Columns [j0, j0 + nr) (nr at most {@link Sgemm#NR}) of row blocks [b0, b1) of C = A B + rowBias. */
    static void strip(int m, int k, int kp, float[] ap, SixRowStrips kept, Sgemm.PanelSource b, float[] c, int cOff,
                      int ldc, float[] rowBias, int biasOff, int j0, int nr, int b0, int b1) {
        Scratch s = SCRATCH.get();
        boolean w = wide;
        int tw = w ? VectorTile8.WIDE_TILE : VectorKernels.NR;
        int nt = (nr + tw - 1) / tw;
        float[] pk = s.packed(Math.min(KC, k) * nt * tw);
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            for (int p = 0; p < kc; p++) {
                packRow(b, p0 + p, j0, nr, pk, p * tw, kc * tw, tw, s);
            }
            chunk(w, m, kp, ap, kept, p0, kc, pk, 0, nr, c, cOff + j0, ldc, rowBias, biasOff, b0, b1, s);
        }
    }

    /**
     * All of C (n at most {@link Sgemm#NR} columns) split by rows into {@code groups} tasks over both threads,
     * with B packed once, in parallel, into one shared buffer (chunk p0 at p0 nt NR); the epilogue on each task's
     * rows. Splitting a single strip by rows, {@link #strip} per task packed the whole B once per task: for a
     * 960 x 5 x 5 input, 8640 rows, four times.
     */
    static void shared(int m, int n, int k, int kp, float[] ap, SixRowStrips kept, Sgemm.PanelSource b, float[] c,
                       int cOff, int ldc, float[] rowBias, int biasOff, Epilogue ep, int groups) {
        boolean w = wide;
        int tw = w ? VectorTile8.WIDE_TILE : VectorKernels.NR;
        int nt = (n + tw - 1) / tw;
        float[] pk = Buffers.floats(Math.multiplyExact(k, nt * tw));
        Parallel.forRange(k, (q0, q1) -> {
            Scratch s = SCRATCH.get();
            for (int p = q0; p < q1; p++) {
                int p0 = p / KC * KC;
                int kc = Math.min(KC, k - p0);
                packRow(b, p, 0, n, pk, p0 * nt * tw + (p - p0) * tw, kc * tw, tw, s);
            }
        });
        int blocks = (m + MR - 1) / MR;
        Parallel.forRange(groups, (g0, g1) -> {
            Scratch s = SCRATCH.get();
            for (int g = g0; g < g1; g++) {
                int b0 = (int) ((long) blocks * g / groups);
                int b1 = (int) ((long) blocks * (g + 1) / groups);
                for (int p0 = 0; p0 < k; p0 += KC) {
                    chunk(w, m, kp, ap, kept, p0, Math.min(KC, k - p0), pk, p0 * nt * tw, n, c, cOff, ldc, rowBias,
                            biasOff, b0, b1, s);
                }
                Sgemm.applyEpilogue(ep, m, c, cOff, ldc, n, biasOff, b0, b1);
            }
        });
        Buffers.recycle(pk);
    }

    /** Packs op(B) row p, columns [j0, j0 + nr), into tiles of tw columns at dst[d0 + t tileStride ...]. */
    private static void packRow(Sgemm.PanelSource b, int p, int j0, int nr, float[] dst, int d0, int tileStride,
                                int tw, Scratch s) {
        if (b instanceof Sgemm.DirectSource d) {
            VectorKernels.packRow(d.array(), d.rowOffset(p) + j0, nr, dst, d0, tileStride, tw);
        } else {
            b.row(p, j0, nr, s.row);
            VectorKernels.packRow(s.row, 0, nr, dst, d0, tileStride, tw);
        }
    }

    /**
     * One packed chunk (depth p0 .. p0 + kc, tiles at pk[base + t kc tw]) into columns [0, n) of row blocks
     * [b0, b1) of C at cOff, from C when p0 &gt; 0, else from the bias; wide: tiles of {@link VectorTile8#WIDE_TILE}
     * columns by the 8-row kernel, else of {@link VectorKernels#NR} by the 4-row one.
     */
    private static void chunk(boolean wide, int m, int kp, float[] ap, SixRowStrips kept, int p0, int kc, float[] pk,
                              int base, int n, float[] c, int cOff, int ldc, float[] rowBias, int biasOff, int b0,
                              int b1, Scratch s) {
        if (!wide && six && n >= SIX_MIN_COLUMNS) {
            chunkSix(m, kp, ap, kept, p0, kc, pk, base, n, c, cOff, ldc, rowBias, biasOff, b0, b1, s);
            return;
        }
        int tw = wide ? VectorTile8.WIDE_TILE : VectorKernels.NR;
        int nt = (n + tw - 1) / tw;
        boolean fromC = p0 > 0;
        float[] tileC = s.tileC;
        for (int g0 = b0; g0 < b1; g0 += MC_BLOCKS) {
            int g1 = Math.min(b1, g0 + MC_BLOCKS);
            for (int t = 0; t < nt; t++) {
                int bo = base + t * kc * tw;
                int w = Math.min(tw, n - t * tw);
                int cj = cOff + t * tw;
                for (int blk = g0; blk < g1; ) {
                    int i0 = blk * MR;
                    boolean pair = wide && blk + 1 < g1;
                    int rows = Math.min(pair ? 2 * MR : MR, m - i0);
                    int ao = (blk * kp + p0) * MR;
                    blk += pair ? 2 : 1;
                    if (w == tw) {
                        tile(wide, pair, ap, ao, kp, kc, pk, bo, c, cj + i0 * ldc, ldc, rows, rowBias, biasOff + i0,
                                fromC);
                        continue;
                    }
                    // the last, narrower tile: B is zero padded to a whole tile, so a whole tile goes into a
                    // scratch C and its valid columns are copied out (no per-block copy of B)
                    if (fromC) {
                        toScratch(c, cj + i0 * ldc, ldc, tileC, tw, rows, w);
                    }
                    int vectors = wide && narrow ? (w + VectorTile8.L - 1) / VectorTile8.L : 0;
                    if (vectors == 1 || vectors == 2) {
                        narrowTile(vectors, pair, ap, ao, kp, kc, pk, bo, tileC, tw, rows, rowBias, biasOff + i0,
                                fromC);
                    } else {
                        tile(wide, pair, ap, ao, kp, kc, pk, bo, tileC, 0, tw, rows, rowBias, biasOff + i0, fromC);
                    }
                    fromScratch(tileC, tw, c, cj + i0 * ldc, ldc, rows, w);
                }
            }
        }
    }

    /**
     * {@link #chunk} with tiles of {@link VectorKernels#NR} columns swept six rows at a time ({@link VectorTile6}):
     * rows [4 g0, min(4 g1, m)) of each group, six at a time from the group's first row, their A scalars of this
     * chunk first copied into strips of six per k step (rows past the group's end zero); a last piece of at most
     * four rows inside one block goes to the 4-row kernel, which reads the packed A in place.
     */
    private static void chunkSix(int m, int kp, float[] ap, SixRowStrips kept, int p0, int kc, float[] pk, int base,
                                 int n, float[] c, int cOff, int ldc, float[] rowBias, int biasOff, int b0, int b1,
                                 Scratch s) {
        int tw = VectorKernels.NR;
        int nt = (n + tw - 1) / tw;
        boolean fromC = p0 > 0;
        float[] tileC = s.tileC;
        final int six = VectorTile6.ROWS;
        for (int g0 = b0; g0 < b1; g0 += MC_BLOCKS) {
            int r0 = g0 * MR;
            int r1 = Math.min(Math.min(b1, g0 + MC_BLOCKS) * MR, m);
            int strips = (r1 - r0) / six;
            int rest = r1 - r0 - strips * six;
            if (rest > 0 && ((r0 + strips * six) % MR != 0 || rest > MR)) {
                strips++; // a last piece the 4-row kernel cannot take in place
                rest = 0;
            }
            float[] a6 = sixRowStrips(ap, kp, kept, p0, kc, r0, r1, strips, s);
            for (int t = 0; t < nt; t++) {
                int bo = base + t * kc * tw;
                int w = Math.min(tw, n - t * tw);
                int cj = cOff + t * tw;
                for (int q = 0; q <= strips; q++) {
                    int i = r0 + q * six;
                    int rows = q < strips ? Math.min(six, r1 - i) : rest;
                    if (rows == 0) {
                        continue;
                    }
                    float[] dst = c;
                    int at = cj + i * ldc;
                    int ld = ldc;
                    if (w < tw) { // the last, narrower tile: a whole tile into the scratch C, valid columns copied
                        dst = tileC;
                        at = 0;
                        ld = tw;
                        if (fromC) {
                            toScratch(c, cj + i * ldc, ldc, tileC, tw, rows, w);
                        }
                    }
                    if (q < strips) {
                        VectorTile6.packedTile6x2(a6, q * six * kc, kc, pk, bo, tw, dst, at, ld, rows, rowBias,
                                biasOff + i, fromC);
                    } else {
                        VectorKernels.packedTile(ap, aOffset(i, kp, p0), kc, pk, bo, dst, at, ld, rows, rowBias,
                                biasOff + i, fromC);
                    }
                    if (w < tw) {
                        fromScratch(tileC, tw, c, cj + i * ldc, ldc, rows, w);
                    }
                }
            }
        }
    }

    /**
     * The A scalars of rows [r0, r1) for depth p0 .. p0 + kc in {@code strips} strips of six rows (six per k step,
     * rows past r1 zero): kept ones when {@code kept} (a prepared weight's) has them, else copied, into a new array
     * it keeps while it has room, else into the scratch.
     */
    private static float[] sixRowStrips(float[] ap, int kp, SixRowStrips kept, int p0, int kc, int r0, int r1,
                                        int strips, Scratch s) {
        final int six = VectorTile6.ROWS;
        float[] a6 = kept == null ? null : kept.get(r0, r1, p0);
        if (a6 != null) {
            return a6;
        }
        float[] fresh = kept == null ? null : kept.reserve(strips * six * kc);
        a6 = fresh != null ? fresh : s.six(strips * six * kc);
        for (int q = 0; q < strips; q++) {
            for (int r = 0; r < six; r++) {
                int i = r0 + q * six + r;
                int d = q * six * kc + r;
                if (i < r1) {
                    int src = aOffset(i, kp, p0);
                    for (int p = 0; p < kc; p++) {
                        a6[d + six * p] = ap[src + MR * p];
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        a6[d + six * p] = 0f;
                    }
                }
            }
        }
        if (fresh != null) {
            kept.put(r0, r1, p0, fresh);
        }
        return a6;
    }

    /** The first w columns of rows [0, rows) of C at at (row stride ldc) into the scratch tile (row stride tw). */
    private static void toScratch(float[] c, int at, int ldc, float[] tileC, int tw, int rows, int w) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(c, at + r * ldc, tileC, r * tw, w);
        }
    }

    /** The first w columns of the scratch tile's rows [0, rows) back into C at at (row stride ldc). */
    private static void fromScratch(float[] tileC, int tw, float[] c, int at, int ldc, int rows, int w) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(tileC, r * tw, c, at + r * ldc, w);
        }
    }

    /** Offset in packed A of row i's scalar at depth p0 (row i of block i / MR, packed MR rows per depth step). */
    private static int aOffset(int i, int kp, int p0) {
        return ((i / MR) * kp + p0) * MR + i % MR;
    }

    /**
     * The last tile of a chunk when it has one or two vectors of columns (of {@link VectorTile8#WIDE_TILE}): the
     * narrow 8-row kernel into the scratch tile tileC (row stride tw), instead of all three vectors.
     */
    private static void narrowTile(int vectors, boolean pair, float[] ap, int ao, int kp, int kc, float[] pk, int bo,
                                   float[] tileC, int tw, int rows, float[] rowBias, int biasOff, boolean fromC) {
        int ao1 = pair ? ao + kp * MR : ao;
        int valid0 = Math.min(rows, MR);
        int valid1 = pair ? rows - MR : 0;
        if (vectors == 1) {
            VectorNarrowTiles.packedTile8x1(ap, ao, ao1, kc, pk, bo, tw, tileC, 0, tw, valid0, valid1, rowBias, biasOff,
                    fromC);
        } else {
            VectorNarrowTiles.packedTile8x2(ap, ao, ao1, kc, pk, bo, tw, tileC, 0, tw, valid0, valid1, rowBias, biasOff,
                    fromC);
        }
    }

    /**
     * One tile of rows valid rows from block ao (and, with pair, the next block): the 8-row wide kernel (a lone
     * block as its first half, the second half reading the same A and not stored), else the 4-row kernel.
     */
    private static void tile(boolean wide, boolean pair, float[] ap, int ao, int kp, int kc, float[] pk, int bo,
                             float[] c, int cOff, int ldc, int rows, float[] rowBias, int biasOff, boolean fromC) {
        if (wide) {
            VectorTile8.packedTile8x3(ap, ao, pair ? ao + kp * MR : ao, kc, pk, bo, c, cOff, ldc, Math.min(rows, MR),
                    pair ? rows - MR : 0, rowBias, biasOff, fromC);
        } else {
            VectorKernels.packedTile(ap, ao, kc, pk, bo, c, cOff, ldc, rows, rowBias, biasOff, fromC);
        }
    }
}
