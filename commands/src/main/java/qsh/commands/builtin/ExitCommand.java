package qsh.commands.builtin;

import java.util.List;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;

/** {@code exit}: ends the session (Ctrl-D does the same). */
public final class ExitCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("exit", "session", "leave qsh (Ctrl-D does the same)", List.of(),
            List.of(), List.of("exit"), List.of(), false);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        args.atMost(0);
        return Result.EMPTY;
    }
}
