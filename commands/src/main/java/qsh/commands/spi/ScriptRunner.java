package qsh.commands.spi;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import qsh.core.exec.Cancelled;

/**
 * The one statement runner: a {@code .qsh} script, stdin, each {@code -c}, each line the REPL accepts and each
 * command line JavaScript passes to {@code qsh.run}/{@code qsh.exec} go through here, split by the session's
 * {@link Lexer} (so {@code ;}, {@code #}, brackets and {@code \} mean the same everywhere). Lines are read until
 * the lexer says the text is complete, then its statements run in order. Stops at the first error with
 * {@code SOURCE:LINE: message} unless keep-going (psql's ON_ERROR_STOP, sqlite's .bail).
 */
public final class ScriptRunner {
    /** One error met while running. */
    public record Failure(String source, int line, String message) {
        /** {@code SOURCE:LINE: message}. */
        @Override
        public String toString() {
            return source + ":" + line + ": " + message;
        }
    }

    /** Callback for failures (each one, as it happens). */
    public interface FailureSink {
        /** Called for each failure. */
        void failed(Failure f);
    }

    private final Evaluator interpreter;
    private final Consumer<Evaluator.Outcome> onOutcome;
    private boolean exitRequested;

    /** A runner over {@code interpreter}; outcomes, echoes and expected errors go to the interpreter's sink. */
    public ScriptRunner(Evaluator interpreter) {
        this(interpreter, o -> interpreter.sink().emit(o));
    }

    /** A runner whose outcomes go to {@code onOutcome} (echoes and expected errors still to the sink). */
    public ScriptRunner(Evaluator interpreter, Consumer<Evaluator.Outcome> onOutcome) {
        this.interpreter = interpreter;
        this.onOutcome = onOutcome;
    }

    /** True when the last run ended because a command asked to leave ({@code exit}). */
    public boolean exitRequested() {
        return exitRequested;
    }

    /**
     * Runs the lines read from {@code in} named {@code source}. Returns the failures (empty on success); without
     * keep-going it stops at the first. Returns early when a command asks to exit.
     */
    public List<Failure> run(Reader in, String source, boolean echo, boolean keepGoing, FailureSink onFailure)
            throws IOException {
        Feed feed = new Feed(source, echo, keepGoing, onFailure);
        BufferedReader r = new BufferedReader(in);
        String line;
        while ((line = r.readLine()) != null) {
            if (!feed.line(line)) {
                return feed.failures;
            }
        }
        feed.end();
        return feed.failures;
    }

    /** Runs {@code text} (one or more lines, e.g. a {@code -c} argument or what the REPL accepted). */
    public List<Failure> run(String text, String source, boolean echo, boolean keepGoing, FailureSink onFailure) {
        Feed feed = new Feed(source, echo, keepGoing, onFailure);
        for (String line : text.split("\r?\n", -1)) {
            if (!feed.line(line)) {
                return feed.failures;
            }
        }
        feed.end();
        return feed.failures;
    }

    /** The state of one run: lines not yet run (a statement still open) and the failures so far. */
    private final class Feed {
        private final String source;
        private final boolean echo;
        private final boolean keepGoing;
        private final FailureSink onFailure;
        private final List<Failure> failures = new ArrayList<>();
        private final List<String> pending = new ArrayList<>();
        private int lineNo;
        private int pendingStart;

        Feed(String source, boolean echo, boolean keepGoing, FailureSink onFailure) {
            this.source = source;
            this.echo = echo;
            this.keepGoing = keepGoing;
            this.onFailure = onFailure;
            exitRequested = false;
        }

        /** Adds one line; runs the statements it completes. False when the run must stop. */
        boolean line(String line) {
            lineNo++;
            if (pending.isEmpty()) {
                pendingStart = lineNo;
            }
            pending.add(line);
            Lexer.Scan scan = interpreter.lexer().scan(String.join("\n", pending) + "\n", pendingStart);
            if (scan.incomplete()) {
                return true;
            }
            pending.clear();
            return runAll(scan.items());
        }

        /**
         * The input ended. Text still open (an unclosed bracket) is a failure naming the line where it opened; with
         * keep-going the lines after that one are read again on their own, so one typo does not swallow the rest.
         */
        void end() {
            while (!pending.isEmpty()) {
                Lexer.Scan scan = interpreter.lexer().scan(String.join("\n", pending), pendingStart);
                if (!scan.incomplete()) { // cannot happen after line(); kept so no text is dropped unseen
                    List<Lexer.Item> items = scan.items();
                    pending.clear();
                    runAll(items);
                    return;
                }
                Lexer.Unfinished u = scan.unfinished();
                fail(u.line(), u.message());
                if (!keepGoing) {
                    return;
                }
                List<String> rest = new ArrayList<>(pending.subList(Math.min(pending.size(), u.line() - pendingStart + 1),
                        pending.size()));
                pending.clear();
                lineNo = u.line();
                for (String line : rest) {
                    if (!line(line)) {
                        return;
                    }
                }
            }
        }

        private boolean runAll(List<Lexer.Item> items) {
            for (Lexer.Item item : items) {
                if (Cancelled.requested()) { // Ctrl-C between statements: the run stops here, keep-going or not
                    fail(item.line(), "interrupted");
                    return false;
                }
                if (item instanceof Lexer.Comment c) {
                    if (echo) {
                        interpreter.sink().echo(c.text());
                    }
                } else if (!run((Lexer.Statement) item)) {
                    return false;
                }
            }
            return true;
        }

        /** Runs one statement; false when the run must stop (exit, or an error without keep-going). */
        private boolean run(Lexer.Statement s) {
            if (echo) {
                interpreter.sink().echo(s.source());
            }
            // '! COMMAND' expects COMMAND to fail (lessons show bad input): its error is shown, the run goes on
            try {
                Evaluator.Outcome o = interpreter.execute(s);
                onOutcome.accept(o);
                if (s.expectsFailure()) {
                    fail(s.line(), "expected this command to fail ('!' prefix), but it succeeded");
                    return keepGoing;
                }
                if (o.exit()) {
                    exitRequested = true;
                    return false;
                }
                return true;
            } catch (CommandException e) {
                if (s.expectsFailure()) {
                    interpreter.sink().expectedError(e.getMessage());
                    return true;
                }
                fail(s.error() != null ? s.errorLine() : s.line(), e.getMessage());
                return keepGoing;
            }
        }

        private void fail(int line, String message) {
            Failure f = new Failure(source, line, message);
            failures.add(f);
            onFailure.failed(f);
        }
    }
}
