package qsh.core.tensor;

import java.util.concurrent.CompletableFuture;

/**
 * A fixed-bin histogram over [min, max]: the one histogram of qsh. The enhanced and percentile encoders build it
 * over a tensor's true range; streaming calibration ({@code calib.HistogramObserver}) grows it batch by batch with
 * {@link #widenedToCover} and merges threads with {@link #merge}; both read percentiles with {@link #quantile}.
 * Values outside the range land in the edge bins. Counts are doubles so that {@link #merge} can redistribute mass
 * fractionally; integer counts stay exact up to 2^53.
 */
public final class Histogram {
    /** Below this many values a single thread fills the histogram; above it two halves run in parallel. */
    private static final int PARALLEL_THRESHOLD = 1 << 20;

    private final double min;
    private final double max;
    private final double[] counts;
    private final double binWidth;

    /** An empty histogram of {@code bins} equal bins over [min, max]; min == max puts everything in bin 0. */
    public Histogram(double min, double max, int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("a histogram needs at least one bin, got " + bins);
        }
        if (!Double.isFinite(min) || !Double.isFinite(max) || max < min) {
            throw new IllegalArgumentException("histogram range must be finite with min <= max: [" + min + ", " + max + "]");
        }
        this.min = min;
        this.max = max;
        this.counts = new double[bins];
        this.binWidth = (max - min) / bins;
    }

    /** A grid given by its edges and bin width, owning {@code counts} (no checks: callers build valid grids). */
    private Histogram(double min, double max, double binWidth, double[] counts) {
        this.min = min;
        this.max = max;
        this.binWidth = binWidth;
        this.counts = counts;
    }

    /** An empty grid from its lower edge and bin width: max = min + bins·width (widening keeps widths exact). */
    private static Histogram grid(double min, double binWidth, int bins) {
        return new Histogram(min, min + bins * binWidth, binWidth, new double[bins]);
    }

    /** A histogram of {@code data[from, to)} over [min, max] with {@code bins} bins. */
    public static Histogram of(float[] data, int from, int to, double min, double max, int bins) {
        Histogram h = new Histogram(min, max, bins);
        h.add(data, from, to);
        return h;
    }

    /**
     * A histogram of {@code data[from, to)} whose values the caller knows lie in [min, max] (e.g. min and max
     * came from a min/max scan of the same data, as in the encoders). Skips the per-value clamp, about twice as
     * fast as {@link #of}; a value clearly outside the range is refused, one within rounding of an edge lands in
     * the edge bin, NaN in bin 0.
     */
    public static Histogram ofInRange(float[] data, int from, int to, double min, double max, int bins) {
        Histogram h = new Histogram(min, max, bins);
        try {
            h.accumulate(data, from, to, true);
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("a value lies outside the histogram range [" + min + ", " + max
                    + "]: build the histogram with Histogram.of, which clamps", e);
        }
        return h;
    }

    /** Adds {@code data[from, to)}; out-of-range values go to the edge bins, NaN to bin 0. */
    public void add(float[] data, int from, int to) {
        accumulate(data, from, to, false);
    }

    private void accumulate(float[] data, int from, int to, boolean inRange) {
        if (from < 0 || to > data.length || from > to) {
            throw new IllegalArgumentException("histogram slice [" + from + ", " + to + ") is outside an array of " + data.length);
        }
        int n = to - from;
        long[] c;
        // inside a fork/join worker (a caller already running in parallel) stay on this thread: a nested
        // common-pool task would only queue behind the caller
        if (n >= PARALLEL_THRESHOLD && !(Thread.currentThread() instanceof java.util.concurrent.ForkJoinWorkerThread)) {
            int mid = from + n / 2;
            CompletableFuture<long[]> upper = CompletableFuture.supplyAsync(() -> countInto(data, mid, to, inRange));
            c = countInto(data, from, mid, inRange);
            long[] other;
            try {
                other = upper.join();
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof ArrayIndexOutOfBoundsException) {
                    throw (ArrayIndexOutOfBoundsException) e.getCause();
                }
                throw e;
            }
            for (int i = 0; i < c.length; i++) {
                c[i] += other[i];
            }
        } else {
            c = countInto(data, from, to, inRange);
        }
        int last = counts.length - 1;
        for (int i = 0; i < c.length; i++) {
            counts[Math.min(i, last)] += c[i]; // slots past the last bin hold values that rounded onto max
        }
    }

    /**
     * Counts one slice into a private array (no sharing between threads, no allocation per value).
     * bin = floor((v - min)·bins/(max - min)) in float32: a value within rounding of an inner edge may land one
     * bin off, below the half-bin error binning already has. The clamp uses comparisons, not Math.min/max,
     * whose NaN/-0.0 rules make scalar loops several times slower; in-range data skips it, and the two extra
     * slots catch max itself (t = bins, or bins + rounding).
     */
    private long[] countInto(float[] data, int from, int to, boolean inRange) {
        int bins = counts.length;
        long[] c = new long[bins + 2];
        float inv = binWidth > 0 ? (float) (1.0 / binWidth) : 0f;
        float lo = (float) min;
        if (!Float.isFinite(inv) || lo != min) {
            // a range too narrow (or an edge too fine) for float32 arithmetic: count in double, clamping
            double invD = 1.0 / binWidth;
            double lastD = bins - 1;
            for (int i = from; i < to; i++) {
                double t = (data[i] - min) * invD;
                t = t > 0 ? t : 0;
                t = t < lastD ? t : lastD;
                c[(int) t]++;
            }
        } else if (inRange) {
            for (int i = from; i < to; i++) {
                c[(int) ((data[i] - lo) * inv)]++; // (int) truncates toward 0: a value just below min → bin 0
            }
        } else {
            float last = bins - 1;
            for (int i = from; i < to; i++) {
                float t = (data[i] - lo) * inv;
                t = t > 0f ? t : 0f; // NaN → 0
                t = t < last ? t : last;
                c[(int) t]++;
            }
        }
        return c;
    }

    /**
     * This histogram widened until it covers [lo, hi], with the same bin count and every bin's mass kept exact: the
     * width grows to width·2^k and the lower edge moves down by a whole number m of old widths (the smallest k and
     * m that cover), so each new bin is exactly 2^k old bins and old bin i goes to new bin (i + m) / 2^k. No mass
     * crosses a bin edge, so the result equals binning all data on the wider grid directly (up to float rounding of
     * values on an edge): streaming calibration grows its histogram this way. Returns this when it already covers.
     */
    public Histogram widenedToCover(double lo, double hi) {
        if (!Double.isFinite(lo) || !Double.isFinite(hi) || hi < lo) {
            throw new IllegalArgumentException("histogram range must be finite with min <= max: [" + lo + ", " + hi + "]");
        }
        if (lo >= min && hi <= max) {
            return this;
        }
        int bins = counts.length;
        double width = binWidth > 0 ? binWidth : Math.max(Math.abs(min) * 1e-6, 1e-12) / bins;
        long m = lo < min ? (long) Math.ceil((min - lo) / width) : 0; // old bins prepended
        double newMin = min - m * width;
        int k = 0;
        while (newMin + bins * Math.scalb(width, k) < hi) {
            k++;
        }
        Histogram w = grid(newMin, Math.scalb(width, k), bins);
        for (int i = 0; i < bins; i++) {
            if (counts[i] != 0) {
                long j = (i + m) >> k;
                w.counts[(int) Math.min(j, bins - 1)] += counts[i];
            }
        }
        return w;
    }

    /**
     * This histogram and {@code other} merged, with this histogram's bin count: this grid is widened to cover
     * other's range ({@link #widenedToCover}, exact), then each of other's bins spreads its mass over the bins it
     * overlaps in proportion to the overlap (mass assumed uniform within a bin; the only approximate step).
     * Used to merge the calibration histograms of two threads.
     */
    public Histogram merge(Histogram other) {
        Histogram m = widenedToCover(Math.min(min, other.min), Math.max(max, other.max));
        m = m == this ? copy() : m;
        m.spreadFrom(other);
        return m;
    }

    /** An independent copy (same grid, same masses). */
    public Histogram copy() {
        return new Histogram(min, max, binWidth, counts.clone());
    }

    private void spreadFrom(Histogram src) {
        int last = counts.length - 1;
        for (int i = 0; i < src.counts.length; i++) {
            double mass = src.counts[i];
            if (mass == 0) {
                continue;
            }
            double a = src.edge(i);
            double b = src.edge(i + 1);
            int first = binOf(a);
            int end = binOf(b);
            if (b <= a || first == end) { // a point mass, or inside one target bin: all of it there, no rounding
                counts[first] += mass;
                continue;
            }
            for (int j = first; j <= end; j++) {
                // the outer edges are open: mass outside the range belongs to the edge bins, like values do
                double lower = j == 0 ? Double.NEGATIVE_INFINITY : edge(j);
                double upper = j == last ? Double.POSITIVE_INFINITY : edge(j + 1);
                double overlap = Math.min(b, upper) - Math.max(a, lower);
                if (overlap > 0) {
                    counts[j] += mass * overlap / (b - a);
                }
            }
        }
    }

    private int binOf(double v) {
        if (binWidth == 0) {
            return 0;
        }
        int b = (int) Math.floor((v - min) / binWidth);
        return Math.max(0, Math.min(counts.length - 1, b));
    }

    /** Lower bound of the range. */
    public double min() { return min; }

    /** Upper bound of the range. */
    public double max() { return max; }

    /** Number of bins. */
    public int bins() { return counts.length; }

    /** Width of one bin, (max - min)/bins. */
    public double binWidth() { return binWidth; }

    /** Mass in bin {@code i}. */
    public double count(int i) { return counts[i]; }

    /** Total mass. */
    public double total() {
        double t = 0;
        for (double c : counts) {
            t += c;
        }
        return t;
    }

    /** Left edge of bin {@code i}; {@code edge(bins())} is max. */
    public double edge(int i) {
        return i == counts.length ? max : min + i * binWidth;
    }

    /** Midpoint of bin {@code i}. */
    public double midpoint(int i) {
        return min + (i + 0.5) * binWidth;
    }

    /**
     * The value below which {@code fraction} of the mass lies, reading the CDF with linear interpolation inside
     * the bin that crosses it (mass assumed uniform within a bin). fraction 0 gives min, 1 gives max.
     */
    public double quantile(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("quantile fraction must be in [0, 1], got " + fraction);
        }
        double total = total();
        if (total == 0) {
            throw new IllegalArgumentException("quantile of an empty histogram");
        }
        double target = fraction * total;
        double cum = 0;
        for (int i = 0; i < counts.length; i++) {
            double next = cum + counts[i];
            if (next >= target && counts[i] > 0) {
                double within = (target - cum) / counts[i];
                return edge(i) + Math.max(0, Math.min(1, within)) * binWidth;
            }
            cum = next;
        }
        return max;
    }
}
