package qsh.commands.fuzz;

import qsh.commands.CommandRegistry;
import qsh.commands.Interpreter;
import qsh.commands.builtin.DequantizeCommand;
import qsh.commands.builtin.EncodeCommand;
import qsh.commands.builtin.LetCommand;
import qsh.commands.builtin.PackCommand;
import qsh.commands.builtin.QuantizeCommand;
import qsh.commands.builtin.SetCommand;
import qsh.commands.builtin.ShowCommand;
import qsh.commands.builtin.TensorsCommand;
import qsh.commands.builtin.UnpackCommand;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.Session;

/**
 * What the commands module's Jazzer targets share: an interpreter that fuzzed text may drive without touching the
 * machine (only in-memory tensor commands and {@code set}: nothing that writes a file or records history; the
 * interpreter adds run, js, trace, version and exit), and the property they check.
 */
public final class FuzzInterpreters {
    private FuzzInterpreters() {}

    /** An interpreter over a new session whose commands cannot write files; its output is discarded. */
    public static Interpreter safe() {
        CommandRegistry r = new CommandRegistry();
        r.add(new LetCommand());
        r.add(new ShowCommand());
        r.add(new TensorsCommand());
        r.add(new EncodeCommand());
        r.add(new QuantizeCommand(new qsh.commands.algorithms.QairtQuantizerCommand().spec().options()));
        r.add(new DequantizeCommand());
        r.add(new PackCommand());
        r.add(new UnpackCommand());
        r.add(new SetCommand());
        return new Interpreter(new Session(), r);
    }

    private static final java.util.concurrent.ScheduledExecutorService WATCHDOG =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "fuzz-watchdog");
                t.setDaemon(true);
                return t;
            });

    /**
     * Runs {@code body} on this thread; past {@code millis} it is stopped as Ctrl-C stops a command (the
     * interpreter's interrupt plus the thread's flag), so an input that makes a script loop for ever ends as
     * "interrupted" (stopping within a bound is part of the property; libFuzzer's own timeout catches a command
     * that Ctrl-C cannot stop). The flag is cleared afterwards.
     */
    public static void bounded(Interpreter interp, long millis, Runnable body) {
        Thread self = Thread.currentThread();
        Object lock = new Object();
        boolean[] done = {false};
        java.util.concurrent.ScheduledFuture<?> stop = WATCHDOG.schedule(() -> {
            synchronized (lock) {
                if (!done[0]) {
                    interp.interrupt();
                    self.interrupt();
                }
            }
        }, millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        try {
            body.run();
        } finally {
            synchronized (lock) {
                done[0] = true;
            }
            stop.cancel(false);
            Thread.interrupted();
        }
    }

    /**
     * Rethrows {@code e} unless it is a failure the user is shown as their own: a {@link CommandException} whose
     * line is not an internal error and does not leak Java's text (a null message, "Cannot invoke …", a Java class
     * name); user text it echoes (a path named "fashException:ion.js") is not taken for Java's.
     */
    public static void requireUsersError(RuntimeException e) {
        if (!(e instanceof CommandException) || leaksInternals(e.getMessage())) {
            throw e;
        }
    }

    /** ErrorLine.internal's line, as a command or the js bridge prefixes it ("js: internal error Foo..."). */
    private static final java.util.regex.Pattern INTERNAL =
            java.util.regex.Pattern.compile("(^|: )internal error (in |[A-Z])");

    /** A Java class name (java.nio.file.InvalidPathException, org.graalvm.polyglot.Value, ...). */
    private static final java.util.regex.Pattern JAVA_NAME =
            java.util.regex.Pattern.compile("\\b(java|javax|jdk|sun|org\\.graalvm|com\\.fasterxml|com\\.google)\\.[a-z]+\\.");

    /** True for a message that is qsh's bug or Java's words rather than one clear line for the user. */
    public static boolean leaksInternals(String message) {
        if (message == null) {
            return true;
        }
        // what the user wrote comes back quoted ('qtException:x' is a callback name, not Java's text)
        String own = message.replaceAll("'[^'\n]*'", "''");
        return INTERNAL.matcher(own).find() || own.endsWith(": null") || own.contains("Cannot invoke")
                || JAVA_NAME.matcher(own).find();
    }
}
