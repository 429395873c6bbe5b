package qsh.commands.spi;

import java.util.List;

/**
 * One option of a command: {@code --name VALUE} (or a flag when {@code valueName} is null).
 *
 * @param name         long name without dashes
 * @param valueName    placeholder shown in help (null for a flag)
 * @param text         one line for help and hints; {@code {default}} in it stands for the default value, else
 *                     {@code (default X)} is appended when there is one (see {@link #description()})
 * @param choices      allowed values (empty = free)
 * @param kind         what the value is (completion and hints follow it); null for a flag
 * @param defaultValue the value the command uses when the option is absent, as typed; null when there is none
 *                     or it depends on something else (a setting, another option). This is the one place a default
 *                     is written: help shows it and {@link Args#getInt(String)} and friends return it.
 * @param min          smallest value a number option accepts (inclusive), null when unbounded below
 * @param max          largest value a number option accepts (inclusive), null when unbounded above; {@link Args}
 *                     refuses a value outside [min, max] with one line before the command runs, so no command
 *                     clamps silently
 */
public record OptionSpec(String name, String valueName, String text, List<String> choices, ArgKind kind,
                         String defaultValue, Double min, Double max) {
    public OptionSpec {
        choices = List.copyOf(choices);
        if (defaultValue != null && !choices.isEmpty() && !choices.contains(defaultValue)) {
            throw new IllegalArgumentException("--" + name + ": default " + defaultValue + " is not one of " + choices);
        }
        if ((min != null || max != null) && kind != ArgKind.INT && kind != ArgKind.NUMBER) {
            throw new IllegalArgumentException("--" + name + ": only a number option has a range");
        }
        if (defaultValue != null && (min != null || max != null) && !inRange(Double.parseDouble(defaultValue), min, max)) {
            throw new IllegalArgumentException("--" + name + ": default " + defaultValue + " is outside its range");
        }
    }

    public OptionSpec(String name, String valueName, String text, List<String> choices, ArgKind kind, String defaultValue) {
        this(name, valueName, text, choices, kind, defaultValue, null, null);
    }

    private static boolean inRange(double v, Double min, Double max) {
        return (min == null || v >= min) && (max == null || v <= max);
    }

    /** A flag (no value). */
    public static OptionSpec flag(String name, String description) {
        return new OptionSpec(name, null, description, List.of(), null, null);
    }

    /** An option taking free text. */
    public static OptionSpec value(String name, String valueName, String description) {
        return new OptionSpec(name, valueName, description, List.of(), ArgKind.TEXT, null);
    }

    /** An option taking a value of {@code kind}. */
    public static OptionSpec of(String name, ArgKind kind, String valueName, String description) {
        return new OptionSpec(name, valueName, description, List.of(), kind, null);
    }

    /** An option naming a file. */
    public static OptionSpec file(String name, String valueName, String description) {
        return of(name, ArgKind.FILE, valueName, description);
    }

    /** An option naming a folder. */
    public static OptionSpec dir(String name, String description) {
        return of(name, ArgKind.DIR, "DIR", description);
    }

    /** An integer option. */
    public static OptionSpec integer(String name, String valueName, String description) {
        return of(name, ArgKind.INT, valueName, description);
    }

    /** A number option. */
    public static OptionSpec number(String name, String valueName, String description) {
        return of(name, ArgKind.NUMBER, valueName, description);
    }

    /** An option taking one of {@code choices}. */
    public static OptionSpec choice(String name, String description, String... choices) {
        return new OptionSpec(name, String.join("|", choices), description, List.of(choices), ArgKind.CHOICE, null);
    }

    /** The same option with the default the command uses when it is absent. */
    public OptionSpec defaults(Object value) {
        return new OptionSpec(name, valueName, text, choices, kind, String.valueOf(value), min, max);
    }

    /** The same option accepting only values in [lo, hi] (inclusive); null leaves that side open. */
    public OptionSpec range(Number lo, Number hi) {
        return new OptionSpec(name, valueName, text, choices, kind, defaultValue,
                lo == null ? null : lo.doubleValue(), hi == null ? null : hi.doubleValue());
    }

    /** The same option accepting only values of at least {@code lo}. */
    public OptionSpec atLeast(Number lo) {
        return range(lo, null);
    }

    /** The same option under another name (the spec's spelling of a shell option). */
    public OptionSpec named(String otherName) {
        return new OptionSpec(otherName, valueName, text, choices, kind, defaultValue, min, max);
    }

    /** Whether {@code v} lies in the option's range (always true without one). */
    public boolean accepts(double v) {
        return inRange(v, min, max);
    }

    /** The range in words, e.g. "1 to 1000" or "at least 1"; empty without one. */
    public String rangeText() {
        if (min != null && max != null) {
            return plain(min) + " to " + plain(max);
        }
        if (min != null) {
            return "at least " + plain(min);
        }
        return max != null ? "at most " + plain(max) : "";
    }

    /** The line help and hints show: the text with its default filled in or appended. */
    public String description() {
        String range = rangeText().isEmpty() ? "" : "; " + rangeText();
        if (defaultValue == null) {
            return range.isEmpty() ? text : text + " (" + range.substring(2) + ")";
        }
        return text.contains("{default}") ? text.replace("{default}", defaultValue) + (range.isEmpty() ? "" : " (" + range.substring(2) + ")")
                : text + " (default " + defaultValue + range + ")";
    }

    /** A bound as typed: 1000, not 1000.0. */
    private static String plain(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
                : java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /**
     * How many words the option's value takes: one per blank-separated word of {@code valueName}, so
     * {@code "NAME D1,D2,…"} reads {@code --input_dim x 1,3,224,224}.
     */
    public int arity() {
        return isFlag() ? 0 : valueName.trim().split("\\s+").length;
    }

    /** True when the option takes no value. */
    public boolean isFlag() {
        return valueName == null;
    }

    /** {@code --name VALUE} as shown in a synopsis. */
    public String usage() {
        return isFlag() ? "--" + name : "--" + name + " " + valueName;
    }

    /** The options of {@code a} followed by those of {@code b} (commands that share a block of options). */
    public static List<OptionSpec> concat(List<OptionSpec> a, List<OptionSpec> b) {
        List<OptionSpec> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** {@code a} followed by {@code more}. */
    public static List<OptionSpec> concat(List<OptionSpec> a, OptionSpec... more) {
        return concat(a, List.of(more));
    }
}
