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
            "list commands by topic, show one command's usage, options and examples, or a concept page",
            "[COMMAND | topics | TOPIC]", List.of(),
            List.of("help", "help encode", "help topics", "help zero-exact"), List.of("set"), true);

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
            lines.add("Type 'help COMMAND' for its options and examples, 'help topics' for the concepts behind them.");
            return Result.of(data, lines);
        }
        String word = args.positional().get(0);
        Map<String, List<String>> topics = HelpTopics.all();
        if (word.equals("topics")) {
            lines.add("concept pages (help TOPIC):");
            Map<String, String> data = new LinkedHashMap<>();
            topics.forEach((id, page) -> {
                lines.add(String.format("  %-16s %s", id, page.get(0)));
                data.put(id, page.get(0));
            });
            return Result.of(data, lines);
        }
        if (topics.containsKey(word) && registry.all().stream().noneMatch(c -> c.spec().name().equals(word))) {
            List<String> page = topics.get(word);
            return Result.of(Map.of("topic", word, "text", String.join("\n", page)), page);
        }
        CommandSpec s = registry.get(word).spec();
        lines.add(s.name() + " — " + s.summary());
        lines.add("usage: " + s.synopsis());
        if (!s.allOptions().isEmpty()) {
            lines.add("options:");
            for (OptionSpec o : s.allOptions()) {
                lines.add(String.format("  %-24s %s", o.usage(), o.description()));
            }
        }
        if (!s.refused().isEmpty()) {
            lines.add("known but not taken here:");
            Map<String, List<String>> byReason = new LinkedHashMap<>(); // one line per reason, its flags first
            s.refused().forEach((name, why) -> byReason.computeIfAbsent(why, k -> new ArrayList<>()).add("--" + name));
            byReason.forEach((why, names) -> lines.add("  " + String.join(", ", names) + ": " + why));
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
