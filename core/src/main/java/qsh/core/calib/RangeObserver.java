package qsh.core.calib;

import qsh.core.quant.EncoderOptions;
import qsh.core.quant.Encoding;
import qsh.core.quant.Explanation;
import qsh.core.quant.MinMax;
import qsh.core.quant.TfEncoder;
import qsh.core.tensor.Tensor;

/**
 * Streaming true range (min/max) of one tensor across calibration batches (spec "Quantization", step 1: "compute
 * the true range"). Constant memory; not thread-safe — give each thread its own and {@link #merge} them.
 */
public final class RangeObserver {
    private final String tensor;
    private float min = Float.POSITIVE_INFINITY;
    private float max = Float.NEGATIVE_INFINITY;
    private long count;
    private int batches;

    /** An empty observer for {@code tensor} (the name is used in error messages). */
    public RangeObserver(String tensor) {
        this.tensor = tensor;
    }

    /** Folds one batch in; NaN/Inf is an error naming the tensor, the batch and the index. */
    public void observe(Tensor batch) {
        observe(batch.data(), 0, batch.size());
    }

    /** Folds {@code data[from, to)} in; an empty range is ignored. */
    public void observe(float[] data, int from, int to) {
        if (to <= from) {
            return;
        }
        float[] mm = minMax(tensor, batches, data, from, to);
        add(mm[0], mm[1], to - from);
    }

    /** Records one already-checked batch with true range [batchMin, batchMax] and {@code n} values. */
    void add(float batchMin, float batchMax, long n) {
        min = Math.min(min, batchMin);
        max = Math.max(max, batchMax);
        count += n;
        batches++;
    }

    static float[] minMax(String tensor, int batch, float[] data, int from, int to) {
        try {
            return MinMax.of(data, from, to);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tensor '" + tensor + "', calibration input " + (batch + 1) + ": "
                    + e.getMessage(), e);
        }
    }

    /** Adds everything {@code other} has seen (e.g. from another thread). */
    public void merge(RangeObserver other) {
        if (other.count == 0) {
            return;
        }
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
        count += other.count;
        batches += other.batches;
    }

    /** The tensor name. */
    public String tensor() {
        return tensor;
    }

    /** True before any value was observed. */
    public boolean isEmpty() {
        return count == 0;
    }

    /** The smallest value seen (+Inf when empty). */
    public float min() {
        return min;
    }

    /** The largest value seen (-Inf when empty). */
    public float max() {
        return max;
    }

    /** Number of values seen. */
    public long count() {
        return count;
    }

    /** Number of batches (calls to observe with data) seen. */
    public int batches() {
        return batches;
    }

    /** The tf encoding of the observed range ({@link TfEncoder#fromTrueRange}). */
    public Encoding tfEncoding(int bitwidth, EncoderOptions options, Explanation explain) {
        if (isEmpty()) {
            throw new IllegalStateException("tensor '" + tensor + "' has no calibration data yet: run calibration first");
        }
        return TfEncoder.fromTrueRange(min, max, bitwidth, options, explain);
    }

    @Override
    public String toString() {
        return tensor + ": " + (isEmpty() ? "no data" : "[" + min + ", " + max + "] over " + count + " values");
    }
}
