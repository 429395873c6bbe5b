package qsh.core.quant;

/**
 * The default "tf" mode (spec, "Quantization" → "Details"): the true min/max; the minimum range first
 * (encoding-max = max(true max, true min + minRange)), then the zero cases ({@link TfRange}); then the grid is
 * shifted so that 0.0 is exact ({@link Encoding#fromRange}).
 */
public final class TfEncoder implements RangeEncoder {
    @Override
    public QuantMode mode() {
        return QuantMode.TF;
    }

    @Override
    public Encoding encodeRange(double trueMin, double trueMax, int bitwidth, EncoderOptions options, Explanation explain) {
        return fromTrueRange(trueMin, trueMax, bitwidth, options, explain);
    }

    /** The tf encoding for a known true range (used by calibration, which tracks min/max as it streams). */
    public static Encoding fromTrueRange(double trueMin, double trueMax, int bitwidth, EncoderOptions options,
                                         Explanation explain) {
        explain.stepf("1. true range", "min = %.6g, max = %.6g", trueMin, trueMax);
        TfRange r = TfRange.of(trueMin, trueMax, options.minRange(), explain, 2);
        Encoding e = r.encoding(bitwidth);
        // a negative min in parentheses: "(0.5 - (-1.8))", not "(0.5 - -1.8)"
        explain.stepf("4. scale", "scale = (%.6g - " + (r.min() < 0 ? "(%.6g)" : "%.6g") + ") / (2^%d - 1) = %.7g",
                r.max(), r.min(), bitwidth, e.scale());
        explain.stepf("5. exact zero", "offset = round(-min/scale) = round(%.6g) = %d; encoding range shifted to [%.6f, %.6f]",
                (0.0 - r.min()) / e.scale(), e.zeroPoint(), e.min(), e.max()); // 0.0 - 0.0 = +0.0, never "-0"
        return e;
    }
}
