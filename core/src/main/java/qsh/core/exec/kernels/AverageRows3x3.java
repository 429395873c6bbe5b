package qsh.core.exec.kernels;

/**
 * A 3 x 3, stride 1, dilation 1 AveragePool plane (Inception's pooling branches) with the bits of the
 * window-at-a-time loop: per output, 0.0 + its valid taps row by row, left to right, in double, then one division by
 * the count, rounded to float ({@link PoolPlanes}). Why another kernel: there each tap was converted to double once
 * per window it is in (nine times) and each window's dependent additions ran scalar, the border windows through a
 * general loop: about 4 ns per output on two cores (light_inception_v2's AveragePools took 5 of its 45 ms). Here each
 * input row is converted once into a ring of three double rows, zero past the input's edges, that start at the first
 * window's first column, so one loop reads its three rows at t, t + 1 and t + 2 with no other offset and C2
 * vectorizes it (JDK 17 does not vectorize loops whose arrays are indexed from different variable offsets).
 *
 * <p>A padding tap adds +0.0, which changes nothing: the running sum starts at +0.0 and so is never -0.0 (in
 * round-to-nearest, x + y is -0.0 only when both are), and s + 0.0 is s for every other s, NaN and infinities
 * included. So every output is the window loop's sum of its valid taps, divided by its count: rows(oy) x cols(ox),
 * as the caller computes them (valid taps, or the padded extent with count_include_pad).
 */
final class AverageRows3x3 {
    /** Per-thread rows: the ring of converted input rows, a zero row, the counts of an output row, the sums. */
    private static final class Scratch {
        double[][] ring = new double[3][0];
        final int[] loaded = new int[3];
        double[] zero = new double[0];
        double[] counts = new double[0];
        double[] sums = new double[0];

        void size(int ow) {
            if (sums.length < ow) {
                for (int r = 0; r < 3; r++) {
                    ring[r] = new double[ow + 2];
                }
                zero = new double[ow + 2];
                counts = new double[ow];
                sums = new double[ow];
            }
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private AverageRows3x3() {
    }

    /**
     * The plane at x[xb] (h x w) into y[yb] (oh x ow): output (oy, ox) averages input rows oy - pt + r and columns
     * ox - pl + c (r, c &lt; 3) that lie inside, over rowCount[oy] x colCount[ox] (each at least 1).
     */
    static void plane(float[] x, int xb, int h, int w, int pt, int pl, float[] y, int yb, int oh, int ow,
                      int[] rowCount, int[] colCount) {
        Scratch s = SCRATCH.get();
        s.size(ow);
        java.util.Arrays.fill(s.loaded, Integer.MIN_VALUE);
        double[][] ring = s.ring;
        double[] counts = s.counts;
        double[] sums = s.sums;
        int lo = Math.min(Math.max(0, pl), ow + 2); // the row's first column inside the input, as a ring index (column j - pl)
        int hi = Math.min(ow + 2, w + pl);
        for (int oy = 0; oy < oh; oy++) {
            double[] r0 = row(x, xb, h, w, oy - pt, pl, lo, hi, s);
            double[] r1 = row(x, xb, h, w, oy - pt + 1, pl, lo, hi, s);
            double[] r2 = row(x, xb, h, w, oy - pt + 2, pl, lo, hi, s);
            double rc = rowCount[oy];
            for (int t = 0; t < ow; t++) {
                counts[t] = rc * colCount[t];
            }
            sum(r0, r1, r2, counts, sums, ow);
            int yr = yb + oy * ow;
            for (int t = 0; t < ow; t++) {
                y[yr + t] = (float) sums[t];
            }
        }
    }

    /** Input row iy as doubles from column -pl (zeros outside the input), converted once per plane. */
    private static double[] row(float[] x, int xb, int h, int w, int iy, int pl, int lo, int hi, Scratch s) {
        if (iy < 0 || iy >= h) {
            return s.zero;
        }
        int slot = iy % 3;
        double[] row = s.ring[slot];
        if (s.loaded[slot] != iy) {
            java.util.Arrays.fill(row, 0, lo, 0.0);
            int xr = xb + iy * w - pl;
            for (int j = lo; j < hi; j++) {
                row[j] = x[xr + j];
            }
            java.util.Arrays.fill(row, Math.max(lo, hi), row.length, 0.0);
            s.loaded[slot] = iy;
        }
        return row;
    }

    /** sums[t] = (0.0 + a[t] + a[t + 1] + a[t + 2] + b[t] + ... + c[t + 2]) / counts[t], left to right, t &lt; n. */
    private static void sum(double[] a, double[] b, double[] c, double[] counts, double[] sums, int n) {
        for (int t = 0; t < n; t++) {
            sums[t] = (0.0 + a[t] + a[t + 1] + a[t + 2] + b[t] + b[t + 1] + b[t + 2] + c[t] + c[t + 1] + c[t + 2])
                    / counts[t];
        }
    }
}
