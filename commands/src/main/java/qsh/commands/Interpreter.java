package qsh.commands;

import java.util.List;
import qsh.commands.builtin.ExitCommand;
import qsh.commands.builtin.RunCommand;
import qsh.commands.builtin.TraceCommand;
import qsh.commands.builtin.VersionCommand;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.RawCommand;
import qsh.commands.spi.Result;
import qsh.commands.spi.Tokenizer;

/**
 * Evaluates one command line against the session (the JShell split: this is the evaluation API; the
 * shell module drives it and renders what comes back).
 */
public final class Interpreter {
    /** Where results of nested evaluation (scripts run with {@code run}) go; supplied by the shell. */
    public interface Sink {
        /** A command produced a result. */
        void emit(Outcome outcome);

        /** A script line is about to run (for {@code --echo}). */
        void echo(String line);

        /** A script line marked {@code !} failed, as it was meant to. */
        default void expectedError(String message) {}

        /** Text a script printed itself (JavaScript's console.log), newlines included. */
        default void print(String text) {}
    }

    /**
     * What one line produced.
     *
     * @param command the command that ran (null for a blank line)
     * @param result  its result
     * @param json    whether {@code --json} was asked
     * @param nanos   time taken
     * @param exit    whether the session should end
     */
    public record Outcome(String command, Result result, boolean json, long nanos, boolean exit) {}

    private final Session session;
    private final CommandRegistry registry;
    private int depth;
    private final qsh.commands.js.JsBridge js;
    private Sink sink = new Sink() {
        @Override
        public void emit(Outcome outcome) {}

        @Override
        public void echo(String line) {}
    };

    /** An interpreter over a new session with the standard commands. */
    public Interpreter() {
        this(new Session(), CommandRegistry.standard());
    }

    /** An interpreter over {@code session} with {@code registry} (session-level commands are added). */
    public Interpreter(Session session, CommandRegistry registry) {
        this.session = session;
        this.registry = registry;
        // the bridge is a lazy holder: GraalJS loads on the first 'js', not at start-up
        this.js = new qsh.commands.js.JsBridge(this);
        session.js(js);
        registry.add(new RunCommand(this));
        registry.add(new qsh.commands.js.JsCommand(js));
        registry.add(new TraceCommand());
        registry.add(new VersionCommand(js));
        registry.add(new ExitCommand());
    }

    /** The session. */
    public Session session() {
        return session;
    }

    /** The commands. */
    public CommandRegistry registry() {
        return registry;
    }

    /** The JavaScript bridge of this session (no JavaScript context exists until it is first used). */
    public qsh.commands.js.JsBridge js() {
        return js;
    }

    /**
     * Asks what is running to stop (Ctrl-C): a JavaScript evaluation is interrupted through its context;
     * Java commands see their thread's interrupt flag, which the caller sets.
     */
    public void interrupt() {
        js.interrupt();
    }

    /** The raw command named by the first word of {@code line}, or null (exact names only: no prefixes). */
    private RawCommand rawCommand(String line) {
        String word = firstWord(line);
        return registry.find(word) instanceof RawCommand r ? r : null;
    }

    private static String firstWord(String line) {
        String t = line.stripLeading();
        int end = 0;
        while (end < t.length() && !Character.isWhitespace(t.charAt(end))) {
            end++;
        }
        return t.substring(0, end);
    }

    /** True while {@code text} needs more lines: an open '[' — or, for a raw command like js, an open bracket or string. */
    public boolean isIncomplete(String text) {
        RawCommand r = rawCommand(text);
        if (r != null) {
            return r.isIncomplete(text.stripLeading().substring(firstWord(text).length()));
        }
        return Tokenizer.isIncomplete(text);
    }

    /** Splits {@code line} at top-level ';' — except that a raw command (js) takes the rest of the line. */
    public List<String> statements(String line) {
        List<String> parts = Tokenizer.statements(line);
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            if (rawCommand(parts.get(i)) != null) {
                out.add(String.join(";", parts.subList(i, parts.size())));
                break;
            }
            out.add(parts.get(i));
        }
        return out;
    }

    /** Sets where nested script output goes. */
    public void sink(Sink s) {
        this.sink = s;
    }

    /** The current sink. */
    public Sink sink() {
        return sink;
    }

    /** {@code r} with one more line, "warning: {@code warning}" (the data for --json is unchanged). */
    private static Result withWarning(Result r, String warning) {
        List<String> lines = new java.util.ArrayList<>(r.lines());
        lines.add("warning: " + warning);
        return Result.of(r.data(), lines);
    }

    /**
     * Runs one line. Errors come back as {@link CommandException} with one clear line; any other exception
     * is wrapped (its stack trace kept for {@code trace}).
     */
    public Outcome execute(String line) {
        RawCommand raw = rawCommand(line);
        List<String> words = raw == null ? Tokenizer.split(line) : List.of(firstWord(line));
        if (words.isEmpty()) {
            return new Outcome(null, Result.EMPTY, false, 0, false);
        }
        Command c = raw != null ? raw : registry.get(words.get(0));
        qsh.core.tensor.MemoryBudget.set(session.settings().memoryBudget()); // one heap, one budget: this session's
        long t0 = System.nanoTime();
        // commands validate before they change the session; the one implicit change (the demo model loaded on
        // first use) is undone here when the command fails, so a failing command leaves the session as it was
        ModelState modelBefore = session.model().orElse(null);
        try {
            // a raw command (js) takes the rest of the line as typed; others get parsed options
            Args args = raw != null ? null : Args.parse(c.spec(), words.subList(1, words.size()));
            Result r;
            depth++;
            try {
                r = raw != null ? raw.runRaw(line.stripLeading().substring(words.get(0).length()), session)
                        : c.run(args, session);
            } finally {
                depth--;
                qsh.core.tensor.MemoryBudget.set(session.settings().memoryBudget()); // 'set memory-budget' holds now
            }
            if (depth == 0) { // lines of a script run by 'run FILE' are not recorded twice: the 'run' line is
                String stopped = session.history().record(line.strip(), c.spec().name());
                if (stopped != null) {
                    r = withWarning(r, stopped);
                }
            }
            if (raw != null) {
                return new Outcome(c.spec().name(), r, false, System.nanoTime() - t0, false);
            }
            return new Outcome(c.spec().name(), r, args.json(), System.nanoTime() - t0, c instanceof ExitCommand);
        } catch (CommandException e) {
            session.model(modelBefore);
            session.lastError(e);
            throw e;
        } catch (IllegalArgumentException | IllegalStateException | ArithmeticException e) {
            session.model(modelBefore);
            session.lastError(e);
            throw new CommandException(c.spec().name() + ": " + e.getMessage(), e);
        } catch (qsh.core.exec.Executor.InternalFailure e) {
            session.model(modelBefore);
            session.lastError(e);
            throw new CommandException(c.spec().name() + ": internal error in " + e.getMessage()
                    + " (a bug in qsh, not in your input; type 'trace' for details)", e);
        } catch (RuntimeException e) {
            session.model(modelBefore);
            session.lastError(e);
            throw new CommandException(c.spec().name() + ": internal error " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + " (type 'trace' for details)", e);
        } catch (OutOfMemoryError e) {
            // what filled the heap was this command's; its values are unreachable now, and the session is as it was
            session.model(modelBefore);
            session.lastError(e);
            throw new CommandException(c.spec().name() + ": ran out of memory (the heap holds at most "
                    + qsh.core.tensor.MemoryBudget.describe(Runtime.getRuntime().maxMemory())
                    + "); the session is intact. Try smaller inputs, 'set memory-budget' lower, or more heap"
                    + " (QSH_JAVA_OPTS=-Xmx8g ./qsh)", e);
        }
    }
}
