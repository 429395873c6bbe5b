package qsh.core.quant;

/** Looks up the encoder of a {@link QuantMode}; the single entry point commands use. */
public final class Encoders {
    private static final Encoder TF = new TfEncoder();
    private static final Encoder SYMMETRIC = new SymmetricEncoder();
    private static final Encoder ENHANCED = new EnhancedEncoder(false);
    private static final Encoder ADJUSTED = new AdjustedEncoder();
    private static final Encoder PERCENTILE = new PercentileEncoder();

    private Encoders() {}

    /** The (stateless, shared) encoder implementing {@code mode}. */
    public static Encoder forMode(QuantMode mode) {
        switch (mode) {
            case TF: return TF;
            case SYMMETRIC: return SYMMETRIC;
            case ENHANCED: return ENHANCED;
            case ADJUSTED: return ADJUSTED;
            case PERCENTILE: return PERCENTILE;
            default: throw new IllegalArgumentException("no encoder for mode " + mode);
        }
    }

    /** Encodes the whole of {@code data} with the encoder of {@code mode}. */
    public static Encoding encode(QuantMode mode, float[] data, int bitwidth, EncoderOptions options, Explanation explain) {
        return forMode(mode).encode(data, 0, data.length, bitwidth, options, explain);
    }
}
