package qsh.commands.builtin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.commands.CommandRegistry;
import qsh.commands.Session;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;

/** {@code help [COMMAND]}: commands by topic, or one command's synopsis, options, examples and see-also. */
public final class HelpCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("help", "session",
            "list commands by topic, or show one command's usage, options and examples", "[COMMAND]", List.of(),
            List.of("help", "help encode"), List.of("set"), true);

    private final CommandRegistry registry;

    /** Help over {@code registry}. */
    public HelpCommand(CommandRegistry registry) {
        this.registry = registry;
    }

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        args.atMost(1);
        List<String> lines = new ArrayList<>();
        if (args.positional().isEmpty()) {
            Map<String, List<CommandSpec>> byTopic = new LinkedHashMap<>();
            for (Command c : registry.all()) {
                byTopic.computeIfAbsent(c.spec().topic(), k -> new ArrayList<>()).add(c.spec());
            }
            Map<String, Object> data = new LinkedHashMap<>();
            byTopic.forEach((topic, specs) -> {
                lines.add(topic + ":");
                List<Map<String, String>> list = new ArrayList<>();
                for (CommandSpec s : specs) {
                    lines.add(String.format("  %-11s %s", s.name(), s.summary()));
                    list.add(Map.of("name", s.name(), "summary", s.summary()));
                }
                data.put(topic, list);
            });
            lines.add("Type 'help COMMAND' for its options and examples.");
            return Result.of(data, lines);
        }
        CommandSpec s = registry.get(args.positional().get(0)).spec();
        lines.add(s.name() + " — " + s.summary());
        lines.add("usage: " + s.synopsis());
        if (!s.allOptions().isEmpty()) {
            lines.add("options:");
            for (OptionSpec o : s.allOptions()) {
                lines.add(String.format("  %-24s %s", o.usage(), o.description()));
            }
        }
        lines.add("examples:");
        for (String ex : s.examples()) {
            lines.add("  " + ex);
        }
        if (!s.seeAlso().isEmpty()) {
            lines.add("see also: " + String.join(", ", s.seeAlso()));
        }
        return Result.of(s, lines);
    }
}
