package qsh.core.sim;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import qsh.core.quant.EncoderOptions;
import qsh.core.testing.FuzzVerdict;

/**
 * Jazzer target: an encodings JSON file as {@code encodings load} parses it. Property: it loads, or fails with one
 * of qsh's user-facing errors ({@link FuzzVerdict}); what loads is written back in the default version and that
 * text loads again (qsh never writes an encodings file it cannot read). Corpus: {@code EncodingsJsonFuzzerInputs/fuzz}.
 */
class EncodingsJsonFuzzer {
    @FuzzTest
    void fuzz(byte[] bytes) {
        String json = new String(bytes, StandardCharsets.UTF_8);
        QuantOverrides parsed;
        try {
            EncodingsJson.detectVersion(json, "fuzz.encodings");
            parsed = EncodingsJson.parse(json, "fuzz.encodings", EncoderOptions.DEFAULTS);
        } catch (RuntimeException e) {
            FuzzVerdict.requireUsersError(e);
            return;
        }
        String written = EncodingsJson.toJson(parsed, EncodingsJson.DEFAULT_VERSION);
        EncodingsJson.parse(written, "rewritten.encodings", EncoderOptions.DEFAULTS);
    }
}
