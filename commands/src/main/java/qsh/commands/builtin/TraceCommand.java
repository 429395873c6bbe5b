package qsh.commands.builtin;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;

/** {@code trace}: the last error's stack trace (errors are otherwise one line). */
public final class TraceCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("trace", "session", "print the last error's stack trace",
            List.of(), List.of(), List.of("trace"), List.of("help"), false);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        args.atMost(0);
        return session.lastError().map(t -> {
            StringWriter w = new StringWriter();
            t.printStackTrace(new PrintWriter(w));
            return Result.text(List.of(w.toString().split("\\R")));
        }).orElse(Result.text(List.of("no error yet")));
    }
}
