package qsh.commands.builtin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.commands.spi.ArgKind;
import qsh.commands.spi.ArgSpec;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandIndex;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.commands.spi.SubcommandSpec;

/** {@code help [COMMAND]}: commands by topic, or one command's synopsis, options, examples and see-also. */
public final class HelpCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("help", "session",
            "list commands by topic, show one command's usage, options and examples, or a concept page",
            List.of(ArgSpec.of("COMMAND | topics | TOPIC", ArgKind.COMMAND).orWords("topics").asOptional()), List.of(),
            List.of("help", "help encode", "help topics", "help zero-exact"), List.of("set"), true);

    private final CommandIndex registry;

    /** Help over {@code registry}. */
    public HelpCommand(CommandIndex registry) {
        this.registry = registry;
    }

    /** The concept pages' names ({@code help TOPIC}), for completion. */
    public static java.util.Set<String> topicNames() {
        return HelpTopics.all().keySet();
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
        if (!s.subcommands().isEmpty()) {
            lines.add("subcommands:");
            for (SubcommandSpec sub : s.subcommands()) {
                lines.add(String.format("  %-24s %s", sub.usage(), sub.summary()));
            }
        }
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
        if (takesPaths(s)) {
            lines.add(PATH_RULE);
        }
        lines.add("examples:");
        for (String ex : s.examples()) {
            lines.add("  " + ex);
        }
        if (!s.seeAlso().isEmpty()) {
            lines.add("see also: " + String.join(", ", s.seeAlso()));
        }
        return Result.of(data(s), lines);
    }

    /**
     * The one rule for relative paths, shown by every command that names a file (psql's \\ir behaviour for scripts,
     * so a lesson runs from any folder; there is no second form because the prompt already reads from the
     * current folder, as \\i does).
     */
    static final String PATH_RULE = "paths: a relative FILE or DIR is read from the current folder at the prompt, with"
            + " -c and on stdin; inside a script (run FILE, ./qsh FILE) from that script's folder";

    /** Whether an argument or option of {@code s} names a file or folder. */
    static boolean takesPaths(CommandSpec s) {
        return s.arguments().stream().anyMatch(a -> a.kind().isPath())
                || s.subcommands().stream().flatMap(sub -> sub.arguments().stream()).anyMatch(a -> a.kind().isPath())
                || s.allOptions().stream().anyMatch(o -> o.kind() != null && o.kind().isPath());
    }

    /** A command's spec as --json data: what each argument and option is, with the defaults. */
    static Map<String, Object> data(CommandSpec s) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", s.name());
        d.put("topic", s.topic());
        d.put("summary", s.summary());
        d.put("synopsis", s.synopsis());
        d.put("arguments", s.arguments().stream().map(HelpCommand::data).toList());
        List<Map<String, Object>> subs = new ArrayList<>();
        for (SubcommandSpec sub : s.subcommands()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", sub.name());
            m.put("summary", sub.summary());
            m.put("arguments", sub.arguments().stream().map(HelpCommand::data).toList());
            subs.add(m);
        }
        d.put("subcommands", subs);
        List<Map<String, Object>> opts = new ArrayList<>();
        for (OptionSpec o : s.allOptions()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", o.name());
            m.put("value", o.valueName());
            m.put("kind", o.kind() == null ? "flag" : o.kind().name().toLowerCase(java.util.Locale.ROOT));
            m.put("choices", o.choices());
            m.put("default", o.defaultValue());
            m.put("description", o.description());
            opts.add(m);
        }
        d.put("options", opts);
        d.put("refused", s.refused());
        d.put("examples", s.examples());
        d.put("see_also", s.seeAlso());
        d.put("json", s.json());
        return d;
    }

    private static Map<String, Object> data(ArgSpec a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", a.name());
        m.put("kind", a.kind().name().toLowerCase(java.util.Locale.ROOT));
        m.put("choices", a.choices());
        m.put("optional", a.optional());
        m.put("variadic", a.variadic());
        return m;
    }
}
