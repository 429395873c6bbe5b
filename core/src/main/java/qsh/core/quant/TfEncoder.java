package qsh.core.quant;

/**
 * The default "tf" mode (spec, "Quantization" → "Details"): true min/max, widened to include 0, the minimum
 * range enforced as encoding-max = max(true max, true min + minRange), then the grid shifted so that 0.0 is
 * exact ({@link Encoding#fromRange}).
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
        double min = Math.min(trueMin, 0.0);
        double max = Math.max(trueMax, 0.0);
        if (trueMin > 0) {
            explain.step("2. handle zero", "inputs strictly positive: encoding-min set to 0.0");
        } else if (trueMax < 0) {
            explain.step("2. handle zero", "inputs strictly negative: encoding-max set to 0.0");
        } else {
            explain.step("2. handle zero", "range already contains 0");
        }
        if (max < min + options.minRange()) {
            explain.stepf("3. minimum range", "range %.6g < %.6g: encoding-max = min + %.6g = %.6g",
                    max - min, options.minRange(), options.minRange(), min + options.minRange());
            max = min + options.minRange();
        } else {
            explain.stepf("3. minimum range", "range %.6g ≥ %.6g: unchanged", max - min, options.minRange());
        }
        Encoding e = Encoding.fromRange(bitwidth, min, max);
        explain.stepf("4. scale", "scale = (%.6g - %.6g) / (2^%d - 1) = %.7g", max, min, bitwidth, e.scale());
        explain.stepf("5. exact zero", "offset = round(-min/scale) = round(%.6g) = %d; encoding range shifted to [%.6f, %.6f]",
                -min / e.scale(), e.zeroPoint(), e.min(), e.max());
        return e;
    }
}
