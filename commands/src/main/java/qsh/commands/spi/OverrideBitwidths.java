package qsh.commands.spi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import qsh.core.quant.Encoding;
import qsh.core.sim.QuantOverrides;

/**
 * The bitwidths an overrides file may give (spec: quantization overrides), checked when the file is read by
 * {@code encodings load} and by the batch command's {@code --quantization_overrides}.
 */
public final class OverrideBitwidths {
    private OverrideBitwidths() {}

    /** The integer bitwidths an override may have, in any role (the planner then checks the role: 32 only for INT32 ops and biases). */
    private static final Set<Integer> ALLOWED = Set.of(4, 8, 16, 32);

    /**
     * Refuses, when the file is loaded, an integer override whose bitwidth no tensor can have (7, 12, …), instead of
     * failing only at the next calibrate: one line naming the file, the tensor and the widths that work.
     */
    public static QuantOverrides check(QuantOverrides ov, String file) {
        for (QuantOverrides.Section s : QuantOverrides.Section.values()) {
            Map<String, Integer> widths = new LinkedHashMap<>(ov.bitwidthsOnly(s));
            ov.encodings(s).forEach((t, encs) -> encs.stream().filter(Encoding::isInt).findFirst()
                    .ifPresent(e -> widths.putIfAbsent(t, e.bitwidth())));
            widths.forEach((t, bw) -> {
                if (!ALLOWED.contains(bw)) {
                    throw new CommandException(file + ": " + s.jsonKey() + " '" + t + "' has bitwidth " + bw
                            + ": integer overrides use 4, 8 or 16 bits (32 for INT32 ops and biases); fix the file");
                }
            });
        }
        return ov;
    }
}
