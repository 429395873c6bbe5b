package qsh.core.sim;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import qsh.core.quant.EncoderOptions;

/** Loads the spec's JSON examples, copied verbatim from qnn-quantization.txt into test resources. */
final class SpecJson {
    private SpecJson() {}

    static String text(String resource) {
        try (InputStream in = SpecJson.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static QuantOverrides parse(String resource) {
        return EncodingsJson.parse(text(resource), resource, EncoderOptions.DEFAULTS);
    }

    /** The per-channel examples are bare tensor maps (the content of param_encodings): wrap them. */
    static QuantOverrides parseParamFragment(String resource) {
        String json = "{\"activation_encodings\": {}, \"param_encodings\": " + text(resource) + "}";
        return EncodingsJson.parse(json, resource, EncoderOptions.DEFAULTS);
    }
}
