package qsh.core.quant;

/**
 * The spec's "adjusted" mode as qsh reads it (algorithms.md, "Adjusted"). The vendor documents it as a
 * <b>weights-only, 8-bit</b> mode whose exact algorithm is not public: "the max will be expanded or the min will
 * be decreased if necessary", with the minimum range and exact zero kept. qsh's documented interpretation:
 * true min/max under tf's minimum range and zero rules ({@link TfRange}: encoding-max = max(true max, true min +
 * minRange) first, then widened to include 0), then 0.0 made exact by EXPANDING the range outward, never shifting
 * it, so no true value is ever clipped (tf's shift can clip up to half a step).
 *
 * <p>For a zero point z the smallest scale covering [min, max] is s(z) = max(-min/z, max/(q-z)), q = 2^bw-1;
 * s(z) is minimal near z* = -min·q/(max-min), so floor(z*) and ceil(z*) are tried and the smaller scale wins
 * (ties: the smaller z). The range grows by less than one step.
 */
public final class AdjustedEncoder implements RangeEncoder {
    @Override
    public QuantMode mode() {
        return QuantMode.ADJUSTED;
    }

    @Override
    public Encoding encodeRange(double trueMin, double trueMax, int bitwidth, EncoderOptions options, Explanation explain) {
        return fromTrueRange(trueMin, trueMax, bitwidth, options, explain);
    }

    /** The adjusted encoding for a known true range. */
    public static Encoding fromTrueRange(double trueMin, double trueMax, int bitwidth, EncoderOptions options,
                                         Explanation explain) {
        explain.stepf("1. true range", "min = %.6g, max = %.6g", trueMin, trueMax);
        TfRange r = TfRange.of(trueMin, trueMax, options.minRange(), explain, 2);
        double min = r.min();
        double max = r.max();
        long q = Encoding.qmax(bitwidth);
        double zStar = (0.0 - min) * q / (max - min); // 0.0 - 0.0 = +0.0: explain never shows "-0"
        long zLo = Math.max(0, Math.min(q, (long) Math.floor(zStar)));
        long zHi = Math.max(0, Math.min(q, (long) Math.ceil(zStar)));
        double sLo = coveringScale(min, max, zLo, q);
        double sHi = coveringScale(min, max, zHi, q);
        long z = sHi < sLo ? zHi : zLo;
        double s = Math.min(sLo, sHi);
        Encoding e = Encoding.fromScaleAndZeroPoint(bitwidth, s, z, false);
        explain.stepf("4. expand for exact zero",
                "z* = -min·(2^%d-1)/(max-min) = %.4f; offset %d gives the smallest covering scale %.7g; "
                        + "range expanded from [%.6g, %.6g] to [%.6f, %.6f] (nothing clipped)",
                bitwidth, zStar, z, s, min, max, e.min(), e.max());
        return e;
    }

    /**
     * The smallest scale s with -z·s ≤ min and (q-z)·s ≥ max, nudged up by ulps until both hold in double
     * arithmetic (so the "never clip" promise survives rounding).
     */
    private static double coveringScale(double min, double max, long z, long q) {
        double s = 0;
        if (z > 0) {
            s = Math.max(s, -min / z);
        }
        if (z < q) {
            s = Math.max(s, max / (q - z));
        }
        if ((z == 0 && min < 0) || (z == q && max > 0) || s <= 0) {
            return Double.POSITIVE_INFINITY; // this z cannot cover the range
        }
        while (-z * s > min || (q - z) * s < max) {
            s = Math.nextUp(s);
        }
        return s;
    }
}
