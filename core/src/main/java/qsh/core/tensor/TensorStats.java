package qsh.core.tensor;

/**
 * Summary statistics of float data, computed in one pass with double accumulators.
 *
 * @param count  number of values
 * @param min    smallest value
 * @param max    largest value
 * @param mean   arithmetic mean
 * @param std    population standard deviation
 * @param absMax max(|min|, |max|)
 */
public record TensorStats(long count, double min, double max, double mean, double std, double absMax) {

    /** Statistics of a whole tensor. */
    public static TensorStats of(Tensor t) {
        return of(t.data(), 0, t.size());
    }

    /**
     * Statistics of {@code data[from, to)}. Sums are taken about the first value (shifted data) so the variance
     * Σ(x-k)²/n - (Σ(x-k)/n)² does not cancel catastrophically when the mean is large. NaN propagates into the
     * result; an empty slice is refused.
     */
    public static TensorStats of(float[] data, int from, int to) {
        if (to <= from) {
            throw new IllegalArgumentException("statistics of an empty tensor are undefined");
        }
        double k = data[from];
        float mn = Float.POSITIVE_INFINITY;
        float mx = Float.NEGATIVE_INFINITY;
        double s = 0;
        double ss = 0;
        for (int i = from; i < to; i++) {
            float v = data[i];
            mn = Math.min(mn, v);
            mx = Math.max(mx, v);
            double d = v - k;
            s += d;
            ss += d * d;
        }
        long n = to - from;
        double meanShift = s / n;
        double var = Math.max(0, ss / n - meanShift * meanShift);
        return new TensorStats(n, mn, mx, k + meanShift, Math.sqrt(var), Math.max(Math.abs((double) mn), Math.abs((double) mx)));
    }
}
