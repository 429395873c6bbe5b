package qsh.core.quant;

/**
 * The spec's "symmetric" mode: absmax = max(|min|, |max|), range (-absmax, absmax) on the signed grid,
 * scale = absmax/(2^(bw-1)-1), AIMET offset -2^(bw-1) ({@link Encoding#symmetricFromAbsMax}) — exactly the
 * spec's per-channel override example (0.7011175/127 = 0.0055206, min = -128·scale). Zero is exact by
 * construction (it is grid value 2^(bw-1)). The minimum range is enforced on the absmax side: absmax is raised
 * to minRange/2 so that the encoding range (≥ 2·absmax) is at least minRange.
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
        double absMax = Math.max(Math.abs(trueMin), Math.abs(trueMax));
        explain.stepf("2. absmax", "absmax = max(|%.6g|, |%.6g|) = %.7g; range made (-absmax, absmax)", trueMin, trueMax, absMax);
        double floor = options.minRange() / 2;
        if (absMax < floor) {
            explain.stepf("3. minimum range", "2·absmax = %.6g < %.6g: absmax raised to %.6g", 2 * absMax, options.minRange(), floor);
            absMax = floor;
        } else {
            explain.stepf("3. minimum range", "2·absmax = %.6g ≥ %.6g: unchanged", 2 * absMax, options.minRange());
        }
        Encoding e = Encoding.symmetricFromAbsMax(bitwidth, absMax);
        long half = 1L << (bitwidth - 1);
        explain.stepf("4. scale", "scale = absmax / (2^%d - 1) = %.7g / %d = %.10g", bitwidth - 1, absMax, half - 1, e.scale());
        explain.stepf("5. exact zero", "offset = -2^%d = %d (zero is grid value %d); encoding range [%.10g, %.10g]",
                bitwidth - 1, e.aimetOffset(), e.zeroPoint(), e.min(), e.max());
        return e;
    }
}
