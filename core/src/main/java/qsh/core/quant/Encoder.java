package qsh.core.quant;

/**
 * Computes an {@link Encoding} for a set of float values (spec, "Quantization"). Every encoder enforces the
 * minimum range and makes 0.0 exactly representable. Implementations are stateless and thread-safe.
 */
public interface Encoder {
    /** The mode this encoder implements. */
    QuantMode mode();

    /**
     * The encoding of {@code data[from, to)} at {@code bitwidth}. Refuses an empty range and NaN/Inf values
     * with an {@link IllegalArgumentException} naming the problem.
     */
    Encoding encode(float[] data, int from, int to, int bitwidth, EncoderOptions options, Explanation explain);

    /** The encoding of the whole array. */
    default Encoding encode(float[] data, int bitwidth, EncoderOptions options) {
        return encode(data, 0, data.length, bitwidth, options, Explanation.NONE);
    }
}
