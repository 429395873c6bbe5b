package qsh.commands.spi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one declarative description of a command. Help, completion, argument hints and {@code --json}
 * support all come from it (the JShell habit: help text kept as data).
 *
 * @param name      the word typed
 * @param topic     help grouping (tensors, encodings, packing, session, ...)
 * @param summary   one line
 * @param arguments positional argument synopsis, e.g. {@code TENSOR|LITERAL}
 * @param options   the options (every data command also accepts {@code --json})
 * @param examples  2-3 runnable examples
 * @param seeAlso   related commands
 * @param json      whether the command returns data and so accepts {@code --json}
 * @param refused   options the command knows but does not take, each with the one line that says why (option
 *                  name without dashes → reason); typing one gives that line instead of "unknown option"
 */
public record CommandSpec(String name, String topic, String summary, String arguments, List<OptionSpec> options,
                          List<String> examples, List<String> seeAlso, boolean json, Map<String, String> refused) {
    public CommandSpec {
        refused = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(refused));
    }

    /** A spec that refuses no option by name. */
    public CommandSpec(String name, String topic, String summary, String arguments, List<OptionSpec> options,
                       List<String> examples, List<String> seeAlso, boolean json) {
        this(name, topic, summary, arguments, options, examples, seeAlso, json, Map.of());
    }

    /** The same spec, also answering each option of {@code reasons} (name → why not) with its reason. */
    public CommandSpec withRefused(Map<String, String> reasons) {
        Map<String, String> all = new LinkedHashMap<>(refused);
        all.putAll(reasons);
        return new CommandSpec(name, topic, summary, arguments, options, examples, seeAlso, json, all);
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

    /** The full synopsis line, e.g. {@code encode TENSOR|LITERAL [--mode M] [--json]}. */
    public String synopsis() {
        StringBuilder sb = new StringBuilder(name);
        if (!arguments.isEmpty()) {
            sb.append(' ').append(arguments);
        }
        for (OptionSpec o : allOptions()) {
            sb.append(" [").append(o.usage()).append(']');
        }
        return sb.toString();
    }
}
