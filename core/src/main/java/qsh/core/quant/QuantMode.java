package qsh.core.quant;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The encoder modes of the spec ("Quantization Modes") plus percentile calibration. */
public enum QuantMode {
    TF, SYMMETRIC, ENHANCED, ADJUSTED, PERCENTILE;

    /** The lower-case name used on the command line (tf, symmetric, ...). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every mode's {@link #id}, in declaration order: the one list that option choices, help and errors use. */
    public static List<String> ids() {
        return Arrays.stream(values()).map(QuantMode::id).toList();
    }

    /** {@link #ids} as an array (for option choices). */
    public static String[] idArray() {
        return ids().toArray(String[]::new);
    }

    /** The ids joined by {@code separator}, e.g. "tf | symmetric | …" for help text. */
    public static String joined(String separator) {
        return String.join(separator, ids());
    }

    /** Parses a mode name case-insensitively; the error lists the valid names. */
    public static QuantMode parse(String s) {
        for (QuantMode m : values()) {
            if (m.id().equalsIgnoreCase(s)) {
                return m;
            }
        }
        List<String> ids = ids();
        throw new IllegalArgumentException("unknown mode '" + s + "': use " + String.join(", ", ids.subList(0, ids.size() - 1))
                + " or " + ids.get(ids.size() - 1));
    }
}
