package qsh.core.exec.kernels;

import java.util.Arrays;

/**
 * 2-D MaxPool and AveragePool over NCHW planes (1-D as planes of one row), planes split between the cores.
 *
 * <p>MaxPool is separable: the largest of a window is the largest over its rows of each column's largest, and
 * {@code Math.max} is exact, so any order gives the bits of the window-at-a-time loop (NaN wins either way;
 * +0 beats -0 either way). Per output row, the window's valid input rows are reduced column by column into a
 * scratch row padded with -infinity (a padded position never wins, as ONNX says), then each output is the
 * largest of its taps in that row; with stride s the row is reduced at every position and every s-th is kept.
 * Both passes run along rows, so they vectorize ({@link RowKernels}) and need no per-tap bounds checks. A pooling
 * whose output keeps the input's size (stride 1, pads adding up to the kernel less one) runs each plane as one long
 * row instead ({@link #maxSame}).
 *
 * <p>AveragePool keeps the summation order of the window-at-a-time loop (taps row by row, left to right, in
 * double from 0, then one division by the count), so results are the same bits. The windows of an output row
 * that lie inside the input are one row kernel without bounds checks and with a constant count
 * ({@link RowKernels#windowAverage}); the borders go through the general loop. A 3 x 3 pooling at stride 1 runs
 * whole planes by rows converted once to double ({@link AverageRows3x3}).
 */
final class PoolPlanes {
    /** The shape of one 2-D pooling: input h x w, kernel, strides, dilations, pads (top, left, bottom, right), output. */
    record Geometry(int h, int w, int kh, int kw, int sh, int sw, int dh, int dw, int pt, int pl, int pb, int pr,
                    int oh, int ow) {
    }

    /** Per-thread scratch: the column-reduced row, the window-reduced row (strided outputs), row offsets, a plane. */
    private static final class Scratch {
        float[] v = new float[0];
        float[] hm = new float[0];
        int[] offs = new int[0];
        float[] padded = new float[0];
    }

    /** The most padded-plane floats {@link #maxPlanes} takes (256 KB: it and its two passes stay in L2). */
    static final int MAX_FLAT_PLANE = 1 << 16;
    private static volatile boolean flat = true;

    /** Turns {@link #maxPlanes} on (the default) or off, for one-JVM A/B benchmarks and tests (same bits). */
    static void flatPlanes(boolean on) {
        flat = on;
    }

    /**
     * The narrowest rows {@link #maxSame} takes: on 7 x 7 and 6 x 6 planes its scalar border columns (a third of the
     * outputs) cost more than the padded plane's copy; from 13 x 13 up it was 17-38 % faster than the other paths
     * (3 x 3 at stride 1, one thread, alternated in one JVM).
     */
    static final int MIN_SAME_WIDTH = 8;
    private static volatile boolean same = true;

    /** Turns {@link #maxSame} on (the default) or off, for one-JVM A/B benchmarks and tests (same bits). */
    static void samePlanes(boolean on) {
        same = on;
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private PoolPlanes() {
    }

    /** MaxPool of planes [p0, p1) of x into y. */
    static void max(float[] x, float[] y, int p0, int p1, Geometry g) {
        if (same && keepsSize(g) && g.w >= MIN_SAME_WIDTH && (long) g.h * g.w <= MAX_FLAT_PLANE) {
            maxSame(x, y, p0, p1, g);
            return;
        }
        long hp = (long) (g.oh - 1) * g.sh + (long) (g.kh - 1) * g.dh + 1;
        long wp = (long) (g.ow - 1) * g.sw + (long) (g.kw - 1) * g.dw + 1;
        if (flat && g.ow < 32 && hp * wp <= MAX_FLAT_PLANE) {
            maxPlanes(x, y, p0, p1, g, (int) hp, (int) wp);
            return;
        }
        int h = g.h;
        int w = g.w;
        int ow = g.ow;
        // every output position's taps, ox sw + t dw for t < kw, index the scratch row v, where input column c
        // sits at pl + c; hm holds the window maximum at every position up to the last output's
        int span = (ow - 1) * g.sw + 1;
        int vlen = span + (g.kw - 1) * g.dw;
        int cols = Math.max(0, Math.min(w, vlen - g.pl)); // input columns some window reaches
        Scratch s = SCRATCH.get();
        if (s.v.length < vlen) {
            s.v = new float[vlen];
        }
        if (g.sw > 1 && s.hm.length < span) {
            s.hm = new float[span];
        }
        if (s.offs.length < g.kh) {
            s.offs = new int[g.kh];
        }
        float[] v = s.v;
        float[] hm = s.hm;
        int[] offs = s.offs;
        // padding (and columns past the input in ceil mode) stays -infinity; only [pl, pl + cols) is rewritten
        Arrays.fill(v, 0, vlen, Float.NEGATIVE_INFINITY);
        for (int plane = p0; plane < p1; plane++) {
            int xb = plane * h * w;
            int yb = plane * g.oh * ow;
            for (int oy = 0; oy < g.oh; oy++) {
                int y0 = oy * g.sh - g.pt;
                int kyLo = Pool.tapsBefore(-y0, g.dh, g.kh);
                int kyHi = Pool.tapsBefore(h - y0, g.dh, g.kh);
                if (kyHi <= kyLo) { // no input row in the window: every output is -infinity
                    Arrays.fill(v, g.pl, g.pl + cols, Float.NEGATIVE_INFINITY);
                } else {
                    for (int r = 0; r < kyHi - kyLo; r++) {
                        offs[r] = xb + (y0 + (kyLo + r) * g.dh) * w;
                    }
                    RowKernels.columnMax(x, offs, kyHi - kyLo, v, g.pl, cols);
                }
                int yr = yb + oy * ow;
                if (g.sw == 1) {
                    RowKernels.windowMax(v, ow, g.kw, g.dw, y, yr);
                } else {
                    RowKernels.windowMax(v, span, g.kw, g.dw, hm, 0);
                    pick(hm, 0, g.sw, y, yr, ow);
                }
            }
        }
    }

    /**
     * MaxPool of planes [p0, p1) with output rows shorter than two vectors (Inception's 14 x 14 and 7 x 7 pools, whose
     * rows left the row kernels mostly to their plain tails: 4-7 ns per output on two cores), a whole plane per pass:
     * the plane copied into an hp x wp plane of -infinity padding, then the largest over the window's rows at every
     * position of the plane's window-start rows ({@link RowKernels#columnMax} over one long row), then over the
     * window's columns ({@link RowKernels#windowMax}), then the outputs picked at their strides. Math.max is exact, so
     * the bits are the row-by-row kernel's.
     */
    private static void maxPlanes(float[] x, float[] y, int p0, int p1, Geometry g, int hp, int wp) {
        int hv = (g.oh - 1) * g.sh + 1; // rows where a window starts
        int nv = hv * wp;
        int nh = nv - (g.kw - 1) * g.dw;
        Scratch s = SCRATCH.get();
        if (s.padded.length < hp * wp) {
            s.padded = new float[hp * wp];
        }
        if (s.v.length < nv) {
            s.v = new float[nv];
        }
        if (s.hm.length < nh) {
            s.hm = new float[nh];
        }
        if (s.offs.length < g.kh) {
            s.offs = new int[g.kh];
        }
        float[] padded = s.padded;
        // the padding stays -infinity for every plane; only the input's rows are rewritten
        Arrays.fill(padded, 0, hp * wp, Float.NEGATIVE_INFINITY);
        int r0 = Math.min(hp, Math.max(0, g.pt));
        int r1 = Math.max(r0, Math.min(hp, g.h + g.pt));
        int c0 = Math.min(wp, Math.max(0, g.pl));
        int c1 = Math.max(c0, Math.min(wp, g.w + g.pl));
        for (int r = 0; r < g.kh; r++) {
            s.offs[r] = r * g.dh * wp;
        }
        for (int plane = p0; plane < p1; plane++) {
            int xb = plane * g.h * g.w;
            for (int r = r0; r < r1; r++) {
                System.arraycopy(x, xb + (r - g.pt) * g.w + c0 - g.pl, padded, r * wp + c0, c1 - c0);
            }
            RowKernels.columnMax(padded, s.offs, g.kh, s.v, 0, nv);
            RowKernels.windowMax(s.v, nh, g.kw, g.dw, s.hm, 0);
            int yb = plane * g.oh * g.ow;
            for (int oy = 0; oy < g.oh; oy++) {
                int src = oy * g.sh * wp;
                pick(s.hm, src, g.sw, y, yb + oy * g.ow, g.ow);
            }
        }
    }

    /** Stride 1, no dilation, pads adding up to the kernel less one on each axis: the output plane is the input's size. */
    private static boolean keepsSize(Geometry g) {
        return g.sh == 1 && g.sw == 1 && g.dh == 1 && g.dw == 1 && g.pt >= 0 && g.pb >= 0 && g.pl >= 0 && g.pr >= 0
                && g.pt + g.pb == g.kh - 1 && g.pl + g.pr == g.kw - 1 && g.oh == g.h && g.ow == g.w;
    }

    /**
     * MaxPool of planes [p0, p1) whose output keeps the input's size (Inception's 3 x 3 pools at stride 1 with one
     * pixel of padding, on 28 x 28 to 7 x 7 planes: the row path spent most of such a plane's time in per-row calls
     * and scalar tails), over each plane as one long row, with no padded copy: the largest over the window's rows
     * (one {@link RowKernels#columnMax} over every row whose window's rows all lie in the plane, one per border row
     * over its valid rows), then over the window's columns ({@link RowKernels#windowMax} straight into the output,
     * across row ends), then the first pl and last pr columns of each row, whose windows crossed a row's end,
     * again over their valid columns only. Every output is Math.max over exactly its valid taps, so the bits are the
     * window loop's (Math.max is exact; NaN wins and +0 beats -0 in any order).
     */
    private static void maxSame(float[] x, float[] y, int p0, int p1, Geometry g) {
        int h = g.h;
        int w = g.w;
        int hw = h * w;
        int kh = g.kh;
        int kw = g.kw;
        Scratch s = SCRATCH.get();
        if (s.v.length < hw) {
            s.v = new float[hw];
        }
        if (s.offs.length < kh) {
            s.offs = new int[kh];
        }
        float[] c = s.v;
        int[] offs = s.offs;
        int r0 = Math.min(h, g.pt); // rows [r0, r1) have all their window's rows inside the plane
        int r1 = Math.max(r0, h - g.pb);
        int fixLeft = Math.min(w, g.pl); // columns [0, fixLeft) and [fixRight, w) have taps past their row's ends
        int fixRight = Math.max(fixLeft, w - g.pr);
        for (int plane = p0; plane < p1; plane++) {
            int xb = plane * hw;
            if (r1 > r0) {
                for (int t = 0; t < kh; t++) {
                    offs[t] = xb + (r0 - g.pt + t) * w;
                }
                RowKernels.columnMax(x, offs, kh, c, r0 * w, (r1 - r0) * w);
            }
            sameBorderRows(x, xb, c, offs, 0, r0, g);
            sameBorderRows(x, xb, c, offs, r1, h, g);
            int n = hw - (kw - 1);
            if (n > 0) {
                RowKernels.windowMax(c, n, kw, 1, y, xb + g.pl);
            }
            for (int r = 0; r < h; r++) {
                sameBorderColumns(c, y, xb, r * w, 0, fixLeft, g);
                sameBorderColumns(c, y, xb, r * w, fixRight, w, g);
            }
        }
    }

    /** c's rows [from, to) of the plane at xb: the largest over each one's valid window rows. */
    private static void sameBorderRows(float[] x, int xb, float[] c, int[] offs, int from, int to, Geometry g) {
        for (int r = from; r < to; r++) {
            int lo = Math.max(0, r - g.pt);
            int hi = Math.min(g.h, r - g.pt + g.kh);
            for (int t = 0; t < hi - lo; t++) {
                offs[t] = xb + (lo + t) * g.w;
            }
            RowKernels.columnMax(x, offs, hi - lo, c, r * g.w, g.w);
        }
    }

    /** Output columns [from, to) of the row starting at cr (in c and in the plane at yb): over their valid taps. */
    private static void sameBorderColumns(float[] c, float[] y, int yb, int cr, int from, int to, Geometry g) {
        for (int col = from; col < to; col++) {
            int lo = cr + Math.max(0, col - g.pl); // a window holds its own column: at least one valid tap
            int hi = cr + Math.min(g.w, col - g.pl + g.kw);
            float m = c[lo];
            for (int cc = lo + 1; cc < hi; cc++) {
                m = Math.max(m, c[cc]);
            }
            y[yb + cr + col] = m;
        }
    }

    /** y[yr + ox] = hm[src + ox sw] for ox &lt; ow: stride 2 by vectors ({@link RowKernels#evens}). */
    private static void pick(float[] hm, int src, int sw, float[] y, int yr, int ow) {
        if (sw == 2) {
            RowKernels.evens(hm, src, y, yr, ow);
            return;
        }
        for (int ox = 0; ox < ow; ox++) {
            y[yr + ox] = hm[src + ox * sw];
        }
    }

    /** AveragePool of planes [p0, p1) of x into y; countIncludePad as ONNX's count_include_pad. */
    static void average(float[] x, float[] y, int p0, int p1, Geometry g, boolean countIncludePad) {
        int h = g.h;
        int w = g.w;
        int kh = g.kh;
        int kw = g.kw;
        // outputs whose window lies inside the input: [oyLo, oyHi) x [oxLo, oxHi)
        int oyLo = Math.min(g.oh, ceilDiv(g.pt, g.sh));
        int oyHi = Math.max(oyLo, Math.min(g.oh, floorDiv(h - ((kh - 1) * g.dh + 1) + g.pt, g.sh) + 1));
        int oxLo = Math.min(g.ow, ceilDiv(g.pl, g.sw));
        int oxHi = Math.max(oxLo, Math.min(g.ow, floorDiv(w - ((kw - 1) * g.dw + 1) + g.pl, g.sw) + 1));
        Scratch s = SCRATCH.get();
        if (s.offs.length < kh) {
            s.offs = new int[kh];
        }
        int[] offs = s.offs;
        // the count of an inside window: its taps, or with padding counted its (dilated) extent, as in border()
        double inside = countIncludePad ? (double) ((kh - 1) * g.dh + 1) * ((kw - 1) * g.dw + 1) : (double) kh * kw;
        int[][] counts = kh == 3 && kw == 3 && g.sh == 1 && g.sw == 1 && g.dh == 1 && g.dw == 1
                ? counts3x3(g, countIncludePad) : null;
        double[] planeCounts = counts == null ? null : AverageRows3x3.counts(counts[0], counts[1]);
        for (int plane = p0; plane < p1; plane++) {
            int xb = plane * h * w;
            int yb = plane * g.oh * g.ow;
            if (planeCounts != null) { // 3 x 3 at stride 1: by converted rows, borders included (AverageRows3x3)
                AverageRows3x3.plane(x, xb, h, w, g.pt, g.pl, y, yb, g.oh, g.ow, planeCounts);
                continue;
            }
            for (int oy = 0; oy < g.oh; oy++) {
                int yr = yb + oy * g.ow;
                if (oy < oyLo || oy >= oyHi) {
                    border(x, xb, y, yr, oy, 0, g.ow, g, countIncludePad);
                    continue;
                }
                border(x, xb, y, yr, oy, 0, oxLo, g, countIncludePad);
                if (oxHi > oxLo && g.dw == 1) {
                    int y0 = oy * g.sh - g.pt;
                    for (int r = 0; r < kh; r++) {
                        offs[r] = xb + (y0 + r * g.dh) * w;
                    }
                    RowKernels.windowAverage(x, offs, kh, kw, oxLo * g.sw - g.pl, g.sw, oxHi - oxLo, inside, y,
                            yr + oxLo);
                } else {
                    border(x, xb, y, yr, oy, oxLo, oxHi, g, countIncludePad);
                }
                border(x, xb, y, yr, oy, oxHi, g.ow, g, countIncludePad);
            }
        }
    }

    /**
     * A 3 x 3, stride 1, dilation 1 pooling's counts, as {@link #border} computes them, per output row and per output
     * column (a window's count is their product); null when some window has none (it gives 0, which the row kernel
     * does not).
     */
    private static int[][] counts3x3(Geometry g, boolean countIncludePad) {
        int[] rows = new int[g.oh];
        int[] cols = new int[g.ow];
        for (int oy = 0; oy < g.oh; oy++) {
            rows[oy] = taps3(oy - g.pt, g.h, g.pt, g.pb, countIncludePad);
            if (rows[oy] <= 0) {
                return null;
            }
        }
        for (int ox = 0; ox < g.ow; ox++) {
            cols[ox] = taps3(ox - g.pl, g.w, g.pl, g.pr, countIncludePad);
            if (cols[ox] <= 0) {
                return null;
            }
        }
        return new int[][] {rows, cols};
    }

    /**
     * Along one axis, a 3-tap window starting at {@code start} over an input of {@code size}: its taps inside the
     * input, or with padding counted its extent clipped to [-padBegin, size + padEnd), as {@link #border} counts.
     */
    private static int taps3(int start, int size, int padBegin, int padEnd, boolean countIncludePad) {
        return countIncludePad ? Math.min(start + 3, size + padEnd) - Math.max(start, -padBegin)
                : Math.max(0, Pool.tapsBefore(size - start, 1, 3) - Pool.tapsBefore(-start, 1, 3));
    }

    /** Outputs [ox0, ox1) of output row oy, windows clipped to the input, count as ONNX says. */
    private static void border(float[] x, int xb, float[] y, int yr, int oy, int ox0, int ox1, Geometry g,
                               boolean countIncludePad) {
        int h = g.h;
        int w = g.w;
        int y0 = oy * g.sh - g.pt;
        int kyLo = Pool.tapsBefore(-y0, g.dh, g.kh);
        int kyHi = Pool.tapsBefore(h - y0, g.dh, g.kh);
        for (int ox = ox0; ox < ox1; ox++) {
            int x0 = ox * g.sw - g.pl;
            int lo = Pool.tapsBefore(-x0, g.dw, g.kw);
            int hi = Pool.tapsBefore(w - x0, g.dw, g.kw);
            double sum = 0;
            for (int ky = kyLo; ky < kyHi; ky++) {
                int row = xb + (y0 + ky * g.dh) * w + x0;
                for (int kx = lo; kx < hi; kx++) {
                    sum += x[row + kx * g.dw];
                }
            }
            int count = Math.max(0, kyHi - kyLo) * Math.max(0, hi - lo);
            if (countIncludePad) {
                // window clipped to the padded extent [-pad_begin, in + pad_end) (not the ceil_mode overhang)
                int hy = Math.min(y0 + (g.kh - 1) * g.dh + 1, h + g.pb) - Math.max(y0, -g.pt);
                int hx = Math.min(x0 + (g.kw - 1) * g.dw + 1, w + g.pr) - Math.max(x0, -g.pl);
                count = hy * hx;
            }
            y[yr + ox] = count == 0 ? 0f : (float) (sum / count);
        }
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    private static int floorDiv(int a, int b) {
        return Math.floorDiv(a, b);
    }
}
