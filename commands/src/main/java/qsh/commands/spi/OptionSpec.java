package qsh.commands.spi;

import java.util.List;

/**
 * One option of a command: {@code --name VALUE} (or a flag when {@code valueName} is null).
 *
 * @param name        long name without dashes
 * @param valueName   placeholder shown in help (null for a flag)
 * @param description one line for help and hints
 * @param choices     allowed values (empty = free)
 */
public record OptionSpec(String name, String valueName, String description, List<String> choices) {
    /** A flag (no value). */
    public static OptionSpec flag(String name, String description) {
        return new OptionSpec(name, null, description, List.of());
    }

    /** An option taking a free value. */
    public static OptionSpec value(String name, String valueName, String description) {
        return new OptionSpec(name, valueName, description, List.of());
    }

    /** An option taking one of {@code choices}. */
    public static OptionSpec choice(String name, String description, String... choices) {
        return new OptionSpec(name, String.join("|", choices), description, List.of(choices));
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
}
