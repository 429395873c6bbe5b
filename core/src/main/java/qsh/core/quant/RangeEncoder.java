package qsh.core.quant;

/**
 * An encoder that needs only the true range of the data (tf, symmetric, adjusted): the scan for min/max and
 * the NaN/Inf/empty checks happen here once, and calibration can feed a streamed range directly.
 */
public interface RangeEncoder extends Encoder {
    /** The encoding for a known true range [trueMin, trueMax]. */
    Encoding encodeRange(double trueMin, double trueMax, int bitwidth, EncoderOptions options, Explanation explain);

    @Override
    default Encoding encode(float[] data, int from, int to, int bitwidth, EncoderOptions options, Explanation explain) {
        Encoding.checkIntBitwidth(bitwidth);
        float[] mm = MinMax.of(data, from, to);
        return encodeRange(mm[0], mm[1], bitwidth, options, explain);
    }
}
