package qsh.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import qsh.core.quant.EncoderOptions;
import qsh.core.quant.Encoding;
import qsh.core.quant.Explanation;
import qsh.core.quant.TfEncoder;

/** write → read reproduces the same encodings exactly, in every version. */
class EncodingsJsonRoundTripTest {
    @TempDir
    Path dir;

    private static QuantOverrides sample() {
        Map<String, List<Encoding>> acts = new LinkedHashMap<>();
        acts.put("input", List.of(TfEncoder.fromTrueRange(-1.8, 0.5, 8, EncoderOptions.DEFAULTS, Explanation.NONE)));
        acts.put("relu_out", List.of(TfEncoder.fromTrueRange(0, 6.25, 16, EncoderOptions.DEFAULTS, Explanation.NONE)));
        acts.put("half", List.of(Encoding.floatingPoint(16)));
        Map<String, List<Encoding>> params = new LinkedHashMap<>();
        params.put("conv.weight", List.of(Encoding.symmetricFromAbsMax(8, 0.7011175155639648),
                Encoding.symmetricFromAbsMax(8, 0.5228064656257629), Encoding.symmetricFromAbsMax(8, 1e-3)));
        params.put("fc.weight", List.of(Encoding.symmetricFromAbsMax(4, 2.5)));
        params.put("fc.bias", List.of(Encoding.fromScaleAndZeroPoint(32, 0.0078125 * 1.3e-3, 1L << 31, true)));
        params.put("unsigned", List.of(Encoding.fromScaleAndZeroPoint(8, 0.01, 0, true)));
        params.put("f32", List.of(Encoding.floatingPoint(32)));
        return new QuantOverrides(acts, params, Map.of("conv2_out", 16), Map.of("conv2_w", 4),
                Map.of("activation_bitwidth", 8, "per_channel_quantization", true, "quant_scheme", "post_training_tf"));
    }

    @ParameterizedTest
    @EnumSource(EncodingsVersion.class)
    void sampleRoundTripsExactly(EncodingsVersion version) {
        QuantOverrides in = sample();
        Path p = dir.resolve("out.encodings");
        EncodingsJson.write(p, in, version);
        QuantOverrides back = EncodingsJson.read(p);
        if (version.listForm()) {
            // 1.0.0 stores no max: the grid (scale, offset, min) is exact, max is re-derived (last bit may differ
            // for a symmetric grid built by scale, here the 32-bit bias)
            assertSameGrids(in.activations(), back.activations());
            assertSameGrids(in.params(), back.params());
        } else {
            assertEquals(in.activations(), back.activations());
            assertEquals(in.params(), back.params());
        }
        assertEquals(in.activationBitwidths(), back.activationBitwidths());
        assertEquals(in.paramBitwidths(), back.paramBitwidths());
        assertEquals(version == EncodingsVersion.V0_6_1 ? in.quantizerArgs() : Map.of(), back.quantizerArgs());
        assertEquals(version, EncodingsJson.detectVersion(EncodingsJson.toJson(in, version), "x"));
    }

    private static void assertSameGrids(Map<String, List<Encoding>> expected, Map<String, List<Encoding>> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String k : expected.keySet()) {
            List<Encoding> a = expected.get(k);
            List<Encoding> b = actual.get(k);
            assertEquals(a.size(), b.size(), k);
            for (int i = 0; i < a.size(); i++) {
                Encoding x = a.get(i);
                Encoding y = b.get(i);
                assertEquals(x.dtype(), y.dtype(), k);
                assertEquals(x.bitwidth(), y.bitwidth(), k);
                if (x.isInt()) {
                    assertEquals(x.scale(), y.scale(), k);
                    assertEquals(x.zeroPoint(), y.zeroPoint(), k);
                    assertEquals(x.symmetric(), y.symmetric(), k);
                    assertEquals(x.min(), y.min(), k);
                    assertEquals(x.max(), y.max(), 2 * Math.ulp(x.max()), k);
                }
            }
        }
    }

    /** Many random ranges and bitwidths: every asymmetric and symmetric grid survives both forms bit-exactly. */
    @ParameterizedTest
    @EnumSource(value = EncodingsVersion.class, names = {"V0_6_1", "V1_0_0"})
    void randomGridsRoundTripExactly(EncodingsVersion version) {
        Random rnd = new Random(20261128);
        Map<String, List<Encoding>> acts = new LinkedHashMap<>();
        Map<String, List<Encoding>> params = new LinkedHashMap<>();
        int[] bws = {4, 8, 16, 32};
        for (int i = 0; i < 2000; i++) {
            int bw = bws[rnd.nextInt(bws.length)];
            double lo = -Math.exp(rnd.nextGaussian() * 4) * (rnd.nextInt(4) == 0 ? 0 : 1);
            double hi = Math.exp(rnd.nextGaussian() * 4) * (rnd.nextInt(4) == 0 ? 0 : 1);
            acts.put("a" + i, List.of(TfEncoder.fromTrueRange(lo, hi, bw, EncoderOptions.DEFAULTS, Explanation.NONE)));
            List<Encoding> channels = new ArrayList<>();
            for (int c = 0; c < 1 + rnd.nextInt(3); c++) {
                // absMax ≥ 1e-3: reading enforces the minimum range 0.0001 (covered by its own test)
                channels.add(Encoding.symmetricFromAbsMax(bw, Math.max(1e-3, Math.exp(rnd.nextGaussian() * 4))));
            }
            params.put("w" + i, channels);
        }
        QuantOverrides in = QuantOverrides.of(acts, params);
        QuantOverrides back = EncodingsJson.parse(EncodingsJson.toJson(in, version), "random", EncoderOptions.DEFAULTS);
        for (String k : acts.keySet()) {
            assertEquals(acts.get(k), back.activations().get(k), k);
        }
        for (String k : params.keySet()) {
            assertEquals(params.get(k), back.params().get(k), k);
        }
    }

    @Test
    void specExampleRoundTripsThroughBothForms() {
        QuantOverrides spec = SpecJson.parse("spec-overrides-example.json");
        for (EncodingsVersion v : EncodingsVersion.values()) {
            assertEquals(spec, EncodingsJson.parse(EncodingsJson.toJson(spec, v), v.text(), EncoderOptions.DEFAULTS),
                    v.text());
        }
    }

    /** What the files look like: AIMET field names, string is_symmetric, offsets ≤ 0. */
    @Test
    void writtenFieldsFollowAimet() throws IOException {
        ObjectMapper m = new ObjectMapper();
        JsonNode legacy = m.readTree(EncodingsJson.toJson(sample(), EncodingsVersion.V0_6_1));
        assertEquals("0.6.1", legacy.get("version").asText());
        JsonNode in = legacy.get("activation_encodings").get("input").get(0);
        assertEquals(-200, in.get("offset").asLong()); // the spec's worked example: zero point 200
        assertEquals("False", in.get("is_symmetric").asText());
        assertEquals("int", in.get("dtype").asText());
        JsonNode w = legacy.get("param_encodings").get("conv.weight");
        assertEquals(3, w.size());
        assertEquals("True", w.get(1).get("is_symmetric").asText());
        assertEquals(-128, w.get(1).get("offset").asLong());
        assertEquals("float", legacy.get("activation_encodings").get("half").get(0).get("dtype").asText());
        assertFalse(legacy.get("activation_encodings").get("half").get(0).has("scale"));
        assertTrue(legacy.has("quantizer_args"));

        JsonNode v1 = m.readTree(EncodingsJson.toJson(sample(), EncodingsVersion.V1_0_0));
        JsonNode conv = null;
        for (JsonNode e : v1.get("param_encodings")) {
            if (e.get("name").asText().equals("conv.weight")) {
                conv = e;
            }
        }
        assertEquals("PER_CHANNEL", conv.get("enc_type").asText());
        assertEquals("INT", conv.get("dtype").asText());
        assertTrue(conv.get("is_sym").asBoolean());
        assertEquals(3, conv.get("scale").size());
        assertEquals(-128, conv.get("offset").get(2).asLong());
        assertFalse(v1.has("quantizer_args"));
    }

    @Test
    void failedWriteLeavesTargetUntouchedAndNoTempFiles() throws IOException {
        Path p = dir.resolve("keep.json");
        Files.writeString(p, "old");
        QuantOverrides bad = new QuantOverrides(Map.of(), Map.of(), Map.of(), Map.of(),
                Map.of("x", new Object() { }));
        try {
            EncodingsJson.write(p, bad, EncodingsVersion.V0_6_1);
        } catch (RuntimeException expected) {
            // serialization of an arbitrary object fails before any file is touched
        }
        assertEquals("old", Files.readString(p));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count());
        }
    }
}
