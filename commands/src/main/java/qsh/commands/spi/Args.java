package qsh.commands.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The parsed words of one invocation, checked against the command's spec. */
public final class Args {
    private final CommandSpec spec;
    private final List<String> positional;
    private final Map<String, String> options;
    private final Map<String, List<String>> repeated;
    private final Map<String, String> wordsAfter;

    private Args(CommandSpec spec, List<String> positional, Map<String, String> options, Map<String, List<String>> repeated,
                 Map<String, String> wordsAfter) {
        this.spec = spec;
        this.positional = positional;
        this.options = options;
        this.repeated = repeated;
        this.wordsAfter = wordsAfter;
    }

    /** Parses {@code words} (without the command name); unknown options and bad choices are one-line errors. */
    public static Args parse(CommandSpec spec, List<String> words) {
        List<String> pos = new ArrayList<>();
        Map<String, String> opts = new LinkedHashMap<>();
        Map<String, List<String>> all = new LinkedHashMap<>();
        Map<String, String> after = new LinkedHashMap<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.startsWith("--") && w.length() > 2) {
                String name = w.substring(2);
                String inline = null;
                int eq = name.indexOf('=');
                if (eq > 0) {
                    inline = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                final String n = name;
                OptionSpec o = option(spec, n);
                String value;
                if (o.isFlag()) {
                    value = inline == null ? "true" : inline;
                } else if (inline != null) {
                    value = inline;
                } else {
                    int arity = o.arity();
                    if (i + arity >= words.size()) {
                        throw new CommandException("option --" + n + " needs " + (arity == 1 ? "a value" : arity + " values")
                                + ": " + o.usage());
                    }
                    value = String.join(" ", words.subList(i + 1, i + 1 + arity));
                    i += arity;
                }
                checkValue(o, value);
                opts.put(n, value);
                all.computeIfAbsent(n, k -> new ArrayList<>()).add(value);
                if (i + 1 < words.size() && !words.get(i + 1).startsWith("--")) {
                    after.put(n, words.get(i + 1)); // still a positional word; see wordAfter
                }
            } else {
                pos.add(w);
            }
        }
        checkPositional(spec, pos);
        return new Args(spec, Collections.unmodifiableList(pos), opts, all, after);
    }

    /**
     * Typed arguments (a JavaScript call such as {@code qsh.calibrate(list, {perChannel: true, actBw: 16})}), converted
     * once and checked by the same rules and messages as typed words, with no command line in between. In
     * {@code options}, a camelCase key names the kebab-case option; true is a flag, false or null leave the option out;
     * a number or string is the option's value.
     */
    public static Args of(CommandSpec spec, List<String> positional, Map<String, ?> options) {
        Map<String, String> opts = new LinkedHashMap<>();
        Map<String, List<String>> all = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : options.entrySet()) {
            Object v = e.getValue();
            if (v == null || Boolean.FALSE.equals(v)) {
                continue;
            }
            String n = e.getKey().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
            OptionSpec o = option(spec, n);
            String value;
            if (Boolean.TRUE.equals(v)) {
                value = "true";
            } else if (v instanceof Number x) {
                double d = x.doubleValue();
                value = d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : x.toString();
            } else if (v instanceof String str) {
                value = str;
            } else {
                throw new CommandException(spec.name() + ": option " + e.getKey() + " must be a number, string or boolean");
            }
            if (o.isFlag() && !value.equals("true")) {
                throw new CommandException(spec.name() + ": option " + e.getKey() + " is a flag: true or false");
            }
            if (!o.isFlag() && value.equals("true") && Boolean.TRUE.equals(v)) {
                throw new CommandException("option --" + n + " needs " + (o.arity() == 1 ? "a value" : o.arity() + " values")
                        + ": " + o.usage());
            }
            checkValue(o, value);
            opts.put(n, value);
            all.computeIfAbsent(n, k -> new ArrayList<>()).add(value);
        }
        List<String> pos = List.copyOf(positional);
        checkPositional(spec, pos);
        return new Args(spec, pos, opts, all, Map.of());
    }

    /** The option {@code n} of {@code spec}; a refused or unknown name is a one-line error with a suggestion. */
    private static OptionSpec option(CommandSpec spec, String n) {
        String refusal = spec.option(n).isEmpty() ? spec.refused().get(n) : null;
        if (refusal != null) {
            throw new CommandException("--" + n + ": " + refusal);
        }
        return spec.option(n).orElseThrow(() -> new CommandException(
                "unknown option --" + n + " for '" + spec.name() + "'" + Suggest.hint(n,
                        spec.allOptions().stream().map(OptionSpec::name).toList(), "--")
                        + " (see: help " + spec.name() + ")"));
    }

    /** An option value of the wrong kind is refused here, before the command runs: one line naming what fits. */
    private static void checkValue(OptionSpec o, String value) {
        if (!o.choices().isEmpty() && !o.choices().contains(value)) {
            throw new CommandException("--" + o.name() + " must be one of " + String.join(", ", o.choices())
                    + ", not '" + value + "'");
        }
        double v;
        if (o.kind() == ArgKind.INT) {
            v = parseInt(o.name(), value);
        } else if (o.kind() == ArgKind.NUMBER) {
            v = parseDouble(o.name(), value);
        } else {
            return;
        }
        if (!o.accepts(v)) {
            throw new CommandException("--" + o.name() + " " + value + " is out of range: use " + o.rangeText());
        }
    }

    /** A subcommand word or a positional choice that is not one of its values is refused with the list. */
    private static void checkPositional(CommandSpec spec, List<String> pos) {
        if (pos.isEmpty()) {
            return;
        }
        String first = pos.get(0);
        int start = 0;
        if (!spec.subcommands().isEmpty() && spec.subcommand(first).isPresent()) {
            start = 1;
        } else if (spec.requiresSubcommand()) {
            throw notOneOf(spec.name(), first, spec.subcommandNames());
        }
        List<ArgSpec> args = spec.argumentsAfter(start == 1 ? first : null);
        for (int i = start; i < pos.size(); i++) {
            ArgSpec a = CommandSpec.argumentAt(args, i - start).orElse(null);
            if (a != null && !a.accepts(pos.get(i))) {
                throw notOneOf(spec.name(), pos.get(i), a.choices());
            }
        }
    }

    private static CommandException notOneOf(String command, String word, List<String> allowed) {
        return new CommandException(command + ": '" + word + "' is not one of " + String.join(", ", allowed)
                + Suggest.hint(word, allowed, ""));
    }

    /** The positional words. */
    public List<String> positional() {
        return positional;
    }

    /** Positional word {@code i}, or an error naming what is missing. */
    public String positional(int i, String what) {
        if (i >= positional.size()) {
            throw new CommandException(spec.name() + ": missing " + what + " (usage: " + spec.synopsis() + ")");
        }
        return positional.get(i);
    }

    /** Fails when more than {@code n} positional words were given. */
    public void atMost(int n) {
        if (positional.size() > n) {
            throw new CommandException(spec.name() + ": unexpected argument '" + positional.get(n) + "' (usage: "
                    + spec.synopsis() + ")");
        }
    }

    /**
     * The positional word typed right after option {@code name} (after its value), if any: for commands whose
     * options take a qualifier word, like the spec's {@code --param_quantizer enhanced weights}.
     */
    public Optional<String> wordAfter(String name) {
        return Optional.ofNullable(wordsAfter.get(name));
    }

    /** Whether a flag or option was given. */
    public boolean has(String name) {
        return options.containsKey(name);
    }

    /** An option's raw value. */
    public Optional<String> get(String name) {
        return Optional.ofNullable(options.get(name));
    }

    /** Every value of an option given more than once, in order (a value of a multi-word option is its words joined by a blank). */
    public List<String> getAll(String name) {
        return List.copyOf(repeated.getOrDefault(name, List.of()));
    }

    /**
     * An integer option whose spec has no default (it depends on a setting or on other options), or {@code dflt};
     * a non-integer is a one-line error. An option with a declared default is read with {@link #getInt(String)}, so
     * that its default is written once.
     */
    public int getInt(String name, int dflt) {
        String v = options.get(name);
        return v == null ? undeclared(name, dflt) : parseInt(name, v);
    }

    /** An integer option, or the default its spec declares. */
    public int getInt(String name) {
        return parseInt(name, getOrDefault(name));
    }

    /** A number option whose spec has no default, or {@code dflt} (see {@link #getInt(String, int)}). */
    public double getDouble(String name, double dflt) {
        String v = options.get(name);
        return v == null ? undeclared(name, dflt) : parseDouble(name, v);
    }

    /** A number option, or the default its spec declares. */
    public double getDouble(String name) {
        return parseDouble(name, getOrDefault(name));
    }

    /** An option's value, or the default its spec declares. */
    public String getOrDefault(String name) {
        String v = options.get(name);
        if (v != null) {
            return v;
        }
        String d = spec.option(name).map(OptionSpec::defaultValue).orElse(null);
        if (d == null) {
            throw new IllegalStateException("--" + name + " of '" + spec.name() + "' declares no default in its spec");
        }
        return d;
    }

    /** A caller's own default, refused when the spec declares one (a default is written in one place). */
    private <T> T undeclared(String name, T dflt) {
        String declared = spec.option(name).map(OptionSpec::defaultValue).orElse(null);
        if (declared != null) {
            throw new IllegalStateException("--" + name + " of '" + spec.name() + "' declares its default (" + declared
                    + ") in its spec: read it without a second one");
        }
        return dflt;
    }

    private static int parseInt(String name, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new CommandException("--" + name + " needs an integer, not '" + v + "'");
        }
    }

    private static double parseDouble(String name, String v) {
        try {
            double d = Double.parseDouble(v);
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new CommandException("--" + name + " needs a finite number, not '" + v + "'");
        }
    }

    /** Whether {@code --json} was given. */
    public boolean json() {
        return has("json");
    }
}
