package qsh.commands.builtin;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import qsh.core.io.FileAccessPolicy;
import qsh.commands.spi.ArgKind;
import qsh.commands.spi.ArgSpec;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.History;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;

/** {@code record FILE.qsh} / {@code record off}: save what is typed from now on as a replayable script. */
public final class RecordCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("record", "session",
            "save every following successful command to a .qsh script (record off stops)", List.of(ArgSpec.of("FILE.qsh | off", ArgKind.FILE).orWords("off")),
            List.of(), List.of("record /tmp/lesson.qsh", "record off"), List.of("save-history", "run"), false);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        String what = args.positional(0, "a file to record to, or off");
        args.atMost(1);
        History h = session.history();
        if (what.equals("off")) {
            int n = h.recordedCount();
            String stopped = h.stoppedReason();
            Path f = h.stop();
            if (f == null && stopped != null) {
                throw new CommandException("not recording: " + stopped);
            }
            if (f == null) {
                throw new CommandException("not recording: start with  record FILE.qsh");
            }
            return Result.of(Map.of("file", f.toString(), "lines", n), List.of("recorded " + n + " command(s) to " + f
                    + "; replay with: ./qsh " + f));
        }
        if (h.recording() != null) {
            throw new CommandException("already recording to " + h.recording() + ": record off first");
        }
        Path f = session.resolve(what);
        FileAccessPolicy.requireWrite(f); // started by a script: only where it may write
        h.start(f);
        return Result.of(Map.of("file", f.toString()), List.of("recording to " + f + " (record off stops)"));
    }
}
