package qsh.core.quant;

/**
 * Settings shared by every encoder. Immutable; {@code with*} methods return changed copies.
 *
 * @param minRange    smallest allowed encoding range (spec: 0.0001)
 * @param rounding    grid rounding rule for quantize (default half-to-even)
 * @param percentile  percentile for the percentile encoder, in percent (QAIRT default 99.99)
 * @param bins        histogram bins for the enhanced and percentile encoders, on one tensor and in calibration
 */
public record EncoderOptions(double minRange, Rounding rounding, double percentile, int bins) {
    /** The spec's minimum range. */
    public static final double SPEC_MIN_RANGE = 1e-4;

    /**
     * Histogram bins by default: 512, the TF-enhanced histogram of AIMET's C++ quantizer, the lineage of the spec's
     * qairt-quantizer (algorithms.md, "Enhanced": 512 there, 2048 in AIMET's newer Python version). The spec names
     * no count. One default for {@code encode}, {@code calibrate} and the batch command.
     */
    public static final int DEFAULT_BINS = 512;

    /** The defaults: min range 0.0001, half-to-even, percentile 99.99, {@link #DEFAULT_BINS} bins. */
    public static final EncoderOptions DEFAULTS = new EncoderOptions(SPEC_MIN_RANGE, Rounding.HALF_EVEN, 99.99, DEFAULT_BINS);

    /** Validates every setting; the message names the bad one and its valid range. */
    public EncoderOptions {
        if (!(minRange > 0) || !Double.isFinite(minRange)) {
            throw new IllegalArgumentException("minimum range must be a positive number, got " + minRange);
        }
        if (!(percentile > 50 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in (50, 100], got " + percentile);
        }
        if (bins < 16 || bins > (1 << 20)) {
            throw new IllegalArgumentException("bins must be in [16, 1048576], got " + bins);
        }
    }

    /** A copy with another minimum range. */
    public EncoderOptions withMinRange(double v) { return new EncoderOptions(v, rounding, percentile, bins); }

    /** A copy with another rounding rule. */
    public EncoderOptions withRounding(Rounding v) { return new EncoderOptions(minRange, v, percentile, bins); }

    /** A copy with another percentile (percent, in (50, 100]). */
    public EncoderOptions withPercentile(double v) { return new EncoderOptions(minRange, rounding, v, bins); }

    /** A copy with another histogram bin count. */
    public EncoderOptions withBins(int v) { return new EncoderOptions(minRange, rounding, percentile, v); }
}
