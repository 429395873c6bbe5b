package qsh.commands.builtin;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.commands.spi.ArgKind;
import qsh.commands.spi.ArgSpec;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.commands.spi.Settings;
import qsh.core.io.FileAccessPolicy;

/** {@code set}: lists every setting, or changes one (validated; an invalid value changes nothing). */
public final class SetCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("set", "session",
            "list every setting, or change one", List.of(ArgSpec.of("NAME", ArgKind.SETTING).asOptional(), ArgSpec.of("VALUE", ArgKind.SETTING_VALUE).asOptional()), List.of(),
            List.of("set", "set rounding half-away", "set feedback verbose"), List.of("help"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    /** Settings that bound what a script may do: a script (JavaScript, through qsh.run) cannot change them. */
    static final List<String> SAFETY = List.of("js-statement-limit", "memory-budget", "allow-read", "allow-write");

    @Override
    public Result run(Args args, Session session) {
        args.atMost(2);
        if (!args.positional().isEmpty()) {
            String name = args.positional(0, "a setting name");
            String value = args.positional(1, "a value for " + name);
            // a policy is enforced exactly while JavaScript runs (qsh.run reaches commands only that way)
            if (SAFETY.contains(name) && FileAccessPolicy.enforced() != null) {
                throw new CommandException("set " + name + ": a script cannot change the session's safety settings ("
                        + String.join(", ", SAFETY) + "); type it at the prompt, or start ./qsh with --allow-read/--allow-write");
            }
            if (name.equals("allow-read")) {
                session.scriptFileAccess(session.scriptFileAccess().allowRead(session.resolve(value)));
            } else if (name.equals("allow-write")) {
                session.scriptFileAccess(session.scriptFileAccess().allowWrite(session.resolve(value)));
            } else {
                session.settings(session.settings().with(name, value));
            }
        }
        Map<String, String> now = new LinkedHashMap<>(session.settings().asMap());
        now.put("allow-read", joined(session.scriptFileAccess().readable()));
        now.put("allow-write", joined(session.scriptFileAccess().writable()));
        List<String> lines = new ArrayList<>();
        if (args.positional().isEmpty()) {
            Map<String, String> desc = Settings.descriptions();
            now.forEach((k, v) -> lines.add(String.format("  %-11s %-10s %s", k, v, desc.get(k))));
        } else {
            String k = args.positional().get(0).equals("color") ? "colour" : args.positional().get(0);
            lines.add("  " + k + " = " + now.get(k));
        }
        return Result.of(now, lines);
    }

    private static String joined(List<Path> paths) {
        return String.join(",", paths.stream().map(Path::toString).toList());
    }
}
