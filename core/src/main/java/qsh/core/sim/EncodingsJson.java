package qsh.core.sim;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.core.exec.CancellableReader;
import qsh.core.io.AtomicFile;
import qsh.core.io.RegularFiles;
import qsh.core.quant.EncoderOptions;
import qsh.core.quant.Encoding;

/**
 * Reads and writes AIMET encodings JSON, the spec's {@code --quantization_overrides} format: versions 0.4, 0.5,
 * 0.6.1 (dict form, {@link LegacyEncodingsFormat}) and 1.0.0 (list form, {@link V1EncodingsFormat}).
 *
 * <p>Both sections, {@code activation_encodings} and {@code param_encodings}, must be present (spec) but may be
 * empty. The form is chosen by {@code version} when present; a file without {@code version} (like the spec's
 * first example) is read by the shape of its sections (objects → dict form, lists → 1.0.0). Every error is one
 * line: syntax errors give {@code FILE:LINE:COLUMN}, entry errors name the file, section, tensor and field.
 * Writing goes through a temporary file and an atomic rename, so the target is whole or untouched.
 *
 * <p>Decisions: scale/offset are recomputed from bitwidth/min/max (1.0.0: from scale/offset, see
 * {@link V1EncodingsFormat}); a dict-form entry with scale/offset but no min/max keeps its grid and the reading
 * says so in {@link QuantOverrides#notes()}; a per-channel list that is not symmetric with offset -2^(bw-1) is an error, not
 * silently re-gridded; an int entry with only a bitwidth is kept as a bitwidth-only override
 * ({@link QuantOverrides#activationBitwidths()}); unknown fields are ignored; offsets are written in AIMET's sign
 * (≤ 0) via {@link Encoding#aimetOffset()}.
 */
public final class EncodingsJson {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    /** The version qsh writes unless told otherwise. */
    public static final EncodingsVersion DEFAULT_VERSION = EncodingsVersion.V0_6_1;

    private EncodingsJson() {}

    /** Reads a file with the default encoder options (minimum range 0.0001). */
    public static QuantOverrides read(Path file) {
        return read(file, EncoderOptions.DEFAULTS);
    }

    /** Reads a file; {@code options} supplies the minimum range used when recomputing encodings. */
    public static QuantOverrides read(Path file, EncoderOptions options) {
        // a regular file of bounded size: a FIFO would block, /dev/zero would fill the heap
        String text = RegularFiles.readText(file, "encodings file", 1L << 30);
        return parse(text, file.toString(), options);
    }

    /** Parses JSON text; {@code sourceName} (usually the file name) prefixes every error. */
    public static QuantOverrides parse(String json, String sourceName, EncoderOptions options) {
        JsonNode root = parseTree(json.startsWith("\uFEFF") ? json.substring(1) : json, sourceName);
        if (!root.isObject()) {
            throw new IllegalArgumentException(sourceName + ": expected a JSON object with activation_encodings and"
                    + " param_encodings, got " + EntryFields.kind(root));
        }
        EncodingsVersion version = null;
        JsonNode v = root.get("version");
        if (v != null && !v.isNull()) {
            version = v.isTextual() || v.isNumber() ? EncodingsVersion.fromText(v.asText()) : null;
            if (version == null) {
                throw new IllegalArgumentException(sourceName + ": version " + v + " is not supported: qsh reads"
                        + " 0.4, 0.5, 0.6.1 and 1.0.0");
            }
        }
        JsonNode acts = section(root, QuantOverrides.Section.ACTIVATION, sourceName);
        JsonNode params = section(root, QuantOverrides.Section.PARAM, sourceName);
        boolean listForm = version != null ? version.listForm() : acts.isArray();
        Map<String, List<Encoding>> actFull = new LinkedHashMap<>();
        Map<String, List<Encoding>> paramFull = new LinkedHashMap<>();
        Map<String, Integer> actBw = new LinkedHashMap<>();
        Map<String, Integer> paramBw = new LinkedHashMap<>();
        LegacyEncodingsFormat.DerivedRanges derived = new LegacyEncodingsFormat.DerivedRanges();
        for (QuantOverrides.Section s : QuantOverrides.Section.values()) {
            JsonNode node = s == QuantOverrides.Section.ACTIVATION ? acts : params;
            String where = sourceName + ": " + s.jsonKey();
            if (listForm != node.isArray()) {
                throw new IllegalArgumentException(where + ": expected " + (listForm ? "a list [...] (version 1.0.0)"
                        : "an object {...} (versions 0.4-0.6.1)") + ", got " + EntryFields.kind(node)
                        + ": fix the section or the version field");
            }
            Map<String, List<Encoding>> full = s == QuantOverrides.Section.ACTIVATION ? actFull : paramFull;
            Map<String, Integer> bw = s == QuantOverrides.Section.ACTIVATION ? actBw : paramBw;
            if (listForm) {
                V1EncodingsFormat.readSection(node, where, full, bw);
            } else {
                LegacyEncodingsFormat.readSection(node, where, options, full, bw, derived);
            }
        }
        Map<String, Object> quantizerArgs = new LinkedHashMap<>();
        JsonNode qa = root.get("quantizer_args");
        if (qa != null && !qa.isNull()) {
            if (!qa.isObject()) {
                throw new IllegalArgumentException(sourceName + ": quantizer_args: expected an object {...}, got "
                        + EntryFields.kind(qa));
            }
            quantizerArgs = MAPPER.convertValue(qa, MAPPER.getTypeFactory()
                    .constructMapType(LinkedHashMap.class, String.class, Object.class));
        }
        String note = derived.describe(sourceName);
        try {
            return new QuantOverrides(actFull, paramFull, actBw, paramBw, quantizerArgs)
                    .withNotes(note == null ? List.of() : List.of(note));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(sourceName + ": " + e.getMessage(), e);
        }
    }

    /** The version a file declares (or, without a {@code version} field, the form its sections have). */
    public static EncodingsVersion detectVersion(String json, String sourceName) {
        JsonNode root = parseTree(json, sourceName);
        JsonNode v = root.get("version");
        if (v != null && (v.isTextual() || v.isNumber()) && EncodingsVersion.fromText(v.asText()) != null) {
            return EncodingsVersion.fromText(v.asText());
        }
        JsonNode acts = root.get(QuantOverrides.Section.ACTIVATION.jsonKey());
        return acts != null && acts.isArray() ? EncodingsVersion.V1_0_0 : EncodingsVersion.V0_6_1;
    }

    private static JsonNode parseTree(String json, String sourceName) {
        try {
            // through a reader that watches for Ctrl-C: a large file's parse stops within one chunk (issue 18.6)
            JsonNode root = MAPPER.readTree(CancellableReader.of(json, "reading " + sourceName));
            if (root == null || root.isMissingNode()) {
                throw new IllegalArgumentException(sourceName + ": the file is empty: expected a JSON object with"
                        + " activation_encodings and param_encodings");
            }
            return root;
        } catch (JacksonException e) {
            JsonLocation loc = e.getLocation();
            String at = loc == null ? "" : ":" + loc.getLineNr() + ":" + loc.getColumnNr();
            String msg = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
            msg = msg.replace('\n', ' ').replace('\r', ' ')
                    .replaceAll(": enable `JsonReadFeature\\.[A-Z_]+` to allow", " (NaN and Infinity are not JSON numbers)");
            throw new IllegalArgumentException(sourceName + at + ": invalid JSON: " + msg + ": fix the syntax there");
        } catch (java.io.IOException e) { // a string reader fails only as a parse error (a JacksonException)
            throw new IllegalArgumentException(sourceName + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static JsonNode section(JsonNode root, QuantOverrides.Section s, String sourceName) {
        JsonNode n = root.get(s.jsonKey());
        if (n == null || n.isNull()) {
            throw new IllegalArgumentException(sourceName + ": '" + s.jsonKey() + "' is missing: the spec requires"
                    + " both activation_encodings and param_encodings (use {} for none)");
        }
        return n;
    }

    /** The JSON text of {@code overrides} in {@code version}'s form (AIMET offset convention, offset ≤ 0). */
    public static String toJson(QuantOverrides overrides, EncodingsVersion version) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("version", version.text());
        if (version.listForm()) {
            root.set("activation_encodings",
                    V1EncodingsFormat.writeSection(overrides.activations(), overrides.activationBitwidths()));
            root.set("param_encodings", V1EncodingsFormat.writeSection(overrides.params(), overrides.paramBitwidths()));
        } else {
            root.set("activation_encodings",
                    LegacyEncodingsFormat.writeSection(overrides.activations(), overrides.activationBitwidths()));
            root.set("param_encodings",
                    LegacyEncodingsFormat.writeSection(overrides.params(), overrides.paramBitwidths()));
            if (version == EncodingsVersion.V0_6_1 && !overrides.quantizerArgs().isEmpty()) {
                root.set("quantizer_args", MAPPER.valueToTree(overrides.quantizerArgs()));
            }
        }
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize encodings: " + e.getOriginalMessage(), e);
        }
    }

    /** Writes {@code overrides} to {@code file} in {@code version}'s form; the file appears whole or not at all. */
    public static void write(Path file, QuantOverrides overrides, EncodingsVersion version) {
        AtomicFile.write(file, toJson(overrides, version).getBytes(StandardCharsets.UTF_8));
    }
}
