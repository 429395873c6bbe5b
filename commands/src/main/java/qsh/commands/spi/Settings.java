package qsh.commands.spi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import qsh.core.quant.EncoderOptions;
import qsh.core.quant.QuantMode;
import qsh.core.quant.Rounding;
import qsh.core.tensor.MemoryBudget;

/** Every user setting in one place ({@code set} lists them). Immutable; {@link #with} returns a changed copy. */
public record Settings(Rounding rounding, double minRange, int bitwidth, QuantMode mode, String feedback,
                       boolean timing, String colour, double percentile, int bins, long jsStatementLimit,
                       long memoryBudget) {
    /** The defaults: half-even, min range 0.0001, 8 bits, tf, normal feedback, no timing, colour auto, memory budget auto. */
    public static final Settings DEFAULTS = new Settings(Rounding.HALF_EVEN, EncoderOptions.SPEC_MIN_RANGE, 8,
            QuantMode.TF, "normal", false, "auto", 99.99, EncoderOptions.DEFAULT_BINS, 0, 0);

    /** The setting names with their current values, as shown by {@code set}. */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("rounding", rounding == Rounding.HALF_EVEN ? "half-even" : "half-away");
        m.put("min-range", fmt(minRange));
        m.put("bitwidth", Integer.toString(bitwidth));
        m.put("mode", mode.id());
        m.put("percentile", fmt(percentile));
        m.put("bins", Integer.toString(bins));
        m.put("feedback", feedback);
        m.put("timing", timing ? "on" : "off");
        m.put("colour", colour);
        m.put("js-statement-limit", jsStatementLimit == 0 ? "none" : Long.toString(jsStatementLimit));
        m.put("memory-budget", memoryBudget == 0 ? "auto" : MemoryBudget.describe(memoryBudget));
        return m;
    }

    /** One-line descriptions of the settings, for help and completion. */
    public static Map<String, String> descriptions() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("rounding", "grid rounding: half-even (ONNX QuantizeLinear rule) | half-away");
        m.put("min-range", "smallest encoding range (spec: 0.0001)");
        m.put("bitwidth", "default bitwidth for encode/quantize (2-16, or 32)");
        m.put("mode", "default encoder: " + QuantMode.joined(" | "));
        m.put("percentile", "percentile used by the percentile encoder (50-100]");
        m.put("bins", "histogram bins for enhanced/percentile, in encode and calibrate (default "
                + EncoderOptions.DEFAULT_BINS + ")");
        m.put("feedback", "silent | normal | verbose (verbose explains every step)");
        m.put("timing", "on | off: print each command's time");
        m.put("colour", "auto | on | off");
        m.put("js-statement-limit", "stop a js command after N statements (none | N; a new JavaScript context starts)");
        m.put("memory-budget", "largest tensor a command may create (auto = half the heap | SIZE, e.g. 512m, 2g)");
        m.put("allow-read", "JavaScript may also read under PATH (set adds one; default: working, script, data, temp folders)");
        m.put("allow-write", "JavaScript may also write under PATH (set adds one; same defaults as allow-read)");
        return m;
    }

    /** The values a setting takes when they are a fixed list (for completion); empty for numbers and sizes. */
    public static List<String> choices(String name) {
        switch (name) {
            case "rounding": return List.of("half-even", "half-away");
            case "mode": return java.util.Arrays.stream(QuantMode.values()).map(QuantMode::id).toList();
            case "feedback": return List.of("silent", "normal", "verbose");
            case "timing": return List.of("on", "off");
            case "colour":
            case "color": return List.of("auto", "on", "off");
            default: return List.of();
        }
    }

    /** A copy with {@code name} set to {@code value}; validates and names the allowed values on error. */
    public Settings with(String name, String value) {
        String v = value.toLowerCase(Locale.ROOT);
        try {
            switch (name) {
                case "rounding":
                    if (v.equals("half-even")) {
                        return new Settings(Rounding.HALF_EVEN, minRange, bitwidth, mode, feedback, timing, colour, percentile, bins, jsStatementLimit, memoryBudget);
                    }
                    if (v.equals("half-away")) {
                        return new Settings(Rounding.HALF_AWAY_FROM_ZERO, minRange, bitwidth, mode, feedback, timing, colour, percentile, bins, jsStatementLimit, memoryBudget);
                    }
                    throw new CommandException("rounding must be half-even or half-away, not '" + value + "'");
                case "min-range": {
                    double d = Double.parseDouble(v);
                    new EncoderOptions(d, rounding, percentile, bins);
                    return new Settings(rounding, d, bitwidth, mode, feedback, timing, colour, percentile, bins, jsStatementLimit, memoryBudget);
                }
                case "bitwidth": {
                    int b = Integer.parseInt(v);
                    qsh.core.quant.Encoding.checkIntBitwidth(b);
                    return new Settings(rounding, minRange, b, mode, feedback, timing, colour, percentile, bins, jsStatementLimit, memoryBudget);
                }
                case "mode":
                    return new Settings(rounding, minRange, bitwidth, QuantMode.parse(v), feedback, timing, colour, percentile, bins, jsStatementLimit, memoryBudget);
                case "percentile": {
                    double d = Double.parseDouble(v);
                    new EncoderOptions(minRange, rounding, d, bins);
                    return new Settings(rounding, minRange, bitwidth, mode, feedback, timing, colour, d, bins, jsStatementLimit, memoryBudget);
                }
                case "bins": {
                    int b = Integer.parseInt(v);
                    new EncoderOptions(minRange, rounding, percentile, b);
                    return new Settings(rounding, minRange, bitwidth, mode, feedback, timing, colour, percentile, b, jsStatementLimit, memoryBudget);
                }
                case "feedback":
                    if (!v.matches("silent|normal|verbose")) {
                        throw new CommandException("feedback must be silent, normal or verbose, not '" + value + "'");
                    }
                    return new Settings(rounding, minRange, bitwidth, mode, v, timing, colour, percentile, bins, jsStatementLimit, memoryBudget);
                case "timing":
                    if (!v.matches("on|off")) {
                        throw new CommandException("timing must be on or off, not '" + value + "'");
                    }
                    return new Settings(rounding, minRange, bitwidth, mode, feedback, v.equals("on"), colour, percentile, bins, jsStatementLimit, memoryBudget);
                case "colour":
                case "color":
                    if (!v.matches("auto|on|off")) {
                        throw new CommandException("colour must be auto, on or off, not '" + value + "'");
                    }
                    return new Settings(rounding, minRange, bitwidth, mode, feedback, timing, v, percentile, bins, jsStatementLimit, memoryBudget);
                case "js-statement-limit": {
                    long n = v.equals("none") || v.equals("0") ? 0 : Long.parseLong(v);
                    if (n < 0) {
                        throw new CommandException("js-statement-limit must be none or a positive count, not '" + value + "'");
                    }
                    return new Settings(rounding, minRange, bitwidth, mode, feedback, timing, colour, percentile, bins, n, memoryBudget);
                }
                case "memory-budget":
                    return new Settings(rounding, minRange, bitwidth, mode, feedback, timing, colour, percentile, bins,
                            jsStatementLimit, MemoryBudget.parse(value));
                default:
                    throw new CommandException("unknown setting '" + name + "'"
                            + qsh.commands.spi.Suggest.hint(name, descriptions().keySet(), "") + "; type 'set' to list them");
            }
        } catch (CommandException e) {
            throw e;
        } catch (NumberFormatException e) {
            throw new CommandException(name + " needs a number, not '" + value + "'");
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage());
        }
    }

    /** The encoder options these settings imply. */
    public EncoderOptions encoderOptions() {
        return new EncoderOptions(minRange, rounding, percentile, bins);
    }

    private static String fmt(double d) {
        return Format.num(d);
    }
}
