package qsh.core.calib;

import qsh.core.quant.EncoderOptions;
import qsh.core.quant.Encoders;
import qsh.core.quant.EnhancedEncoder;
import qsh.core.quant.Encoding;
import qsh.core.quant.Explanation;
import qsh.core.quant.PercentileEncoder;
import qsh.core.quant.QuantMode;
import qsh.core.quant.RangeEncoder;
import qsh.core.tensor.Histogram;

/**
 * An activation's encoding from streamed calibration statistics: tf / symmetric / adjusted need only the true
 * range; percentile clips to the configured percentile of the histogram; enhanced runs its candidate search over
 * the histogram, tf's encoding of the true range among the candidates (algorithms.md, "Enhanced").
 */
public final class ActivationEncodings {
    private ActivationEncodings() {}

    /** True when {@code mode} needs histograms (so calibration must collect them). */
    public static boolean needsHistograms(QuantMode mode) {
        return mode == QuantMode.PERCENTILE || mode == QuantMode.ENHANCED;
    }

    /** The encoding of {@code tensor} at {@code bitwidth} under {@code mode}. */
    public static Encoding encode(CalibrationStatistics stats, String tensor, QuantMode mode, int bitwidth,
                                  EncoderOptions opts) {
        switch (mode) {
            case PERCENTILE: {
                RangeObserver r = stats.range(tensor);
                return PercentileEncoder.fromHistogram(stats.histogram(tensor).histogram(), r.min(), r.max(), bitwidth,
                        opts, Explanation.NONE);
            }
            case ENHANCED: {
                Histogram hist = stats.histogram(tensor).histogram();
                // the streamed histogram's edges lie up to a bin beyond the data: the search starts from the exact
                // true range, tf's encoding of it among the candidates, so it may shrink the range but never widens
                // it beyond tf's (a ReLU6 output keeps max 6)
                RangeObserver r = stats.range(tensor);
                return new EnhancedEncoder(false).fromHistogram(hist, r.min(), r.max(), bitwidth, opts, Explanation.NONE);
            }
            default: {
                RangeObserver r = stats.range(tensor);
                return ((RangeEncoder) Encoders.forMode(mode)).encodeRange(r.min(), r.max(), bitwidth, opts,
                        Explanation.NONE);
            }
        }
    }
}
