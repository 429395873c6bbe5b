package qsh.core.quant;

import java.util.Locale;

/** The encoder modes of the spec ("Quantization Modes") plus percentile calibration. */
public enum QuantMode {
    TF, SYMMETRIC, ENHANCED, ADJUSTED, PERCENTILE;

    /** The lower-case name used on the command line (tf, symmetric, ...). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a mode name case-insensitively; the error lists the valid names. */
    public static QuantMode parse(String s) {
        for (QuantMode m : values()) {
            if (m.id().equalsIgnoreCase(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown mode '" + s + "': use tf, symmetric, enhanced, adjusted or percentile");
    }
}
