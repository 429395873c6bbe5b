package qsh.core.tensor;

import java.util.concurrent.CompletableFuture;

/**
 * A fixed-bin histogram over [min, max] (used by the enhanced and percentile encoders and, later, streaming
 * calibration). Values outside the range land in the edge bins. Counts are doubles so that {@link #merge}
 * can redistribute mass fractionally; integer counts stay exact up to 2^53.
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

    /** A histogram with given bin masses over [min, max] (e.g. from a streaming calibration observer). */
    public static Histogram ofCounts(double min, double max, double[] counts) {
        Histogram h = new Histogram(min, max, counts.length);
        for (int i = 0; i < counts.length; i++) {
            if (!(counts[i] >= 0)) {
                throw new IllegalArgumentException("bin " + i + " has mass " + counts[i]);
            }
            h.counts[i] = counts[i];
        }
        return h;
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
     * This histogram and {@code other} merged over the union of their ranges with this histogram's bin count
     * (for streaming calibration whose range grows). Each source bin's mass is spread over the target bins it
     * overlaps in proportion to the overlap (mass assumed uniform within a bin).
     */
    public Histogram merge(Histogram other) {
        Histogram m = new Histogram(Math.min(min, other.min), Math.max(max, other.max), counts.length);
        m.spreadFrom(this);
        m.spreadFrom(other);
        return m;
    }

    private void spreadFrom(Histogram src) {
        for (int i = 0; i < src.counts.length; i++) {
            double mass = src.counts[i];
            if (mass == 0) {
                continue;
            }
            double a = src.edge(i);
            double b = src.edge(i + 1);
            if (b <= a || binWidth == 0) { // zero-width source bin: a point mass
                counts[binOf(a)] += mass;
                continue;
            }
            int first = binOf(a);
            int lastBin = binOf(b);
            for (int j = first; j <= lastBin; j++) {
                double overlap = Math.min(b, edge(j + 1)) - Math.max(a, edge(j));
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
