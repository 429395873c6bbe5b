package qsh.commands;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import qsh.commands.spi.CommandException;

/**
 * Replays a {@code .qsh} script: one command per line, {@code #} comments, a trailing {@code \} or an open
 * bracket continues the line. Stops at the first error with {@code FILE:LINE: message} unless keep-going
 * (psql's ON_ERROR_STOP, sqlite's .bail).
 */
public final class ScriptRunner {
    /** One error met while replaying. */
    public record Failure(String source, int line, String message) {
        /** {@code FILE:LINE: message}. */
        @Override
        public String toString() {
            return source + ":" + line + ": " + message;
        }
    }

    /** Callback for failures in keep-going mode. */
    public interface FailureSink {
        /** Called for each failure. */
        void failed(Failure f);
    }

    private final Interpreter interpreter;

    /** A runner over {@code interpreter}, whose sink receives outputs and echoes. */
    public ScriptRunner(Interpreter interpreter) {
        this.interpreter = interpreter;
    }

    /**
     * Runs the script read from {@code in} named {@code source}. Returns the failures (empty on success);
     * without keep-going it stops at the first. Returns early when a command asks to exit.
     */
    public List<Failure> run(Reader in, String source, boolean echo, boolean keepGoing, FailureSink onFailure)
            throws IOException {
        List<Failure> failures = new ArrayList<>();
        BufferedReader r = new BufferedReader(in);
        String raw;
        int lineNo = 0;
        StringBuilder pending = new StringBuilder();
        int startLine = 0;
        while ((raw = r.readLine()) != null) {
            lineNo++;
            if (Thread.currentThread().isInterrupted()) {
                throw new CommandException("interrupted");
            }
            if (pending.length() == 0) {
                startLine = lineNo;
            }
            String line = raw;
            boolean cont = line.endsWith("\\");
            if (cont) {
                line = line.substring(0, line.length() - 1);
            }
            // lines are joined with newlines: JavaScript blocks need them (// comments, automatic semicolons)
            pending.append(line).append('\n');
            if (cont || interpreter.isIncomplete(pending.toString())) {
                continue;
            }
            String cmd = pending.toString().trim();
            pending.setLength(0);
            if (cmd.isEmpty() || cmd.startsWith("#")) {
                if (echo && cmd.startsWith("#")) {
                    interpreter.sink().echo(cmd);
                }
                continue;
            }
            if (echo) {
                interpreter.sink().echo(cmd);
            }
            // '! COMMAND' expects COMMAND to fail (lessons show bad input): its error is shown, the script goes on
            boolean expectFailure = cmd.startsWith("!");
            try {
                Interpreter.Outcome o = interpreter.execute(expectFailure ? cmd.substring(1).trim() : cmd);
                interpreter.sink().emit(o);
                if (expectFailure) {
                    throw new CommandException("expected this command to fail ('!' prefix), but it succeeded");
                }
                if (o.exit()) {
                    return failures;
                }
            } catch (CommandException e) {
                if (expectFailure && !e.getMessage().startsWith("expected this command to fail")) {
                    interpreter.sink().expectedError(e.getMessage());
                    continue;
                }
                Failure f = new Failure(source, startLine, e.getMessage());
                failures.add(f);
                onFailure.failed(f);
                if (!keepGoing) {
                    return failures;
                }
            }
        }
        if (pending.length() > 0) {
            Failure f = new Failure(source, startLine, "the script ends inside an open bracket or after a '\\'");
            failures.add(f);
            onFailure.failed(f);
        }
        return failures;
    }
}
