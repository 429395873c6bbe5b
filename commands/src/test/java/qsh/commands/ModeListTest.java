package qsh.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import qsh.commands.spi.Command;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Settings;
import qsh.core.quant.QuantMode;

/** One mode list: every option that names an encoder, the 'mode' setting's help and parse errors come from QuantMode. */
class ModeListTest {
    private static final List<String> ENCODER_OPTIONS = List.of("mode", "act-quantizer", "param-quantizer", "act_quantizer",
            "param_quantizer");

    @Test
    void everyEncoderChoiceIsQuantModesIds() {
        List<String> seen = new ArrayList<>();
        for (Command c : CommandRegistry.standard().all()) {
            for (OptionSpec o : c.spec().allOptions()) {
                if (ENCODER_OPTIONS.contains(o.name()) && !o.choices().isEmpty()) {
                    assertEquals(QuantMode.ids(), o.choices(), c.spec().name() + " --" + o.name());
                    seen.add(c.spec().name() + " --" + o.name());
                }
            }
        }
        // encode, quantize, sweep, hist (--mode), calibrate and qairt-quantizer (both quantizers) at least
        assertTrue(seen.containsAll(List.of("encode --mode", "hist --mode", "calibrate --act-quantizer",
                "calibrate --param-quantizer", "qairt-quantizer --act_quantizer")), seen.toString());
    }

    @Test
    void theSettingsHelpAndTheParseErrorListEveryMode() {
        String help = Settings.descriptions().get("mode");
        String error = assertThrows(IllegalArgumentException.class, () -> QuantMode.parse("tf-enhanced")).getMessage();
        assertEquals("unknown mode 'tf-enhanced': use tf, symmetric, enhanced, adjusted or percentile", error);
        for (QuantMode m : QuantMode.values()) {
            assertTrue(help.contains(m.id()), help);
            assertEquals(m, QuantMode.parse(m.id().toUpperCase(java.util.Locale.ROOT)));
        }
    }
}
