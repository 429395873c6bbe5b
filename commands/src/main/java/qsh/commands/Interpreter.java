package qsh.commands;

import qsh.core.workflow.ModelState;
import java.util.List;
import qsh.commands.builtin.ExitCommand;
import qsh.commands.builtin.RunCommand;
import qsh.commands.builtin.TraceCommand;
import qsh.commands.builtin.VersionCommand;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.ErrorLine;
import qsh.commands.spi.Evaluator;
import qsh.commands.spi.Lexer;
import qsh.commands.spi.RawCommand;
import qsh.commands.spi.Result;
import qsh.commands.spi.ScriptRunner;
import qsh.commands.spi.Session;

/**
 * Evaluates one command line against the session (the JShell split: this is the evaluation API; the
 * shell module drives it and renders what comes back). Its {@code Outcome} and {@code Sink} are {@link Evaluator}'s,
 * the interface through which the script runner, JavaScript and {@code run} reach it from below.
 */
public final class Interpreter implements Evaluator {
    private final Session session;
    private final CommandRegistry registry;
    private int depth;
    private final qsh.commands.js.JsBridge js;
    // raw commands by exact name (no prefixes): 'js' takes the rest of its statement as typed
    private final Lexer lexer;
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
        this.lexer = new Lexer(word -> registry.find(word) instanceof RawCommand r ? r : null);
        // the bridge is a lazy holder: GraalJS loads on the first 'js', not at start-up
        this.js = new qsh.commands.js.JsBridge(this);
        session.js(js);
        registry.add(new RunCommand(this, js));
        registry.add(new qsh.commands.js.JsCommand(js));
        registry.add(new TraceCommand());
        registry.add(new VersionCommand(js));
        registry.add(new ExitCommand());
    }

    /** The session. */
    @Override
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

    /** The session's lexer: one set of rules for every input form ({@link ScriptRunner} feeds it). */
    @Override
    public Lexer lexer() {
        return lexer;
    }

    /** True while {@code text} needs more lines: an open '[', a trailing '\\', or unfinished js code. */
    public boolean isIncomplete(String text) {
        return lexer.isIncomplete(text);
    }

    /** The statements of {@code text} as written, split at top-level ';' and line ends (js takes its whole line). */
    public List<String> statements(String text) {
        List<String> out = new java.util.ArrayList<>();
        for (Lexer.Statement s : lexer.scan(text, 1).statements()) {
            out.add(s.source());
        }
        return out;
    }

    /** Sets where nested script output goes. */
    public void sink(Sink s) {
        this.sink = s;
    }

    /** The current sink. */
    @Override
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
     * Runs one command given as text (JavaScript's callbacks, tests, the batch command). Text holding several
     * statements is refused: {@link ScriptRunner} runs those. Errors come back as {@link CommandException} with one
     * clear line; any other exception is wrapped (its stack trace kept for {@code trace}).
     */
    public Outcome execute(String line) {
        Lexer.Scan scan = lexer.scan(line, 1);
        if (scan.incomplete()) {
            throw new CommandException(scan.unfinished().message());
        }
        List<Lexer.Statement> statements = scan.statements();
        if (statements.isEmpty()) {
            return new Outcome(null, Result.EMPTY, false, 0, false);
        }
        if (statements.size() > 1) {
            throw new CommandException("one command at a time here, but '" + line.strip() + "' holds "
                    + statements.size() + " (split at ';' or line ends)");
        }
        return execute(statements.get(0));
    }

    /**
     * Runs one statement from the {@link #lexer()} (its {@code !} marker is the runner's business). Errors come back
     * as {@link CommandException} with one clear line; any other exception is wrapped (its stack trace kept for
     * {@code trace}).
     */
    @Override
    public Outcome execute(Lexer.Statement statement) {
        if (statement.error() != null) {
            throw new CommandException(statement.error());
        }
        List<String> words = statement.words();
        if (words.isEmpty()) {
            return new Outcome(null, Result.EMPTY, false, 0, false);
        }
        RawCommand raw = statement.isRaw() && registry.find(words.get(0)) instanceof RawCommand r ? r : null;
        Command c = raw != null ? raw : registry.get(words.get(0));
        long t0 = System.nanoTime();
        Args[] parsed = {null};
        Result r = perform(c.spec().name(), () -> {
            // a raw command (js) takes the rest of the line as typed; others get parsed options
            if (raw != null) {
                return raw.runRaw(statement.rawText(), session);
            }
            parsed[0] = Args.parse(c.spec(), words.subList(1, words.size()));
            return c.run(parsed[0], session);
        });
        if (depth == 0) { // lines of a script run by 'run FILE' are not recorded twice: the 'run' line is
            String stopped = session.history().record(statement.text(), c.spec().name());
            if (stopped != null) {
                r = withWarning(r, stopped);
            }
        }
        if (raw != null) {
            return new Outcome(c.spec().name(), r, false, System.nanoTime() - t0, false);
        }
        return new Outcome(c.spec().name(), r, parsed[0].json(), System.nanoTime() - t0, c instanceof ExitCommand);
    }

    /** The commands by name. */
    @Override
    public qsh.commands.spi.CommandIndex commands() {
        return registry;
    }

    @Override
    public Result perform(String command, java.util.function.Supplier<Result> body) {
        qsh.core.tensor.MemoryBudget.set(session.settings().memoryBudget()); // one heap, one budget: this session's
        // commands validate before they change the session; the one implicit change (the demo model loaded on
        // first use) is undone here when the command fails, so a failing command leaves the session as it was
        ModelState modelBefore = session.model().orElse(null);
        try {
            depth++;
            try {
                return body.get();
            } finally {
                depth--;
                qsh.core.tensor.MemoryBudget.set(session.settings().memoryBudget()); // 'set memory-budget' holds now
            }
        } catch (CommandException e) {
            session.model(modelBefore);
            session.lastError(e);
            throw e;
        } catch (RuntimeException e) {
            session.model(modelBefore);
            session.lastError(e);
            // the user's failures (bad input, a stop on request) as their own line; qsh's as a bug pointing to trace
            throw new CommandException(command + ": " + (ErrorLine.isUsers(e) ? e.getMessage() : ErrorLine.internal(e)), e);
        } catch (OutOfMemoryError e) {
            // what filled the heap was this command's; its values are unreachable now, and the session is as it was
            session.model(modelBefore);
            session.lastError(e);
            throw new CommandException(command + ": ran out of memory (the heap holds at most "
                    + qsh.core.tensor.MemoryBudget.describe(Runtime.getRuntime().maxMemory())
                    + "); the session is intact. Try smaller inputs, 'set memory-budget' lower, or more heap"
                    + " (QSH_JAVA_OPTS=-Xmx8g ./qsh)", e);
        }
    }
}
