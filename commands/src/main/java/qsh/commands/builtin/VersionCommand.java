package qsh.commands.builtin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;

/** {@code version}: qsh's version and the Java runtime it runs on. */
public final class VersionCommand implements Command {
    /** qsh's version. */
    public static final String VERSION = "0.1.0";

    private static final CommandSpec SPEC = new CommandSpec("version", "session", "qsh, Java and JavaScript versions", List.of(), List.of(),
            List.of("version", "version --json"), List.of("help"), true);

    private final qsh.commands.js.JsBridge js;

    /** A version command that also reports the session's JavaScript engine. */
    public VersionCommand(qsh.commands.js.JsBridge js) {
        this.js = js;
    }

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        args.atMost(0);
        Map<String, String> m = new LinkedHashMap<>();
        m.put("qsh", VERSION);
        m.put("java", System.getProperty("java.version"));
        m.put("vm", System.getProperty("java.vm.name"));
        m.put("javascript", js.describe());
        return Result.of(m, List.of("qsh " + VERSION + " on Java " + m.get("java") + " (" + m.get("vm") + ")",
                "  javascript  " + m.get("javascript")));
    }
}
