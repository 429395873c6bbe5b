package qsh.core.calib;

import qsh.core.tensor.Histogram;
import qsh.core.tensor.Tensor;

/**
 * A streaming histogram of one tensor across calibration batches, for the enhanced and percentile encoders
 * (algorithms.md "Enhanced", "Percentile"). Memory is {@code bins} doubles whatever the number of batches.
 * The bins, their growth, merging and quantiles are {@link Histogram}'s (the same code the encoders use on one
 * tensor, so calibrating one batch gives the encoders' histogram bin for bin); this class adds the grid's start
 * from the first batch and the exact true range.
 *
 * <p><b>Re-binning.</b> The first batch sets the grid: lower edge = its min, width = (max - min)/bins. When a later
 * batch falls outside, the grid grows by {@link Histogram#widenedToCover} (whole old bins per new bin, so no mass
 * crosses a bin edge). {@link #merge} of two different grids splits a bin's mass in proportion to its overlap
 * ({@link Histogram#merge}, the only approximate step). Not thread-safe.
 */
public final class HistogramObserver {
    private final String tensor;
    private final RangeObserver range;
    private final int bins;
    private Histogram histogram; // null until the first value

    /** An empty histogram of {@code bins} bins for {@code tensor} (the name is used in error messages). */
    public HistogramObserver(String tensor, int bins) {
        if (bins < 2 || bins > (1 << 20)) {
            throw new IllegalArgumentException("bins must be in [2, 1048576], got " + bins);
        }
        this.tensor = tensor;
        this.range = new RangeObserver(tensor);
        this.bins = bins;
    }

    /** Folds one batch in; NaN/Inf is an error naming the tensor and the index. */
    public void observe(Tensor batch) {
        observe(batch.data(), 0, batch.size());
    }

    /** Folds {@code data[from, to)} in (allocation-free except when the grid forms or grows). */
    public void observe(float[] data, int from, int to) {
        if (to <= from) {
            return;
        }
        float[] mm = RangeObserver.minMax(tensor, range.batches(), data, from, to);
        cover(mm[0], mm[1]);
        range.add(mm[0], mm[1], to - from); // the exact true range and counts
        histogram.add(data, from, to);
    }

    /** Starts the grid on [min, max], or widens it (exactly) until it covers [min, max]. */
    private void cover(double min, double max) {
        if (histogram == null) {
            double span = max - min;
            if (!(span > 0)) { // constant data: a tiny grid around the value, widened later if needed
                span = Math.max(Math.abs(min) * 1e-6, 1e-12);
            }
            histogram = new Histogram(min, min + span, bins);
        } else {
            histogram = histogram.widenedToCover(min, max);
        }
    }

    /** Adds {@code other}'s histogram ({@link Histogram#merge}) and its true range. */
    public void merge(HistogramObserver other) {
        if (other.range.isEmpty()) {
            return;
        }
        if (histogram == null) {
            cover(other.histogram.min(), other.histogram.max());
        }
        histogram = histogram.merge(other.histogram);
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
        return bins;
    }

    /** A copy of the histogram so far; an error naming the tensor before any value was observed. */
    public Histogram histogram() {
        if (histogram == null) {
            throw new IllegalStateException("tensor '" + tensor + "' has no calibration data yet: run calibration first");
        }
        return histogram.copy();
    }

    /** Left edge of bin 0. */
    public double lowerEdge() {
        return histogram().min();
    }

    /** Right edge of the last bin. */
    public double upperEdge() {
        return histogram().max();
    }

    /** Width of every bin. */
    public double binWidth() {
        return histogram().binWidth();
    }

    /** Mass of bin {@code i}. */
    public double count(int i) {
        return histogram == null ? 0 : histogram.count(i);
    }

    /** A copy of all bin masses. */
    public double[] counts() {
        double[] c = new double[bins];
        for (int i = 0; histogram != null && i < bins; i++) {
            c[i] = histogram.count(i);
        }
        return c;
    }

    /** The exact true range and value count seen so far. */
    public RangeObserver range() {
        return range;
    }
}
