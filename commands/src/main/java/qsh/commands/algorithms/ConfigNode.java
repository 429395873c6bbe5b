package qsh.commands.algorithms;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import qsh.commands.spi.CommandException;

/**
 * One mapping of a YAML config with its path ("amp.optional_amp_args"), so that every error names the file, the
 * key and what to write instead. {@link #done} refuses keys nobody asked for: a misspelt optional argument is an
 * error, not a silently ignored default.
 */
final class ConfigNode {
    private final String file;
    private final String path;
    private final JsonNode node;
    private final Set<String> known = new TreeSet<>();

    ConfigNode(String file, String path, JsonNode node) {
        this.file = file;
        this.path = path;
        this.node = node;
        if (node != null && !node.isObject()) {
            throw error(path + " must be a mapping of keys to values, not " + describe(node));
        }
    }

    /** The file the config came from (for messages). */
    String file() {
        return file;
    }

    CommandException error(String message) {
        return new CommandException(file + ": " + message);
    }

    private String key(String k) {
        return path.isEmpty() ? k : path + "." + k;
    }

    boolean has(String k) {
        known.add(k);
        return node != null && node.has(k) && !node.get(k).isNull();
    }

    JsonNode raw(String k) {
        known.add(k);
        return node == null ? null : node.get(k);
    }

    /** A required key's node. */
    JsonNode required(String k, String example) {
        if (!has(k)) {
            throw error((path.isEmpty() ? "" : path + ": ") + "missing required key '" + k + "' (e.g. " + k + ": " + example + ")");
        }
        return node.get(k);
    }

    ConfigNode child(String k, boolean required) {
        if (required) {
            required(k, "{…}");
        }
        return new ConfigNode(file, key(k), has(k) ? node.get(k) : null);
    }

    /** The child mappings by name (for {@code datasets}). */
    Map<String, ConfigNode> children() {
        Map<String, ConfigNode> out = new LinkedHashMap<>();
        if (node != null) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                known.add(k);
                out.put(k, new ConfigNode(file, key(k), node.get(k)));
            }
        }
        return out;
    }

    String string(String k, String example, boolean required) {
        if (required) {
            required(k, example);
        }
        if (!has(k)) {
            return null;
        }
        JsonNode v = node.get(k);
        if (!v.isValueNode() || v.isBoolean()) {
            throw error(key(k) + " must be a string (e.g. " + example + "), not " + describe(v));
        }
        return v.asText().strip();
    }

    Integer integer(String k, int min, int max, boolean required) {
        if (required) {
            required(k, String.valueOf(min));
        }
        if (!has(k)) {
            return null;
        }
        JsonNode v = node.get(k);
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw error(key(k) + " must be an integer, not " + describe(v));
        }
        int i = v.asInt();
        if (i < min || i > max) {
            throw error(key(k) + " is " + i + ": use " + min + (max == Integer.MAX_VALUE ? " or more" : "…" + max));
        }
        return i;
    }

    Double number(String k, boolean required, String example) {
        if (required) {
            required(k, example);
        }
        if (!has(k)) {
            return null;
        }
        JsonNode v = node.get(k);
        if (!v.isNumber()) {
            throw error(key(k) + " must be a number (e.g. " + example + "), not " + describe(v));
        }
        double d = v.asDouble();
        if (!Double.isFinite(d)) {
            throw error(key(k) + " must be finite");
        }
        return d;
    }

    boolean bool(String k, boolean otherwise) {
        if (!has(k)) {
            return otherwise;
        }
        JsonNode v = node.get(k);
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isTextual() && (v.asText().equalsIgnoreCase("true") || v.asText().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(v.asText()); // the spec writes Python's True / False
        }
        throw error(key(k) + " must be true or false, not " + describe(v));
    }

    List<String> strings(String k) {
        if (!has(k)) {
            return List.of();
        }
        JsonNode v = node.get(k);
        if (!v.isArray()) {
            throw error(key(k) + " must be a list of strings, e.g. [conv1, conv2]");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw error(key(k) + " must be a list of strings; " + describe(e) + " is not one");
            }
            out.add(e.asText());
        }
        return out;
    }

    /** A key's node as plain Java data (maps, lists, numbers, strings) for callback kwargs. */
    Map<String, Object> map(String k) {
        if (!has(k)) {
            return Map.of();
        }
        JsonNode v = node.get(k);
        if (!v.isObject()) {
            throw error(key(k) + " must be a mapping, e.g. {count: 100}, not " + describe(v));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = new com.fasterxml.jackson.databind.ObjectMapper().convertValue(v, Map.class);
        return m;
    }

    /** Refuses keys of this mapping that were never asked for. */
    void done() {
        if (node == null) {
            return;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                throw error((path.isEmpty() ? "" : path + ": ") + "unknown key '" + k + "' (known: " + String.join(", ", known) + ")");
            }
        }
    }

    String path() {
        return path;
    }

    static String describe(JsonNode v) {
        if (v == null || v.isNull()) {
            return "nothing";
        }
        if (v.isObject()) {
            return "a mapping";
        }
        if (v.isArray()) {
            return "a list";
        }
        return "'" + v.asText() + "'";
    }
}
