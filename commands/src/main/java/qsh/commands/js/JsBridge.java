package qsh.commands.js;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.ConfigCallbacks;
import qsh.commands.spi.Evaluator;
import qsh.commands.spi.Result;
import qsh.commands.spi.Scripts;
import qsh.core.io.FileAccessPolicy;

/**
 * The session's JavaScript, created on first use. This class names no GraalVM type, so holding one costs
 * start-up nothing; {@link JsRuntime} (the Context) is built by the first {@code js} or {@code run FILE.js}
 * and kept for the session, rebuilt only after it had to be closed (a hard interrupt, the statement limit).
 */
public final class JsBridge implements Scripts {
    private final Evaluator interpreter;
    private JsRuntime runtime;
    private volatile JsRuntime active;
    private int depth;
    private long startNanos;

    /** A bridge for {@code interpreter}'s session (nothing is started). */
    public JsBridge(Evaluator interpreter) {
        this.interpreter = interpreter;
    }

    /** Whether a JavaScript context exists. */
    public boolean started() {
        return runtime != null && !runtime.closed();
    }

    /** How long building the context took, in ns (0 before the first use). */
    public long startNanos() {
        return startNanos;
    }

    /** One line for {@code version}: GraalJS's version and whether it runs interpreted or compiled. */
    public String describe() {
        return JsRuntime.describe(started() ? runtime : null);
    }

    /** Evaluates {@code code} (named {@code sourceName} in errors) and shows its value like a REPL. */
    public Result eval(String code, String sourceName) {
        return evaluate(code, sourceName, false);
    }

    /** Runs a JavaScript file; relative paths inside it resolve against its folder. */
    public Result runFile(Path file, String shownName) {
        String code;
        FileAccessPolicy.requireRead(file); // a script running another: the outer script's folders
        try {
            code = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CommandException("run: no such file " + shownName);
        } catch (IOException e) {
            throw new CommandException("run: cannot read " + shownName + ": " + e.getMessage());
        }
        var session = interpreter.session();
        Path previous = session.baseDir();
        session.baseDir(file.toAbsolutePath().getParent());
        try {
            return evaluate(code, shownName, true);
        } finally {
            session.baseDir(previous);
        }
    }

    private Result evaluate(String code, String sourceName, boolean file) {
        JsRuntime r = runtime();
        JsRuntime outer = active;
        active = r;
        depth++;
        try {
            return r.under(scriptAccess(null), () -> r.eval(code, sourceName, file, depth == 1));
        } finally {
            depth--;
            active = outer;
            if (r.closed()) {
                runtime = null;
            }
        }
    }

    /**
     * What the script may reach: the session's policy plus the folder relative names resolve against (the working
     * folder, or the running .qsh/.js script's folder) and {@code ownFolder} (a callback file's folder), if given.
     */
    FileAccessPolicy scriptAccess(Path ownFolder) {
        var session = interpreter.session();
        FileAccessPolicy p = session.scriptFileAccess().allow(session.baseDir().toAbsolutePath());
        return ownFolder == null ? p : p.allow(ownFolder.toAbsolutePath());
    }

    /**
     * Runs {@code body} with access to JavaScript functions in files (a YAML config's callbacks). The functions are
     * called only while {@code body} runs, on this thread; Ctrl-C interrupts a running callback.
     */
    @Override
    public <T> T withScripts(java.util.function.Function<ConfigCallbacks, T> body) {
        JsRuntime r = runtime();
        JsRuntime outer = active;
        active = r;
        depth++;
        try {
            if (depth == 1) {
                r.resetLimits();
            }
            return body.apply(new ScriptFunctions(r, this));
        } catch (IllegalStateException e) {
            if (r.closed()) {
                throw new CommandException("js: the JavaScript context was closed (interrupted); a new one starts on the next use", e);
            }
            throw e;
        } finally {
            depth--;
            active = outer;
            if (r.closed()) {
                runtime = null;
            }
        }
    }

    /** The live runtime: built on first use, rebuilt when closed or when the statement limit setting changed. */
    JsRuntime runtime() {
        long limit = interpreter.session().settings().jsStatementLimit();
        if (runtime != null && (runtime.closed() || (runtime.statementLimit() != limit && depth == 0))) {
            runtime.close();
            runtime = null;
        }
        if (runtime == null) {
            long t0 = System.nanoTime();
            runtime = new JsRuntime(interpreter, limit);
            startNanos = System.nanoTime() - t0;
        }
        return runtime;
    }

    /** Ctrl-C: interrupts a running evaluation (from another thread); a no-op when no JavaScript runs. */
    public void interrupt() {
        JsRuntime r = active;
        if (r != null) {
            r.interruptFromOtherThread();
        }
    }

    /** The interpreter this bridge belongs to. */
    Evaluator interpreter() {
        return interpreter;
    }
}
