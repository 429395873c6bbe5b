package qsh.commands.builtin;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import qsh.core.io.FileAccessPolicy;
import qsh.commands.js.JsBridge;
import qsh.commands.spi.ArgKind;
import qsh.commands.spi.ArgSpec;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.Evaluator;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.ScriptRunner;
import qsh.commands.spi.Session;

/**
 * {@code run FILE.qsh}: replays a script in this session; stops at its first error with FILE:LINE.
 * {@code run FILE.js} runs JavaScript in the session's context instead (errors as FILE.js:LINE:COLUMN).
 */
public final class RunCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("run", "session", "replay a .qsh script (or run a .js file) in this session",
            List.of(ArgSpec.of("FILE.qsh|FILE.js", ArgKind.FILE)), List.of(OptionSpec.flag("echo", "print each command before its output")),
            List.of("run scripts/01-tf-encoding.qsh", "run scripts/03-packing.qsh --echo", "run scripts/08-js-sweep.js"),
            List.of("help", "js"), false);

    private final Evaluator interpreter;
    private final JsBridge js;
    private int depth;

    /** A run command driving {@code interpreter}, with its JavaScript {@code js} for .js files. */
    public RunCommand(Evaluator interpreter, JsBridge js) {
        this.interpreter = interpreter;
        this.js = js;
    }

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        String file = args.positional(0, "a script file");
        args.atMost(1);
        if (depth >= 8) {
            throw new CommandException("run: scripts nested more than 8 deep (does a script run itself?)");
        }
        Path p = session.resolve(file);
        if (file.endsWith(".js")) {
            return js.runFile(p, file);
        }
        FileAccessPolicy.requireRead(p); // run by a script: only what it may read
        Path previous = session.baseDir();
        depth++;
        session.baseDir(p.toAbsolutePath().getParent());
        try (Reader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
            List<ScriptRunner.Failure> fails = new ScriptRunner(interpreter).run(r, file, args.has("echo"), false, f -> { });
            if (!fails.isEmpty()) {
                throw new CommandException(fails.get(0).toString());
            }
        } catch (NoSuchFileException e) {
            throw new CommandException("run: no such file " + file);
        } catch (IOException e) {
            throw new CommandException("run: cannot read " + file + ": " + e.getMessage());
        } finally {
            depth--;
            session.baseDir(previous);
        }
        return Result.EMPTY;
    }
}
