package qsh.core.calib;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import qsh.core.tensor.Tensor;

/**
 * The statistics a calibration run collects, one entry per observed tensor: always the true range, and a
 * histogram when the chosen encoder needs one (enhanced, percentile). Memory is per tensor, independent of the
 * number of calibration inputs. Not thread-safe: give each worker its own and {@link #merge} them at the end.
 */
public final class CalibrationStatistics {
    private final int bins;
    private final Map<String, RangeObserver> ranges = new LinkedHashMap<>();
    private final Map<String, HistogramObserver> histograms = new LinkedHashMap<>();

    /** Range-only statistics (enough for tf, symmetric, adjusted). */
    public static CalibrationStatistics rangesOnly() {
        return new CalibrationStatistics(0);
    }

    /** Ranges plus {@code bins}-bin histograms (for enhanced and percentile). */
    public static CalibrationStatistics withHistograms(int bins) {
        if (bins < 2) {
            throw new IllegalArgumentException("a histogram needs at least 2 bins, got " + bins);
        }
        return new CalibrationStatistics(bins);
    }

    private CalibrationStatistics(int bins) {
        this.bins = bins;
    }

    /** Folds one produced tensor value set in (the executor's observer hook calls this). */
    public void observe(String tensor, float[] data, int from, int to) {
        if (bins > 0) {
            HistogramObserver h = histograms.computeIfAbsent(tensor, t -> new HistogramObserver(t, bins));
            h.observe(data, from, to);
            ranges.putIfAbsent(tensor, h.range());
        } else {
            ranges.computeIfAbsent(tensor, RangeObserver::new).observe(data, from, to);
        }
    }

    /** Folds a whole tensor in. */
    public void observe(String tensor, Tensor value) {
        observe(tensor, value.data(), 0, value.size());
    }

    /** Adds another worker's statistics (same configuration). */
    public void merge(CalibrationStatistics other) {
        if (other.bins != bins) {
            throw new IllegalArgumentException("cannot merge statistics with " + other.bins + " histogram bins into "
                    + bins + ": configure every worker the same way");
        }
        if (bins > 0) {
            for (Map.Entry<String, HistogramObserver> e : other.histograms.entrySet()) {
                HistogramObserver mine = histograms.computeIfAbsent(e.getKey(), t -> new HistogramObserver(t, bins));
                mine.merge(e.getValue());
                ranges.putIfAbsent(e.getKey(), mine.range());
            }
        } else {
            for (Map.Entry<String, RangeObserver> e : other.ranges.entrySet()) {
                ranges.computeIfAbsent(e.getKey(), RangeObserver::new).merge(e.getValue());
            }
        }
    }

    /** The observed tensors, in first-seen order. */
    public Set<String> tensors() {
        return Collections.unmodifiableSet(ranges.keySet());
    }

    /** True when histograms are collected. */
    public boolean hasHistograms() {
        return bins > 0;
    }

    /** The range of {@code tensor}; an error naming it when it was never observed. */
    public RangeObserver range(String tensor) {
        RangeObserver r = ranges.get(tensor);
        if (r == null) {
            throw new IllegalArgumentException("tensor '" + tensor + "' was not observed during calibration: check"
                    + " the name (observed: " + ranges.size() + " tensors)");
        }
        return r;
    }

    /** The histogram of {@code tensor}; an error when histograms are off or it was never observed. */
    public HistogramObserver histogram(String tensor) {
        if (bins == 0) {
            throw new IllegalStateException("histograms were not collected: calibrate with histograms for the"
                    + " enhanced and percentile encoders");
        }
        range(tensor);
        return histograms.get(tensor);
    }
}
