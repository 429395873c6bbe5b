package qsh.core.sim;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Typed, checked access to the fields of one encodings-JSON entry. Every error is one line naming the file,
 * the section, the tensor (and channel) and the field, then what to do.
 */
final class EntryFields {
    private final JsonNode node;
    private final String where;

    /** {@code where} is the error prefix, e.g. "enc.json: param_encodings 'conv1.weight' [2]". */
    EntryFields(JsonNode node, String where) {
        this.node = node;
        this.where = where;
        if (!node.isObject()) {
            throw fail("expected an object {...}, got " + kind(node));
        }
    }

    /** The error prefix. */
    String where() {
        return where;
    }

    /** True when {@code field} is present and not null. */
    boolean has(String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    /** The raw node of {@code field} (null when absent). */
    JsonNode raw(String field) {
        return node.get(field);
    }

    /** A one-line error about the entry. */
    IllegalArgumentException fail(String what) {
        return new IllegalArgumentException(where + ": " + what);
    }

    /** A one-line error about one field. */
    IllegalArgumentException fail(String field, String what) {
        return new IllegalArgumentException(where + ": field '" + field + "': " + what);
    }

    /** A required integer (8 or 8.0; not "8"). */
    int requiredInt(String field) {
        if (!has(field)) {
            throw fail(field, "missing: add it (an integer)");
        }
        return integral(field, node.get(field));
    }

    private int integral(String field, JsonNode v) {
        if (!v.isNumber() || v.doubleValue() != Math.rint(v.doubleValue()) || Math.abs(v.doubleValue()) > 1e9) {
            throw fail(field, "expected an integer, got " + kind(v));
        }
        return (int) v.doubleValue();
    }

    /** A required finite number. */
    double requiredNumber(String field) {
        if (!has(field)) {
            throw fail(field, "missing: add it (a number)");
        }
        return number(field, node.get(field));
    }

    /** A finite number node. */
    double number(String field, JsonNode v) {
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw fail(field, "expected a finite number, got " + kind(v));
        }
        return v.doubleValue();
    }

    /** An integral number node (offsets: -128 or -128.0). */
    long integralNumber(String field, JsonNode v) {
        double d = number(field, v);
        if (d != Math.rint(d)) {
            throw fail(field, "expected a whole number, got " + v);
        }
        return (long) d;
    }

    /** A required non-empty string. */
    String requiredString(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw fail(field, "missing: add it (a string)");
        }
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw fail(field, "expected a non-empty string, got " + kind(v));
        }
        return v.asText();
    }

    /** An optional string restricted to {@code allowed} (case-insensitive), returned in upper case. */
    String optionalChoice(String field, String fallback, String... allowed) {
        if (!has(field)) {
            return fallback;
        }
        JsonNode v = node.get(field);
        if (v.isTextual()) {
            for (String a : allowed) {
                if (a.equalsIgnoreCase(v.asText())) {
                    return a.toUpperCase(java.util.Locale.ROOT);
                }
            }
        }
        throw fail(field, "expected one of " + String.join(", ", allowed) + ", got " + kind(v));
    }

    /** An optional boolean: true/false, or the strings "True"/"False" (AIMET writes strings); null when absent. */
    Boolean optionalBoolean(String field) {
        if (!has(field)) {
            return null;
        }
        JsonNode v = node.get(field);
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isTextual() && (v.asText().equalsIgnoreCase("true") || v.asText().equalsIgnoreCase("false"))) {
            return v.asText().equalsIgnoreCase("true");
        }
        throw fail(field, "expected \"True\", \"False\", true or false, got " + kind(v));
    }

    /** Describes a node for error messages: its JSON text, shortened. */
    static String kind(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "nothing";
        }
        String text = v.toString();
        String type = v.isTextual() ? "string " : v.isObject() ? "object " : v.isArray() ? "array " : "";
        return type + (text.length() > 40 ? text.substring(0, 37) + "..." : text);
    }
}
