package qsh.commands.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one declarative description of a command. Help, completion, argument hints, option checking and
 * {@code --json} support all come from it (the JShell habit: help text kept as data).
 *
 * @param name        the word typed
 * @param topic       help grouping (tensors, encodings, packing, session, ...)
 * @param summary     one line
 * @param arguments   positional arguments; with subcommands, those of the form without a subcommand word (empty:
 *                    a subcommand is required)
 * @param subcommands the words that may follow the command, each with its own arguments (empty: none)
 * @param options     the options (every data command also accepts {@code --json})
 * @param examples    2-3 runnable examples
 * @param seeAlso     related commands
 * @param json        whether the command returns data and so accepts {@code --json}
 * @param refused     options the command knows but does not take, each with the one line that says why (option
 *                    name without dashes → reason); typing one gives that line instead of "unknown option"
 */
public record CommandSpec(String name, String topic, String summary, List<ArgSpec> arguments,
                          List<SubcommandSpec> subcommands, List<OptionSpec> options, List<String> examples,
                          List<String> seeAlso, boolean json, Map<String, String> refused) {
    public CommandSpec {
        arguments = List.copyOf(arguments);
        subcommands = List.copyOf(subcommands);
        options = List.copyOf(options);
        refused = Collections.unmodifiableMap(new LinkedHashMap<>(refused));
    }

    /** A spec without subcommands that refuses no option by name. */
    public CommandSpec(String name, String topic, String summary, List<ArgSpec> arguments, List<OptionSpec> options,
                       List<String> examples, List<String> seeAlso, boolean json) {
        this(name, topic, summary, arguments, List.of(), options, examples, seeAlso, json, Map.of());
    }

    /** The same spec, also answering each option of {@code reasons} (name → why not) with its reason. */
    public CommandSpec withRefused(Map<String, String> reasons) {
        Map<String, String> all = new LinkedHashMap<>(refused);
        all.putAll(reasons);
        return new CommandSpec(name, topic, summary, arguments, subcommands, options, examples, seeAlso, json, all);
    }

    /**
     * The same spec with subcommand words. When {@link #arguments} is empty one of them is required; otherwise the
     * word is optional and a first word that is not one of them starts the plain arguments.
     */
    public CommandSpec withSubcommands(SubcommandSpec... subs) {
        return new CommandSpec(name, topic, summary, arguments, List.of(subs), options, examples, seeAlso, json, refused);
    }

    /** The subcommand named {@code word}, if there is one. */
    public Optional<SubcommandSpec> subcommand(String word) {
        return subcommands.stream().filter(s -> s.name().equals(word)).findFirst();
    }

    /** Whether the first positional word must be a subcommand. */
    public boolean requiresSubcommand() {
        return !subcommands.isEmpty() && arguments.isEmpty();
    }

    /** The subcommand words, in order. */
    public List<String> subcommandNames() {
        return subcommands.stream().map(SubcommandSpec::name).toList();
    }

    /**
     * The arguments that the positional words after {@code first} (the first positional word, or null) are matched
     * against: a subcommand's own when {@code first} names one, else the plain ones.
     */
    public List<ArgSpec> argumentsAfter(String first) {
        return first == null ? arguments : subcommand(first).map(SubcommandSpec::arguments).orElse(arguments);
    }

    /**
     * The argument of {@code args} (from {@link #argumentsAfter}) that positional word {@code index} is (0-based,
     * counted after a subcommand word), or empty when no more are taken.
     */
    public static Optional<ArgSpec> argumentAt(List<ArgSpec> args, int index) {
        if (index < args.size()) {
            return Optional.of(args.get(index));
        }
        if (!args.isEmpty() && args.get(args.size() - 1).variadic()) {
            return Optional.of(args.get(args.size() - 1));
        }
        return Optional.empty();
    }

    /** The option named {@code name}, including the implicit {@code --json}. */
    public Optional<OptionSpec> option(String optName) {
        return allOptions().stream().filter(o -> o.name().equals(optName)).findFirst();
    }

    /** The declared options plus {@code --json} when the command returns data. */
    public List<OptionSpec> allOptions() {
        List<OptionSpec> all = new ArrayList<>(options);
        if (json) {
            all.add(OptionSpec.flag("json", "print the result as JSON"));
        }
        return all;
    }

    /**
     * The positional part of the synopsis: {@code TENSOR|LITERAL}; with required subcommands
     * {@code show [TENSOR] | save FILE} (or {@code plan|step|apply} when none takes arguments); with optional ones
     * {@code [tensor|node] NAME}.
     */
    public String argumentUsage() {
        List<String> plain = arguments.stream().map(ArgSpec::usage).toList();
        if (subcommands.isEmpty()) {
            return String.join(" ", plain);
        }
        if (!arguments.isEmpty()) {
            return "[" + String.join("|", subcommandNames()) + "] " + String.join(" ", plain);
        }
        boolean bare = subcommands.stream().allMatch(s -> s.arguments().isEmpty());
        return bare ? String.join("|", subcommandNames())
                : String.join(" | ", subcommands.stream().map(SubcommandSpec::usage).toList());
    }

    /** The full synopsis line, e.g. {@code encode TENSOR|LITERAL [--mode M] [--json]}. */
    public String synopsis() {
        StringBuilder sb = new StringBuilder(name);
        String args = argumentUsage();
        if (!args.isEmpty()) {
            sb.append(' ').append(args);
        }
        for (OptionSpec o : allOptions()) {
            sb.append(" [").append(o.usage()).append(']');
        }
        return sb.toString();
    }
}
