package qsh.core.sim;

/** AIMET encodings-JSON versions qsh reads and writes (algorithms.md "Encodings JSON"). */
public enum EncodingsVersion {
    /** Dict form; entries {bitwidth, dtype, is_symmetric, min, max, offset, scale}. */
    V0_4("0.4.0"),
    /** Dict form, as 0.4 (the spec's mixed-precision example says "0.5.0"). */
    V0_5("0.5.0"),
    /** Dict form plus a top-level {@code quantizer_args} object; qsh's default when writing. */
    V0_6_1("0.6.1"),
    /** List form: {name, dtype, enc_type, bw, is_sym, scale[], offset[]}; no min/max. */
    V1_0_0("1.0.0");

    private final String text;

    EncodingsVersion(String text) {
        this.text = text;
    }

    /** The version string written to the file's {@code version} field. */
    public String text() {
        return text;
    }

    /** True for the list form (1.0.0). */
    public boolean listForm() {
        return this == V1_0_0;
    }

    /** Parses "0.4", "0.4.0", "0.5", "0.5.0", "0.6", "0.6.1", "1.0", "1.0.0"; null when unknown. */
    public static EncodingsVersion fromText(String s) {
        switch (s.strip()) {
            case "0.4": case "0.4.0": return V0_4;
            case "0.5": case "0.5.0": return V0_5;
            case "0.6": case "0.6.0": case "0.6.1": return V0_6_1;
            case "1.0": case "1.0.0": return V1_0_0;
            default: return null;
        }
    }

    /** Parses a version for a command-line option, with a clear error. */
    public static EncodingsVersion parse(String s) {
        EncodingsVersion v = fromText(s);
        if (v == null) {
            throw new IllegalArgumentException("encodings version '" + s + "' is not supported: use 0.4.0, 0.5.0, "
                    + "0.6.1 or 1.0.0");
        }
        return v;
    }
}
