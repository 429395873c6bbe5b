package qsh.core.quant;

import java.util.concurrent.CompletableFuture;
import qsh.core.tensor.Histogram;

/**
 * The enhanced search's objective (algorithms.md "Enhanced", AIMET's TF-enhanced): for an encoding with range
 * [L, H] and step s, per value,
 * <pre>  cost = (γ·Σ_{x outside [L, H]} (x - clamp(x, L, H))² + Σ_{x inside} (x - x̂)²) / n,   γ = 3</pre>
 * where x̂ is x rounded to the encoding's grid. Clipping error counts γ times a rounding error of the same size.
 * {@link #exact} evaluates it on the values themselves; {@link OverHistogram} estimates it from bin counts.
 */
final class ClippingCost {
    /** Weight of clipping error against rounding error (AIMET's γ). */
    static final double GAMMA = 3.0;
    /** From this many values on, {@link #exactPair} splits the data over two threads (as the other kernels do). */
    static final int PARALLEL_THRESHOLD = 1 << 20;

    private ClippingCost() {}

    /**
     * The cost of {@code e} over {@code x[from, to)}, in double precision. x̂ = rint(clamp(x, L, H)/s)·s: the grid
     * qsh quantizes to (ties to even; the float32 kernels agree up to float rounding). L = -z·s and H = L + q·s, so
     * clamp(x)/s lies within rounding of [-z, q-z] and rint keeps it on the grid without a second clamp.
     */
    static double exact(float[] x, int from, int to, Encoding e) {
        return weightedSum(x, from, to, e) / (to - from);
    }

    /**
     * {cost of a, cost of b} over {@code x[from, to)}; from {@link #PARALLEL_THRESHOLD} values on, the two halves
     * of the data are scored on two threads (unless the caller already runs on a fork/join worker, where a nested
     * task would only queue behind it).
     */
    static double[] exactPair(float[] x, int from, int to, Encoding a, Encoding b) {
        int n = to - from;
        if (n >= PARALLEL_THRESHOLD && !(Thread.currentThread() instanceof java.util.concurrent.ForkJoinWorkerThread)) {
            int mid = from + n / 2;
            CompletableFuture<double[]> upper = CompletableFuture.supplyAsync(
                    () -> new double[] {weightedSum(x, mid, to, a), weightedSum(x, mid, to, b)});
            double sa = weightedSum(x, from, mid, a);
            double sb = weightedSum(x, from, mid, b);
            double[] u = upper.join();
            return new double[] {(sa + u[0]) / n, (sb + u[1]) / n};
        }
        return new double[] {exact(x, from, to, a), exact(x, from, to, b)};
    }

    /** γ·Σ clipping² + Σ rounding² over the slice (allocation-free; the clamps are branch-free selects). */
    private static double weightedSum(float[] x, int from, int to, Encoding e) {
        double lo = e.min();
        double hi = e.max();
        double s = e.scale();
        double inv = 1.0 / s;
        double clip = 0;
        double round = 0;
        for (int i = from; i < to; i++) {
            double v = x[i];
            double c = v < lo ? lo : (v > hi ? hi : v);
            double dc = v - c;
            double dr = c - Math.rint(c * inv) * s;
            clip += dc * dc;
            round += dr * dr;
        }
        return GAMMA * clip + round;
    }

    /**
     * The cost estimated from a histogram, in O(1) per encoding after one O(bins) pass. Each bin's mass is taken
     * as uniform over the bin clipped to the true range [trueMin, trueMax] (the edge bins of a streamed histogram
     * reach beyond the data). Whole bins outside [L, H] contribute their exact clipping error under that model
     * (Σc·((L - mean)² + width²/12) from running sums), the bin holding L or H the integral over its clipped
     * part, c·d³/(3·width); values inside contribute s²/12, the mean squared rounding error of values spread
     * over a step. Running sums go bottom-up for the lower side and top-down for the upper side, so a thin tail's
     * error is never the difference of two large sums.
     */
    static final class OverHistogram {
        private final double edge0;
        private final double width;
        private final int bins;
        private final double[] lo;
        private final double[] hi;
        private final double[] mass;
        /** below[j] = Σ_{i<j} of (mass, mass·mean, mass·E[x²]), interleaved by 3. */
        private final double[] below;
        /** above[j] = Σ_{i>j} of the same, interleaved by 3. */
        private final double[] above;
        private final double total;

        OverHistogram(Histogram h, double trueMin, double trueMax) {
            bins = h.bins();
            edge0 = h.min();
            width = h.binWidth();
            lo = new double[bins];
            hi = new double[bins];
            mass = new double[bins];
            below = new double[3 * (bins + 1)];
            above = new double[3 * (bins + 1)];
            for (int i = 0; i < bins; i++) {
                double a = Math.min(trueMax, Math.max(trueMin, h.edge(i)));
                double b = Math.min(trueMax, Math.max(trueMin, h.edge(i + 1)));
                lo[i] = a;
                hi[i] = b;
                mass[i] = h.count(i);
            }
            for (int i = 0; i < bins; i++) {
                int k = 3 * i;
                below[k + 3] = below[k] + mass[i];
                below[k + 4] = below[k + 1] + mass[i] * mean(i);
                below[k + 5] = below[k + 2] + mass[i] * meanSquare(i);
            }
            for (int i = bins - 1; i >= 0; i--) {
                int k = 3 * (i + 1);
                above[k - 3] = above[k] + mass[i];
                above[k - 2] = above[k + 1] + mass[i] * mean(i);
                above[k - 1] = above[k + 2] + mass[i] * meanSquare(i);
            }
            total = below[3 * bins];
        }

        private double mean(int i) {
            return 0.5 * (lo[i] + hi[i]);
        }

        private double meanSquare(int i) {
            double m = mean(i);
            double w = hi[i] - lo[i];
            return m * m + w * w / 12;
        }

        private int binOf(double v) {
            if (!(width > 0)) {
                return 0;
            }
            double t = Math.floor((v - edge0) / width);
            return (int) Math.max(0, Math.min(bins - 1, t));
        }

        /** The estimated cost of {@code e}. */
        double of(Encoding e) {
            if (!(total > 0)) {
                return 0;
            }
            double l = e.min();
            double h = e.max();
            // whole bins below the bin holding L: Σ c·E[(L - x)²] = L²·Σc - 2L·Σc·mean + Σc·E[x²]
            int jl = binOf(l);
            double massBelow = below[3 * jl];
            double clip = l * l * massBelow - 2 * l * below[3 * jl + 1] + below[3 * jl + 2];
            // the part of bin jl below L
            if (l > lo[jl] && mass[jl] > 0) {
                double a = lo[jl];
                double b = hi[jl];
                if (l >= b) {
                    double m = l - mean(jl);
                    clip += mass[jl] * (m * m + (b - a) * (b - a) / 12);
                    massBelow += mass[jl];
                } else {
                    double d = l - a;
                    clip += mass[jl] * d * d * d / (3 * (b - a));
                    massBelow += mass[jl] * d / (b - a);
                }
            }
            int jh = binOf(h);
            double massAbove = above[3 * jh];
            clip += h * h * massAbove - 2 * h * above[3 * jh + 1] + above[3 * jh + 2];
            if (h < hi[jh] && mass[jh] > 0) {
                double a = lo[jh];
                double b = hi[jh];
                if (h <= a) {
                    double m = mean(jh) - h;
                    clip += mass[jh] * (m * m + (b - a) * (b - a) / 12);
                    massAbove += mass[jh];
                } else {
                    double d = b - h;
                    clip += mass[jh] * d * d * d / (3 * (b - a));
                    massAbove += mass[jh] * d / (b - a);
                }
            }
            double inside = Math.max(0, total - massBelow - massAbove);
            double s = e.scale();
            return (GAMMA * Math.max(0, clip) + inside * s * s / 12) / total;
        }
    }
}
