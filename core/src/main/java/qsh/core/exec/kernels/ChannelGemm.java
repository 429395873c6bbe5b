package qsh.core.exec.kernels;

/**
 * The GEMM of a convolution over a small plane (few columns of C, many rows): output channels along the vector
 * lanes ({@link VectorChannelTile}: 8 columns x 48 channels per tile) instead of output positions. Why: the tiled
 * kernel sweeps tiles of 48 columns, so a 5 x 5 plane (25 columns) computed 48 and a 7 x 7 one 96 for 49; here
 * columns go in groups of 8 (32 and 56), the way ONNX Runtime's channel-blocked convolution lays out a small plane.
 * Used where it measured faster ({@link #MAX_COLUMNS}); on whole models, alternated with the tiled kernel in one JVM
 * (2 threads, AVX-512, medians of 21 rounds, `qsh.bench` harness): EfficientNet-B0 −6 %, MobileNetV2 −3 %,
 * Inception-v2 −2.5 %, ResNet-18 −1 %, SqueezeNet 1.1 unchanged.
 *
 * <p>A is transposed once per weight into panels of 48 channels (k steps of 48 weights, {@link PackedA}
 * keeps it); B is packed per call in groups of 8 columns (8 values per k step, zero past n). Each panel's sums
 * stay in a per-thread scratch of all its column groups over the {@link #KC}-deep chunks of A, then are written
 * to C row by row and the epilogue runs on each row while it is in cache. Each element is the chain of fused
 * multiply-adds over p in order from the bias that the other kernels compute, so the results are the same bits;
 * used only where {@link Sgemm}'s Vector API kernels are (beta 0, {@link VectorSupport} ready).
 */
final class ChannelGemm {
    /** Depth of one chunk of a panel of transposed A (48 KB: stays in L1 while the column groups sweep it). */
    static final int KC = 256;
    /** Channels per panel. */
    private static final int W = VectorChannelTile.CHANNELS;
    private static final int G = VectorChannelTile.COLUMNS;
    /**
     * The most columns this kernel takes (planes up to 8 x 8; a 7 x 7 plane's padded layout has 63), with at least
     * {@link #MIN_ROWS} rows and {@link #MIN_DEPTH} depth. Measured alternately against the tiled kernel in one JVM
     * (2 threads, AVX-512, best of 6 x 150 ms, 1 x 1 unless noted): 1152 -> 320 channels on 5 x 5 0.13-0.29 -> 0.13-0.15 ms,
     * 320 -> 1280 on 5 x 5 0.14-0.16 -> 0.13-0.14, 832 -> 384 on 7 x 7 0.23-0.25 -> 0.18-0.21, 3 x 3 512 -> 512 on
     * 7 x 7 1.77-1.82 -> 1.39-1.67 (one thread 3.68 -> 2.48); but 13 x 13 and 14 x 14 planes 1.2-2.2x slower, and
     * 1.1-1.3x slower with 48-112 input channels (packing B and writing C cost more than the columns saved).
     */
    static final int MAX_COLUMNS = 64;
    /** Fewest rows of C (output channels): two panels. */
    static final int MIN_ROWS = 2 * W;
    /** Least depth (input channels x kernel taps). */
    static final int MIN_DEPTH = 128;

    private static volatile boolean on = true;
    private static volatile boolean columnsOn = true;

    /** Per-thread sums of one panel and its bias. */
    private static final class Scratch {
        float[] sums = new float[0];
        final float[] bias = new float[W];
        /** One panel's sums of a single column ({@link #column}). */
        final float[] out = new float[W];
        /** A row of a source that is not stored as rows (at most {@link #MAX_COLUMNS} columns). */
        final float[] row = new float[MAX_COLUMNS];

        float[] sums(int size) {
            if (sums.length < size) {
                sums = new float[size];
            }
            return sums;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private ChannelGemm() {
    }

    /** Turns this kernel on (the default) or off, for benchmarks and tests comparing it in one JVM (same bits). */
    static void use(boolean use) {
        on = use;
    }

    /** Whether single columns go to {@link #column} (the default; same bits either way). */
    static boolean columns() {
        return columnsOn;
    }

    /** Turns {@link #column} on or off, for benchmarks and tests comparing it in one JVM. */
    static void useColumns(boolean use) {
        columnsOn = use;
    }

    /** Whether a product of m rows, n columns and depth k goes here: 16-lane vectors, few columns, a panel's rows. */
    static boolean suits(int m, int n, int k) {
        return on && VectorTile8.wideRegisters() && n <= MAX_COLUMNS && m >= MIN_ROWS && k >= MIN_DEPTH;
    }

    /** alpha op(A) as panels of W rows, transposed: at[(q k + p) W + l] = alpha A[q W + l][p], zero past m. */
    static float[] panels(int m, int k, float alpha, float[] a, int aOff, int lda, boolean transA) {
        int panels = (m + W - 1) / W;
        float[] at = new float[Math.multiplyExact(panels * W, k)];
        int rs = transA ? 1 : lda;
        int cs = transA ? lda : 1;
        for (int i = 0; i < m; i++) {
            int q = i / W;
            int l = i % W;
            int src = aOff + i * rs;
            for (int p = 0; p < k; p++) {
                at[(q * k + p) * W + l] = alpha * a[src + p * cs]; // as Sgemm packs A
            }
        }
        return at;
    }

    /** C (m x n at cOff, row stride ldc) = A B + rowBias, then ep on every row; at from {@link #panels}. */
    static void multiply(int m, int n, int k, float[] at, Sgemm.PanelSource b, float[] c, int cOff, int ldc,
                         float[] rowBias, int biasOff, Epilogue ep) {
        int groups = (n + G - 1) / G;
        float[] bp = Buffers.floats(Math.multiplyExact(groups * G, k));
        // packed on both cores whenever the product is (alone, packing a 4608-deep B took a tenth of the product)
        Parallel.forRange(k, (long) m * n * k, 1 << 17, (p0, p1) -> pack(b, p0, p1, k, n, groups, bp, SCRATCH.get().row));
        int panels = (m + W - 1) / W;
        // few panels, or a number the threads do not divide: each also split into two halves of its column groups, so
        // both cores get an equal share (512 channels are 11 panels: shares of 5 and 6, the first core idle for one;
        // alternated in one JVM, resnet18 -1.8 %, mobilenet_v2 -3 %, others unchanged)
        int halves = (panels < 4 * Parallel.THREADS || panels % Parallel.THREADS != 0) && groups > 1 ? 2 : 1;
        int units = panels * halves;
        // units claimed as Parallel gives them out: the caller from the first, the helper from the last, so each core
        // reads the same panels of A every run when both start together (they stay in its L2 between runs where they
        // fit), and a helper that starts late takes fewer instead of holding the caller up for its whole half (a
        // fixed half per thread before; alternated in one JVM: EfficientNet-B0 -8 %, SqueezeNet 1.1 -5 %, PP-OCRv4 rec
        // -2 to -3 %, ResNet-18 +1 %, others within 1 %)
        Parallel.forRange(units, (long) m * n * k, 1 << 17, (u0, u1) -> {
            Scratch s = SCRATCH.get();
            for (int u = u0; u < u1; u++) {
                int q = u / halves;
                int g0 = groups * (u % halves) / halves;
                int g1 = groups * (u % halves + 1) / halves;
                panel(q, g0, g1, m, n, k, at, bp, c, cOff, ldc, rowBias, biasOff, ep, s);
            }
        });
        Buffers.recycle(bp);
    }

    /**
     * C (m x 1 at cOff, row stride ldc) = A B + rowBias, then ep on every row, for a B of one column (a convolution
     * over a 1 x 1 plane: the squeeze-and-excitation layers' two). Why: the tiled kernel computes 48 columns for
     * this one and {@link #multiply} 8; here each panel of 48 channels is one pass over its weights. Same chains as
     * {@link #multiply} (from the bias, fused multiply-adds in order of p), so the same bits; at from {@link #panels}.
     */
    static void column(int m, int k, float[] at, Sgemm.PanelSource b, float[] c, int cOff, int ldc, float[] rowBias,
                       int biasOff, Epilogue ep) {
        float[] x = Buffers.floats(k);
        Scratch own = SCRATCH.get();
        for (int p = 0; p < k; p++) {
            if (b instanceof Sgemm.DirectSource d) {
                x[p] = d.array()[d.rowOffset(p)];
            } else {
                b.row(p, 0, 1, own.row);
                x[p] = own.row[0];
            }
        }
        int panels = (m + W - 1) / W;
        Parallel.forRange(panels, (long) m * k, 1 << 17, (q0, q1) -> {
            Scratch s = SCRATCH.get();
            for (int q = q0; q < q1; q++) {
                int m0 = q * W;
                int rows = Math.min(W, m - m0);
                for (int l = 0; l < W; l++) {
                    s.bias[l] = rowBias == null || l >= rows ? 0f : rowBias[biasOff + m0 + l];
                }
                VectorChannelTile.column(at, q * k * W, k, x, s.out, s.bias);
                for (int l = 0; l < rows; l++) {
                    c[cOff + (m0 + l) * ldc] = s.out[l];
                }
                if (ep.isNone()) {
                    continue;
                }
                if (ldc == 1) {
                    ep.applyPlanes(c, cOff + m0, 1, biasOff + m0, rows);
                } else {
                    for (int l = 0; l < rows; l++) {
                        int row = cOff + (m0 + l) * ldc;
                        ep.apply(c, row, row + 1, biasOff + m0 + l);
                    }
                }
            }
        });
        Buffers.recycle(x);
    }

    /** B rows [p0, p1) into groups of G columns: bp[(g k + p) G + j] = B[p][g G + j], zero past n. */
    private static void pack(Sgemm.PanelSource b, int p0, int p1, int k, int n, int groups, float[] bp, float[] row) {
        float[] arr;
        for (int p = p0; p < p1; p++) {
            int ro;
            if (b instanceof Sgemm.DirectSource d) {
                arr = d.array();
                ro = d.rowOffset(p);
            } else {
                b.row(p, 0, n, row);
                arr = row;
                ro = 0;
            }
            for (int g = 0; g < groups; g++) {
                int dst = (g * k + p) * G;
                int j0 = g * G;
                int w = Math.min(G, n - j0);
                System.arraycopy(arr, ro + j0, bp, dst, w);
                for (int j = w; j < G; j++) {
                    bp[dst + j] = 0f;
                }
            }
        }
    }

    /** Column groups [g0, g1) of panel q: the sums over every chunk of A, then written to C and the epilogue run. */
    private static void panel(int q, int g0, int g1, int m, int n, int k, float[] at, float[] bp, float[] c, int cOff,
                              int ldc, float[] rowBias, int biasOff, Epilogue ep, Scratch s) {
        int m0 = q * W;
        int rows = Math.min(W, m - m0);
        float[] bias = s.bias;
        for (int l = 0; l < W; l++) {
            bias[l] = rowBias == null || l >= rows ? 0f : rowBias[biasOff + m0 + l];
        }
        float[] t = s.sums((g1 - g0) * G * W);
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            for (int g = g0; g < g1; g++) {
                VectorChannelTile.tile(at, (q * k + p0) * W, kc, bp, (g * k + p0) * G, t, (g - g0) * G * W, p0 > 0,
                        bias);
            }
        }
        int j0 = g0 * G;
        int j1 = Math.min(n, g1 * G);
        for (int l = 0; l < rows; l++) {
            int row = cOff + (m0 + l) * ldc;
            for (int j = j0; j < j1; j++) {
                c[row + j] = t[(j - j0) * W + l]; // column j of the group sums: (j - j0) / G groups of G W, then j % G
            }
        }
        if (ep.isNone()) {
            return;
        }
        if (j0 == 0 && j1 == ldc) { // whole rows, one after another: channel-independent stages in one call
            ep.applyPlanes(c, cOff + m0 * ldc, ldc, biasOff + m0, rows);
            return;
        }
        for (int l = 0; l < rows; l++) {
            int row = cOff + (m0 + l) * ldc;
            ep.apply(c, row + j0, row + j1, biasOff + m0 + l);
        }
    }
}
