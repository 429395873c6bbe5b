package qsh.core.calib;

import qsh.core.tensor.Tensor;

/**
 * A streaming histogram of one tensor across calibration batches, for the enhanced and percentile encoders
 * (algorithms.md "Enhanced", "Percentile"). Memory is {@code bins} doubles whatever the number of batches.
 *
 * <p><b>Re-binning.</b> The first batch sets the grid: lower edge = its min, width = (max - min)/bins. When a later
 * batch falls outside, the grid grows to width·2^k with the lower edge moved down by a whole number m of old
 * widths, the smallest k and m that cover the union. Each new bin is then exactly 2^k old bins (old bin i goes
 * to new bin (i + m) / 2^k), so widening moves no mass across a bin edge: the result equals binning all data on
 * the final grid directly (up to float rounding of values on an edge). {@link #merge} of two different grids
 * splits a bin's mass in proportion to its overlap (the only approximate step). Not thread-safe.
 */
public final class HistogramObserver {
    private final String tensor;
    private final RangeObserver range;
    private double[] counts;
    private double[] scratch;
    private double lowerEdge;
    private double binWidth;

    /** An empty histogram of {@code bins} bins for {@code tensor} (the name is used in error messages). */
    public HistogramObserver(String tensor, int bins) {
        if (bins < 2 || bins > (1 << 20)) {
            throw new IllegalArgumentException("bins must be in [2, 1048576], got " + bins);
        }
        this.tensor = tensor;
        this.range = new RangeObserver(tensor);
        this.counts = new double[bins];
        this.scratch = new double[bins];
    }

    /** Folds one batch in; NaN/Inf is an error naming the tensor and the index. */
    public void observe(Tensor batch) {
        observe(batch.data(), 0, batch.size());
    }

    /** Folds {@code data[from, to)} in (allocation-free except when the grid first forms). */
    public void observe(float[] data, int from, int to) {
        if (to <= from) {
            return;
        }
        float[] mm = RangeObserver.minMax(tensor, range.batches(), data, from, to);
        if (range.isEmpty()) {
            startGrid(mm[0], mm[1]);
        } else {
            cover(mm[0], mm[1]);
        }
        range.add(mm[0], mm[1], to - from); // the exact true range and counts
        int bins = counts.length;
        double inv = 1.0 / binWidth;
        double lo = lowerEdge;
        for (int i = from; i < to; i++) {
            int b = (int) ((data[i] - lo) * inv);
            counts[b < 0 ? 0 : (b >= bins ? bins - 1 : b)] += 1;
        }
    }

    private void startGrid(double min, double max) {
        double span = max - min;
        if (!(span > 0)) { // constant data: a tiny grid around the value, widened later if needed
            span = Math.max(Math.abs(min) * 1e-6, 1e-12);
        }
        lowerEdge = min;
        binWidth = span / counts.length;
    }

    /** Widens the grid (exact re-binning, see the class comment) until it covers [min, max]. */
    private void cover(double min, double max) {
        int bins = counts.length;
        double lo = Math.min(lowerEdge, min);
        double hi = Math.max(upperEdge(), max);
        if (lo >= lowerEdge && hi <= upperEdge()) {
            return;
        }
        long m = (long) Math.ceil((lowerEdge - lo) / binWidth); // old bins prepended
        int k = 0;
        while (lowerEdge - m * binWidth + bins * Math.scalb(binWidth, k) < hi) {
            k++;
        }
        java.util.Arrays.fill(scratch, 0);
        for (int i = 0; i < bins; i++) {
            if (counts[i] != 0) {
                long j = (i + m) >> k;
                scratch[(int) Math.min(j, bins - 1)] += counts[i];
            }
        }
        double[] t = counts;
        counts = scratch;
        scratch = t;
        lowerEdge -= m * binWidth;
        binWidth = Math.scalb(binWidth, k);
    }

    /**
     * Adds {@code other}'s histogram: this grid widens to cover it, then each of its bins' mass is spread over
     * this grid's bins in proportion to overlap.
     */
    public void merge(HistogramObserver other) {
        if (other.range.isEmpty()) {
            return;
        }
        if (range.isEmpty()) {
            startGrid(other.lowerEdge, other.upperEdge());
        } else {
            cover(other.lowerEdge, other.upperEdge());
        }
        int bins = counts.length;
        for (int i = 0; i < other.counts.length; i++) {
            double mass = other.counts[i];
            if (mass == 0) {
                continue;
            }
            double a = other.lowerEdge + i * other.binWidth;
            double b = a + other.binWidth;
            int first = Math.max(0, Math.min(bins - 1, (int) Math.floor((a - lowerEdge) / binWidth)));
            int last = Math.max(0, Math.min(bins - 1, (int) Math.floor((b - lowerEdge) / binWidth)));
            for (int j = first; j <= last; j++) {
                double lo = Math.max(a, lowerEdge + j * binWidth);
                double hi = Math.min(b, lowerEdge + (j + 1) * binWidth);
                double share = first == last ? 1.0 : Math.max(0, hi - lo) / other.binWidth;
                counts[j] += mass * share;
            }
        }
        range.merge(other.range);
    }

    /** The tensor name. */
    public String tensor() {
        return tensor;
    }

    /** True before any value was observed. */
    public boolean isEmpty() {
        return range.isEmpty();
    }

    /** Number of bins (fixed). */
    public int bins() {
        return counts.length;
    }

    /** Left edge of bin 0. */
    public double lowerEdge() {
        return lowerEdge;
    }

    /** Right edge of the last bin. */
    public double upperEdge() {
        return lowerEdge + counts.length * binWidth;
    }

    /** Width of every bin. */
    public double binWidth() {
        return binWidth;
    }

    /** Mass of bin {@code i}. */
    public double count(int i) {
        return counts[i];
    }

    /** A copy of all bin masses. */
    public double[] counts() {
        return counts.clone();
    }

    /** Centre of bin {@code i}. */
    public double binCenter(int i) {
        return lowerEdge + (i + 0.5) * binWidth;
    }

    /** The exact true range and value count seen so far. */
    public RangeObserver range() {
        return range;
    }

    /**
     * The value below which {@code fraction} of the mass lies (linear within a bin), clamped to the true range;
     * used by the percentile encoder (e.g. fraction 0.9999 for the 99.99th percentile).
     */
    public double quantile(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("quantile fraction must be in [0, 1], got " + fraction);
        }
        if (isEmpty()) {
            throw new IllegalStateException("tensor '" + tensor + "' has no calibration data yet: run calibration first");
        }
        double total = 0;
        for (double c : counts) {
            total += c;
        }
        double target = fraction * total;
        double acc = 0;
        double value = upperEdge();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0 && acc + counts[i] >= target) {
                value = lowerEdge + (i + (target - acc) / counts[i]) * binWidth;
                break;
            }
            acc += counts[i];
        }
        return Math.max(range.min(), Math.min(range.max(), value));
    }
}
