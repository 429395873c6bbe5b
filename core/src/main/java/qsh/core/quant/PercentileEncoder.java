package qsh.core.quant;

import qsh.core.tensor.Histogram;

/**
 * Percentile calibration (algorithms.md, "Percentile"): a histogram of the data ({@link EncoderOptions#bins}
 * bins over the true range), min and max read from its CDF at 100-p and p percent (p =
 * {@link EncoderOptions#percentile}, linear inside a bin), then tf's rules: minimum range, then zero
 * ({@link TfRange}), then the exact-zero grid. Values beyond the percentiles are clipped.
 */
public final class PercentileEncoder implements Encoder {
    @Override
    public QuantMode mode() {
        return QuantMode.PERCENTILE;
    }

    @Override
    public Encoding encode(float[] data, int from, int to, int bitwidth, EncoderOptions options, Explanation explain) {
        Encoding.checkIntBitwidth(bitwidth);
        float[] mm = MinMax.of(data, from, to);
        Histogram h = Histogram.ofInRange(data, from, to, mm[0], mm[1], options.bins());
        return fromHistogram(h, mm[0], mm[1], bitwidth, options, explain);
    }

    /**
     * The percentile encoding from a histogram of data whose true range is [trueMin, trueMax]: one tensor's (the
     * grid is then the true range) or a calibration set's (a streamed grid reaches beyond the data, so the
     * percentiles are clamped to the true range). Calibration and {@code encode} share this code.
     */
    public static Encoding fromHistogram(Histogram h, double trueMin, double trueMax, int bitwidth, EncoderOptions options,
                                         Explanation explain) {
        double p = options.percentile();
        double lo = Math.max(trueMin, Math.min(trueMax, h.quantile((100 - p) / 100)));
        double hi = Math.max(trueMin, Math.min(trueMax, h.quantile(p / 100)));
        explain.stepf("1. percentiles", "%d bins over [%.6g, %.6g] (true range [%.6g, %.6g]), %.0f values: %.4g%% "
                + "percentile = %.6g, %.4g%% percentile = %.6g (values outside are clipped)", h.bins(), h.min(), h.max(),
                trueMin, trueMax, h.total(), 100 - p, lo, p, hi);
        TfRange r = TfRange.of(lo, hi, options.minRange(), explain, 2);
        Encoding e = r.encoding(bitwidth);
        explain.stepf("4. exact zero", "tf's grid on [%.6g, %.6g]: scale %.7g, offset %d, encoding range [%.6f, %.6f]",
                r.min(), r.max(), e.scale(), e.zeroPoint(), e.min(), e.max());
        return e;
    }
}
