package qsh.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import qsh.core.quant.EncoderOptions;
import qsh.core.quant.Encoding;

/** Bad files give one line naming the file, the section, the tensor and the field (or line:column for syntax). */
class EncodingsJsonErrorsTest {
    @TempDir
    Path dir;

    private static String q(String s) {
        return s.replace('\'', '"');
    }

    private static final String E = "'activation_encodings': {}, ";

    static Stream<Arguments> badFiles() {
        return Stream.of(
            Arguments.of("syntax", "{'activation_encodings': {,}}", "bad.json:1:27: invalid JSON"),
            Arguments.of("syntax on line 3", "{\n'activation_encodings': {},\n'param_encodings': {'w': [}\n}",
                    "bad.json:3:"),
            Arguments.of("duplicate key", "{'activation_encodings': {}, 'activation_encodings': {}, 'param_encodings': {}}",
                    "bad.json:1:"),
            Arguments.of("NaN", "{" + E + "'param_encodings': {'w': [{'bitwidth': 8, 'min': NaN, 'max': 1}]}}",
                    "bad.json:1:"),
            Arguments.of("trailing text", "{" + E + "'param_encodings': {}} x", "bad.json:1:"),
            Arguments.of("empty file", "", "bad.json: the file is empty"),
            Arguments.of("not an object", "[1, 2]", "bad.json: expected a JSON object"),
            Arguments.of("missing param section", "{'activation_encodings': {}}",
                    "bad.json: 'param_encodings' is missing"),
            Arguments.of("missing activation section", "{'param_encodings': {}}",
                    "bad.json: 'activation_encodings' is missing"),
            Arguments.of("unknown version", "{'version': '2.0.0', " + E + "'param_encodings': {}}",
                    "bad.json: version \"2.0.0\" is not supported"),
            Arguments.of("bitwidth as string", "{" + E + "'param_encodings': {'w': [{'bitwidth': '8', 'min': -1, 'max': 1}]}}",
                    "bad.json: param_encodings 'w': field 'bitwidth': expected an integer, got string \"8\""),
            Arguments.of("bitwidth missing", "{'activation_encodings': {'a': [{'min': -1, 'max': 1}]}, 'param_encodings': {}}",
                    "bad.json: activation_encodings 'a': field 'bitwidth': missing"),
            Arguments.of("unsupported int bitwidth", "{" + E + "'param_encodings': {'w': [{'bitwidth': 64, 'min': -1, 'max': 1}]}}",
                    "bad.json: param_encodings 'w': field 'bitwidth': bitwidth 64 is not supported"),
            Arguments.of("unsupported float bitwidth", "{" + E + "'param_encodings': {'w': [{'bitwidth': 8, 'dtype': 'float'}]}}",
                    "bad.json: param_encodings 'w': field 'bitwidth': a float encoding must be 16 or 32 bits"),
            Arguments.of("bad dtype", "{" + E + "'param_encodings': {'w': [{'bitwidth': 8, 'dtype': 'double'}]}}",
                    "bad.json: param_encodings 'w': field 'dtype': expected one of int, float"),
            Arguments.of("bad is_symmetric", "{" + E + "'param_encodings': {'w': [{'bitwidth': 8, 'is_symmetric': 'maybe', 'min': -1, 'max': 1}]}}",
                    "field 'is_symmetric': expected \"True\", \"False\""),
            Arguments.of("min > max", "{" + E + "'param_encodings': {'w': [{'bitwidth': 8, 'min': 2, 'max': 1}]}}",
                    "bad.json: param_encodings 'w': field 'min': min 2.0 is greater than max 1.0"),
            Arguments.of("min without max", "{" + E + "'param_encodings': {'w': [{'bitwidth': 8, 'min': -1}]}}",
                    "bad.json: param_encodings 'w': field 'max': missing"),
            Arguments.of("max as string", "{" + E + "'param_encodings': {'w': [{'bitwidth': 8, 'min': -1, 'max': '1'}]}}",
                    "field 'max': expected a finite number"),
            Arguments.of("fractional offset", "{" + E + "'param_encodings': {'w': [{'bitwidth': 8, 'min': -1, 'max': 1, 'offset': -3.5}]}}",
                    "field 'offset': expected a whole number"),
            Arguments.of("empty list", "{" + E + "'param_encodings': {'w': []}}",
                    "bad.json: param_encodings 'w': expected a non-empty list"),
            Arguments.of("per-channel asymmetric", "{" + E + "'param_encodings': {'w': ["
                    + "{'bitwidth': 8, 'is_symmetric': 'True', 'min': -1.0, 'max': 0.9921875, 'offset': -128},"
                    + "{'bitwidth': 8, 'is_symmetric': 'False', 'min': -1, 'max': 3, 'offset': -64}]}}",
                    "bad.json: param_encodings 'w' [1]: field 'is_symmetric': per-channel encodings must be symmetric"),
            Arguments.of("per-channel wrong offset", "{" + E + "'param_encodings': {'w': ["
                    + "{'bitwidth': 8, 'min': -1.0, 'max': 0.9921875, 'offset': -128},"
                    + "{'bitwidth': 8, 'min': -1.0, 'max': 0.9921875, 'offset': -127}]}}",
                    "bad.json: param_encodings 'w' [1]: field 'offset': per-channel encodings need offset -128"),
            Arguments.of("per-channel mixed bitwidths", "{" + E + "'param_encodings': {'w': ["
                    + "{'bitwidth': 8, 'min': -1.0, 'max': 0.9921875}, {'bitwidth': 4, 'min': -1.0, 'max': 0.875}]}}",
                    "bad.json: param_encodings 'w': per-channel entries mix"),
            Arguments.of("per-channel without range", "{" + E + "'param_encodings': {'w': ["
                    + "{'bitwidth': 8}, {'bitwidth': 8}]}}",
                    "bad.json: param_encodings 'w' [0]: a per-channel entry needs min and max"),
            Arguments.of("1.0.0 with dict sections", "{'version': '1.0.0', " + E + "'param_encodings': {}}",
                    "bad.json: activation_encodings: expected a list [...] (version 1.0.0)"),
            Arguments.of("0.6.1 with list sections", "{'version': '0.6.1', 'activation_encodings': [], 'param_encodings': []}",
                    "bad.json: activation_encodings: expected an object {...} (versions 0.4-0.6.1)"),
            Arguments.of("1.0.0 missing name", "{'version': '1.0.0', 'activation_encodings': [], 'param_encodings': [{'bw': 8}]}",
                    "bad.json: param_encodings [0]: field 'name': missing"),
            Arguments.of("1.0.0 duplicate", "{'version': '1.0.0', 'activation_encodings': [], 'param_encodings': ["
                    + "{'name': 'w', 'bw': 16, 'dtype': 'FLOAT'}, {'name': 'w', 'bw': 16, 'dtype': 'FLOAT'}]}",
                    "bad.json: param_encodings 'w': appears twice"),
            Arguments.of("1.0.0 per-block", "{'version': '1.0.0', 'activation_encodings': [], 'param_encodings': ["
                    + "{'name': 'w', 'bw': 4, 'dtype': 'INT', 'enc_type': 'PER_BLOCK', 'is_sym': true, 'scale': [0.1], 'offset': [-8]}]}",
                    "bad.json: param_encodings 'w': field 'enc_type': PER_BLOCK (blockwise) encodings are not supported"),
            Arguments.of("1.0.0 scale/offset counts", "{'version': '1.0.0', 'activation_encodings': [], 'param_encodings': ["
                    + "{'name': 'w', 'bw': 8, 'enc_type': 'PER_CHANNEL', 'is_sym': true, 'scale': [0.1, 0.2], 'offset': [-128]}]}",
                    "field 'offset': 1 offsets for 2 scales"),
            Arguments.of("1.0.0 per-tensor two scales", "{'version': '1.0.0', 'activation_encodings': [], 'param_encodings': ["
                    + "{'name': 'w', 'bw': 8, 'scale': [0.1, 0.2], 'offset': [0, 0]}]}",
                    "field 'scale': PER_TENSOR needs exactly one scale"),
            Arguments.of("1.0.0 positive offset", "{'version': '1.0.0', 'activation_encodings': [{'name': 'a', 'bw': 8,"
                    + " 'scale': [0.1], 'offset': [12]}], 'param_encodings': []}",
                    "bad.json: activation_encodings 'a': field 'offset': offset[0] = 12 is outside [-255, 0]"),
            Arguments.of("1.0.0 per-channel asymmetric", "{'version': '1.0.0', 'activation_encodings': [], 'param_encodings': ["
                    + "{'name': 'w', 'bw': 8, 'enc_type': 'PER_CHANNEL', 'is_sym': false, 'scale': [0.1, 0.2], 'offset': [-3, -4]}]}",
                    "field 'is_sym': per-channel encodings must be symmetric"),
            Arguments.of("1.0.0 zero scale", "{'version': '1.0.0', 'activation_encodings': [{'name': 'a', 'bw': 8,"
                    + " 'scale': [0], 'offset': [0]}], 'param_encodings': []}",
                    "field 'scale': scale[0] = 0.0 must be positive")
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void badFileIsOneClearLine(String what, String json, String expectedStart) throws IOException {
        Path p = dir.resolve("bad.json");
        Files.writeString(p, q(json));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EncodingsJson.read(p));
        String msg = e.getMessage().replace(p.toString(), "bad.json");
        assertTrue(msg.contains(expectedStart) && msg.startsWith("bad.json"), what + ": " + msg);
        assertFalse(msg.contains("\n"), "one line: " + msg);
    }

    @Test
    void emptySectionsAreFine() {
        QuantOverrides o = EncodingsJson.parse(q("{'activation_encodings': {}, 'param_encodings': {}}"), "x",
                EncoderOptions.DEFAULTS);
        assertTrue(o.isEmpty());
        assertTrue(EncodingsJson.parse(q("{'version': '1.0.0', 'activation_encodings': [], 'param_encodings': []}"),
                "x", EncoderOptions.DEFAULTS).isEmpty());
    }

    @Test
    void byteOrderMarkIsIgnored() {
        assertTrue(EncodingsJson.parse("\uFEFF" + q("{'activation_encodings': {}, 'param_encodings': {}}"), "x",
                EncoderOptions.DEFAULTS).isEmpty());
    }

    @Test
    void missingFileNamesThePath() {
        Path p = dir.resolve("none.json");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EncodingsJson.read(p));
        assertTrue(e.getMessage().startsWith(p + ": cannot read"), e.getMessage());
    }

    @Test
    void checkChannelsNamesTensorAndCounts() {
        QuantOverrides o = SpecJson.parseParamFragment("spec-per-channel-case2.fragment.json");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> o.checkChannels("features.8.conv.3.weight", 4));
        assertEquals("override for 'features.8.conv.3.weight' has 3 per-channel encodings, but the tensor has 4"
                + " output channels: give exactly 4 encodings (one per channel) or a single per-tensor encoding",
                e.getMessage());
        o.checkChannels("not-overridden", 7);
        SpecJson.parseParamFragment("spec-per-channel-case1.fragment.json").checkChannels("features.9.conv.3.weight", 7);
    }

    /** Lenient reading: booleans, float offsets, a missing is_symmetric in a per-channel list, upper-case dtype. */
    @Test
    void lenientForms() {
        QuantOverrides o = EncodingsJson.parse(q("{'version': '0.6.1', 'activation_encodings': {'a': [{'bitwidth': 16,"
                + " 'dtype': 'INT', 'is_symmetric': false, 'min': 0.5, 'max': 2.0, 'offset': 0.0, 'scale': 1}]},"
                + " 'param_encodings': {'w': [{'bitwidth': 4, 'min': -0.8, 'max': 0.7},"
                + " {'bitwidth': 4, 'min': -1.6, 'max': 1.4, 'offset': -8.0}]},"
                + " 'quantizer_args': {'activation_bitwidth': 16, 'quant_scheme': 'post_training_tf'}}"),
                "x", EncoderOptions.DEFAULTS);
        Encoding a = o.activations().get("a").get(0);
        assertEquals(0.0, a.min()); // strictly positive range widened to include 0 (tf rules)
        assertEquals(2.0 / 65535, a.scale(), 1e-18);
        List<Encoding> w = o.params().get("w");
        assertTrue(w.get(0).symmetric() && w.get(1).symmetric());
        assertEquals(0.1, w.get(0).scale(), 1e-15); // max(0.7/7, 0.8/8) = 0.1
        assertEquals(-8, w.get(1).aimetOffset());
        assertEquals(16, o.quantizerArgs().get("activation_bitwidth"));
    }

    /** Reading enforces the minimum range like the encoders do (spec: 0.0001). */
    @Test
    void minimumRangeIsEnforced() {
        QuantOverrides o = EncodingsJson.parse(q("{'activation_encodings': {'a': [{'bitwidth': 8, 'min': 0, 'max': 0}]},"
                + " 'param_encodings': {}}"), "x", EncoderOptions.DEFAULTS);
        assertEquals(1e-4, o.activations().get("a").get(0).max(), 1e-12);
    }

    /** Spec "INT32 Overrides": an op's inputs and outputs overridden to 32-bit integers (bitwidth only, or a range). */
    @Test
    void int32Overrides() {
        QuantOverrides o = EncodingsJson.parse(q("{'activation_encodings': {'op2_in': [{'bitwidth': 32, 'dtype': 'int'}],"
                + " 'op2_out': [{'bitwidth': 32, 'dtype': 'int', 'min': -4.0, 'max': 4.0}]}, 'param_encodings': {}}"),
                "x", EncoderOptions.DEFAULTS);
        assertEquals(32, o.activationBitwidths().get("op2_in"));
        Encoding out = o.activations().get("op2_out").get(0);
        assertEquals(32, out.bitwidth());
        assertEquals(8.0 / 4294967295.0, out.scale(), 1e-22);
    }

    /** 1.0.0 FLOAT entries need only name, dtype and bw; an INT entry without scale/offset is bitwidth-only. */
    @Test
    void v1MinimalEntries() {
        QuantOverrides o = EncodingsJson.parse(q("{'version': '1.0.0', 'activation_encodings': [{'name': 'a', 'dtype':"
                + " 'FLOAT', 'bw': 16}, {'name': 'b', 'dtype': 'INT', 'bw': 16}], 'param_encodings': [{'name': 'w',"
                + " 'dtype': 'INT', 'enc_type': 'PER_TENSOR', 'bw': 8, 'is_sym': true, 'scale': [0.5], 'offset': [-128]}]}"),
                "x", EncoderOptions.DEFAULTS);
        assertEquals(List.of(Encoding.floatingPoint(16)), o.activations().get("a"));
        assertEquals(16, o.activationBitwidths().get("b"));
        assertEquals(Encoding.symmetricFromAbsMax(8, 63.5), o.params().get("w").get(0));
    }
}
