package qsh.core.quant;

/**
 * The spec's "symmetric" mode: "the same basic principles as TF quantization but adjusted the range to be
 * symmetric". The true range first gets tf's minimum range and zero rules ({@link TfRange}: encoding-max =
 * max(true max, true min + minRange), then widened to include 0); then absmax = max(|min|, |max|) of that range,
 * range (-absmax, absmax) on the signed grid, scale = absmax/(2^(bw-1)-1), AIMET offset -2^(bw-1)
 * ({@link Encoding#symmetricFromAbsMax}) — exactly the spec's per-channel override example
 * (0.7011175/127 = 0.0055206, min = -128·scale). Zero is exact by construction (it is grid value 2^(bw-1)).
 * A constant 0 tensor thus gets absmax 0.0001 (its tf range is [0, 0.0001]).
 */
public final class SymmetricEncoder implements RangeEncoder {
    @Override
    public QuantMode mode() {
        return QuantMode.SYMMETRIC;
    }

    @Override
    public Encoding encodeRange(double trueMin, double trueMax, int bitwidth, EncoderOptions options, Explanation explain) {
        return fromTrueRange(trueMin, trueMax, bitwidth, options, explain);
    }

    /** The symmetric encoding for a known true range. */
    public static Encoding fromTrueRange(double trueMin, double trueMax, int bitwidth, EncoderOptions options,
                                         Explanation explain) {
        explain.stepf("1. true range", "min = %.6g, max = %.6g", trueMin, trueMax);
        TfRange r = TfRange.of(trueMin, trueMax, options.minRange(), explain, 2);
        double absMax = r.absMax();
        explain.stepf("4. absmax", "absmax = max(|%.6g|, |%.6g|) = %.7g; range made (-absmax, absmax)", r.min(), r.max(), absMax);
        Encoding e = Encoding.symmetricFromAbsMax(bitwidth, absMax);
        long half = 1L << (bitwidth - 1);
        explain.stepf("5. scale", "scale = absmax / (2^%d - 1) = %.7g / %d = %.10g", bitwidth - 1, absMax, half - 1, e.scale());
        explain.stepf("6. exact zero", "offset = -2^%d = %d (zero is grid value %d); encoding range [%.10g, %.10g]",
                bitwidth - 1, e.aimetOffset(), e.zeroPoint(), e.min(), e.max());
        return e;
    }
}
