package qsh.core.sim;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import qsh.core.quant.EncoderOptions;

/**
 * Damaged files (characters deleted, replaced or duplicated at random) either still parse or fail with one
 * IllegalArgumentException line that names the file: never another exception type.
 */
class EncodingsJsonMutationTest {
    private static final String CHARS = "{}[]:,\"0123456789.-eE truefalsnTF";

    @ParameterizedTest
    @ValueSource(strings = {"spec-overrides-example.json", "spec-mixed-precision-full.json",
            "spec-mixed-precision-partial.json", "v1"})
    void damagedFilesFailCleanly(String resource) {
        String base = resource.equals("v1")
                ? EncodingsJson.toJson(SpecJson.parse("spec-overrides-example.json"), EncodingsVersion.V1_0_0)
                : SpecJson.text(resource);
        Random rnd = new Random(resource.hashCode());
        int failures = 0;
        for (int trial = 0; trial < 3000; trial++) {
            StringBuilder sb = new StringBuilder(base);
            for (int m = 0; m < 1 + rnd.nextInt(3); m++) {
                int at = rnd.nextInt(sb.length());
                switch (rnd.nextInt(3)) {
                    case 0 -> sb.deleteCharAt(at);
                    case 1 -> sb.setCharAt(at, CHARS.charAt(rnd.nextInt(CHARS.length())));
                    default -> sb.insert(at, sb.charAt(at));
                }
            }
            try {
                EncodingsJson.parse(sb.toString(), "damaged.json", EncoderOptions.DEFAULTS);
            } catch (IllegalArgumentException e) {
                failures++;
                assertTrue(e.getMessage().startsWith("damaged.json"), e.getMessage());
                assertFalse(e.getMessage().contains("\n"), e.getMessage());
            } catch (RuntimeException e) {
                fail("unexpected " + e + " for:\n" + sb, e);
            }
        }
        assertTrue(failures > 1000, "most damaged files must be rejected, got " + failures);
    }
}
