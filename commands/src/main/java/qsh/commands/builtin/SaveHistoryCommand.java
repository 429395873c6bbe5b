package qsh.commands.builtin;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import qsh.commands.spi.ArgKind;
import qsh.commands.spi.ArgSpec;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.History;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;

/** {@code save-history FILE.qsh}: every successful command of this session as a replayable script. */
public final class SaveHistoryCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("save-history", "session",
            "write this session's successful commands as a replayable .qsh script", List.of(ArgSpec.of("FILE.qsh", ArgKind.FILE)),
            List.of(), List.of("save-history /tmp/session.qsh"), List.of("record", "run"), false);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        String file = args.positional(0, "a file to write");
        args.atMost(1);
        Path f = session.resolve(file);
        List<String> lines = session.history().lines();
        History.write(f, lines);
        return Result.of(Map.of("file", f.toString(), "lines", lines.size()), List.of("saved " + lines.size()
                + " command(s) to " + f + "; replay with: ./qsh " + f));
    }
}
