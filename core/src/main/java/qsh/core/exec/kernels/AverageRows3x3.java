package qsh.core.exec.kernels;

/**
 * A 3 x 3, stride 1, dilation 1 AveragePool plane (Inception's pooling branches) with the bits of the
 * window-at-a-time loop: per output, 0.0 + its valid taps row by row, left to right, in double, then one division by
 * the count, rounded to float ({@link PoolPlanes}). The plane is converted once into a zero-padded plane of doubles
 * whose rows are two wider than the output's (and into its copies one and two rows on), so that every output of the
 * plane, two garbage columns per row included, is one pass reading the three arrays at t, t + 1 and t + 2
 * ({@link VectorAverage3x3}, the plain loop for the rest): on 14 x 14 and 7 x 7 planes a row-by-row pass was mostly its
 * scalar tail. One core, [256, 28, 28]: 2.3 ns per output by rows of a ring of three converted rows (C2 left their
 * loop scalar), 1.5 ns now; light_inception_v2's ten AveragePools 1.95 -> 1.2 ms a run on two cores.
 *
 * <p>A padding tap adds +0.0, which changes nothing: the running sum starts at +0.0 and so is never -0.0 (in
 * round-to-nearest, x + y is -0.0 only when both are), and s + 0.0 is s for every other s, NaN and infinities
 * included. So every output is the window loop's sum of its valid taps, divided by its count: rows(oy) x cols(ox),
 * as the caller computes them (valid taps, or the padded extent with count_include_pad).
 */
final class AverageRows3x3 {
    /** Per-thread planes: the converted input and its copies one and two rows on, the sums. */
    private static final class Scratch {
        double[] rows0 = new double[0];
        double[] rows1 = new double[0];
        double[] rows2 = new double[0];
        double[] sums = new double[0];

        void size(int oh, int ow) {
            int wp = ow + 2;
            int n = oh * wp;
            if (rows0.length < (oh + 2) * wp + 2) {
                rows0 = new double[(oh + 2) * wp + 2]; // the last two: read only for the last garbage column
            }
            if (sums.length < n) {
                rows1 = new double[n + 2];
                rows2 = new double[n + 2];
                sums = new double[n];
            }
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private AverageRows3x3() {
    }

    /**
     * The counts of {@link #plane}'s sums, made once per call: output (oy, ox) at oy (ow + 2) + ox, rowCount[oy] x
     * colCount[ox] (each at least 1), and 1 at the two garbage columns of each row.
     */
    static double[] counts(int[] rowCount, int[] colCount) {
        int oh = rowCount.length;
        int ow = colCount.length;
        int wp = ow + 2;
        double[] counts = new double[oh * wp];
        for (int oy = 0; oy < oh; oy++) {
            double rc = rowCount[oy];
            for (int t = 0; t < wp; t++) {
                counts[oy * wp + t] = t < ow ? rc * colCount[t] : 1.0;
            }
        }
        return counts;
    }

    /**
     * The plane at x[xb] (h x w) into y[yb] (oh x ow): output (oy, ox) averages input rows oy - pt + r and columns
     * ox - pl + c (r, c &lt; 3) that lie inside, over its count in {@link #counts}.
     */
    static void plane(float[] x, int xb, int h, int w, int pt, int pl, float[] y, int yb, int oh, int ow,
                      double[] counts) {
        Scratch s = SCRATCH.get();
        s.size(oh, ow);
        int wp = ow + 2; // a padded row: input columns -pl .. ow + 1 - pl
        int n = oh * wp; // the sums, two garbage columns per output row
        double[] r0 = s.rows0;
        int lo = Math.min(Math.max(0, pl), wp); // the row's first column inside the input (column j - pl)
        int hi = Math.min(wp, w + pl);
        for (int i = 0; i < oh + 2; i++) {
            int iy = i - pt;
            int d = i * wp;
            if (iy < 0 || iy >= h) {
                java.util.Arrays.fill(r0, d, d + wp, 0.0);
                continue;
            }
            java.util.Arrays.fill(r0, d, d + lo, 0.0);
            int xr = xb + iy * w - pl;
            for (int j = lo; j < hi; j++) {
                r0[d + j] = x[xr + j];
            }
            java.util.Arrays.fill(r0, d + Math.max(lo, hi), d + wp, 0.0);
        }
        // the window's second and third rows as arrays of their own, so the sum loop reads all three at t, t + 1 and
        // t + 2 (JDK 17 vectorizes that, not reads at t + wp)
        System.arraycopy(r0, wp, s.rows1, 0, n + 2);
        System.arraycopy(r0, 2 * wp, s.rows2, 0, n + 2);
        sum(r0, s.rows1, s.rows2, counts, s.sums, n);
        double[] sums = s.sums;
        for (int oy = 0; oy < oh; oy++) {
            int yr = yb + oy * ow;
            int sr = oy * wp;
            for (int t = 0; t < ow; t++) {
                y[yr + t] = (float) sums[sr + t];
            }
        }
    }

    /** sums[t] = (0.0 + a[t] + a[t + 1] + a[t + 2] + b[t] + ... + c[t + 2]) / counts[t], left to right, t &lt; n. */
    private static void sum(double[] a, double[] b, double[] c, double[] counts, double[] sums, int n) {
        for (int t = RowKernels.vector() ? VectorAverage3x3.sum(a, b, c, counts, sums, n) : 0; t < n; t++) {
            sums[t] = (0.0 + a[t] + a[t + 1] + a[t + 2] + b[t] + b[t + 1] + b[t + 2] + c[t] + c[t + 1] + c[t + 2])
                    / counts[t];
        }
    }
}
