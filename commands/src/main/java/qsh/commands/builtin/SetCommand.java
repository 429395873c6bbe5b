package qsh.commands.builtin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import qsh.commands.Session;
import qsh.commands.Settings;
import qsh.commands.spi.ArgKind;
import qsh.commands.spi.ArgSpec;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.Result;

/** {@code set}: lists every setting, or changes one (validated; an invalid value changes nothing). */
public final class SetCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("set", "session",
            "list every setting, or change one", List.of(ArgSpec.of("NAME", ArgKind.SETTING).asOptional(), ArgSpec.of("VALUE", ArgKind.SETTING_VALUE).asOptional()), List.of(),
            List.of("set", "set rounding half-away", "set feedback verbose"), List.of("help"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        args.atMost(2);
        if (!args.positional().isEmpty()) {
            String name = args.positional(0, "a setting name");
            String value = args.positional(1, "a value for " + name);
            session.settings(session.settings().with(name, value));
        }
        Map<String, String> now = session.settings().asMap();
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
}
