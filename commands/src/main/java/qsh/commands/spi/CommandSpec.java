package qsh.commands.spi;

import java.util.ArrayList;
import java.util.List;
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
 */
public record CommandSpec(String name, String topic, String summary, String arguments, List<OptionSpec> options,
                          List<String> examples, List<String> seeAlso, boolean json) {
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
