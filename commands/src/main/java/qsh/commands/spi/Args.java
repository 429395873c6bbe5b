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
                String refusal = spec.option(n).isEmpty() ? spec.refused().get(n) : null;
                if (refusal != null) {
                    throw new CommandException("--" + n + ": " + refusal);
                }
                OptionSpec o = spec.option(n).orElseThrow(() -> new CommandException(
                        "unknown option --" + n + " for '" + spec.name() + "'" + Suggest.hint(n,
                                spec.allOptions().stream().map(OptionSpec::name).toList(), "--")
                                + " (see: help " + spec.name() + ")"));
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
                if (!o.choices().isEmpty() && !o.choices().contains(value)) {
                    throw new CommandException("--" + n + " must be one of " + String.join(", ", o.choices())
                            + ", not '" + value + "'");
                }
                opts.put(n, value);
                all.computeIfAbsent(n, k -> new ArrayList<>()).add(value);
                if (i + 1 < words.size() && !words.get(i + 1).startsWith("--")) {
                    after.put(n, words.get(i + 1)); // still a positional word; see wordAfter
                }
            } else {
                pos.add(w);
            }
        }
        return new Args(spec, Collections.unmodifiableList(pos), opts, all, after);
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

    /** An integer option, or {@code dflt}; a non-integer is a one-line error. */
    public int getInt(String name, int dflt) {
        String v = options.get(name);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new CommandException("--" + name + " needs an integer, not '" + v + "'");
        }
    }

    /** A number option, or {@code dflt}. */
    public double getDouble(String name, double dflt) {
        String v = options.get(name);
        if (v == null) {
            return dflt;
        }
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
