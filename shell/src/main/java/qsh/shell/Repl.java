package qsh.shell;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.widget.AutosuggestionWidgets;
import qsh.commands.Interpreter;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.ScriptRunner;

/**
 * The interactive loop: JLine line editing, history in ~/.qsh_history, completion and argument hints from
 * the command specs, Ctrl-C interrupting the running command (not the session), Ctrl-D or exit to leave.
 */
final class Repl {
    private final Interpreter interp;
    private final Path historyFile;
    private ProgressBar progressBar = new ProgressBar(System.out);

    Repl(Interpreter interp) {
        this(interp, Path.of(System.getProperty("user.home"), ".qsh_history"));
    }

    /** A REPL keeping its history in {@code historyFile} (null: in memory only, for tests). */
    Repl(Interpreter interp, Path historyFile) {
        this.interp = interp;
        this.historyFile = historyFile;
    }

    int run() {
        try (Terminal terminal = TerminalBuilder.builder().system(true).provider("jni").build()) {
            return loop(terminal, new PrintStream(terminal.output(), true, java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            System.err.println("qsh: cannot open the terminal: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
    }

    /**
     * Loads the classes an interactive session needs, on a dumb terminal, so that the launcher can record them
     * in a class-data-sharing archive once (start-to-prompt then drops by about half).
     */
    static void warmUp() throws IOException {
        Interpreter in = new Interpreter();
        try (Terminal t = new org.jline.terminal.impl.DumbTerminal(new java.io.ByteArrayInputStream(new byte[0]),
                java.io.OutputStream.nullOutputStream())) {
            new Repl(in).reader(t);
        }
        // Also load the system-terminal provider classes (no tty here, so JLine falls back to a dumb terminal).
        try (Terminal t = TerminalBuilder.builder().system(true).provider("jni").dumb(true).build()) {
            t.getSize();
        }
        java.io.PrintStream sink = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
        Renderer r = new Renderer(sink, sink, in.session(), false);
        for (String line : new String[] {"help", "help encode", "let x = [-1.8, -1.0, 0, 0.5]", "encode x --explain",
            // no js here: GraalJS's classes in the archive tripled the start time (1.0 s instead of 0.35 s)
            "encode x --json", "pack [10, 4] --json", "hist x", "show x", "set"}) {
            r.print(in.execute(line));
        }
    }

    private LineReader reader(Terminal terminal) {
        // A line is accepted when the session's lexer says it is complete, the rule scripts and -c follow: an open
        // '[', a trailing '\\' or unfinished js code ({ … } blocks) asks for another line ("...> "). JLine's own
        // quote and bracket checks are not used: an unclosed quote is an error on its line, as in a script.
        DefaultParser parser = new DefaultParser() {
            @Override
            public org.jline.reader.ParsedLine parse(String line, int cursor, ParseContext context) {
                if (context == ParseContext.ACCEPT_LINE) {
                    if (interp.isIncomplete(line)) {
                        throw new org.jline.reader.EOFError(-1, -1, "unfinished line", "]");
                    }
                    return super.parse(line, cursor, ParseContext.SPLIT_LINE);
                }
                return super.parse(line, cursor, context);
            }
        };
        parser.setEscapeChars(new char[0]);
        LineReaderBuilder builder = LineReaderBuilder.builder().terminal(terminal).appName("qsh")
                .parser(parser)
                .completer(new Completion(interp))
                .variable(LineReader.SECONDARY_PROMPT_PATTERN, "...> ");
        if (historyFile != null) {
            builder.variable(LineReader.HISTORY_FILE, historyFile);
        }
        LineReader reader = builder.build();
        new AutosuggestionWidgets(reader).enable();
        new CursorHints(reader, interp).enable();
        return reader;
    }

    /** Reads lines from {@code terminal} until Ctrl-D or exit; output goes to {@code out}. */
    int loop(Terminal terminal, PrintStream out) {
        Renderer renderer = new Renderer(out, out, interp.session(), true);
        interp.sink(renderer.sink());
        progressBar = new ProgressBar(out);
        interp.session().progressReporter(progressBar);
        LineReader reader = reader(terminal);
        out.println("qsh — interactive quantization shell. Type 'help' for commands, Tab to complete, Ctrl-D to leave.");
        AtomicReference<Thread> running = new AtomicReference<>();
        terminal.handle(Terminal.Signal.INT, s -> {
            Thread t = running.get();
            if (t != null) {
                t.interrupt();
                interp.interrupt(); // JavaScript does not watch the thread's flag: its context is interrupted
            }
        });
        String launched = System.getenv("QSH_LAUNCH_NANOS");
        if (System.getenv("QSH_TIME_TO_PROMPT") != null && launched != null) {
            // Start-to-prompt for the README: from the launcher's first line (epoch nanos) to here.
            java.time.Instant now = java.time.Instant.now();
            long nowNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
            out.println("time to prompt: " + (nowNanos - Long.parseLong(launched.trim())) / 1_000_000 + " ms");
        }
        while (true) {
            String line;
            try {
                line = reader.readLine("qsh> ");
            } catch (UserInterruptException e) {
                continue;
            } catch (EndOfFileException e) {
                // Ctrl-D on an unfinished line (a '[' still open): say what was dropped, as a script's end would
                if (e.getPartialLine() != null && interp.isIncomplete(e.getPartialLine())) {
                    renderer.error(interp.lexer().scan(e.getPartialLine(), 1).unfinished().message());
                }
                return 0;
            }
            // rows (graph, ranges, cle step) are laid out for the terminal's width now; a dumb terminal says 0: 80
            interp.session().columns(terminal.getWidth());
            boolean[] exit = new boolean[1];
            String[] error = new String[1];
            Thread worker = new Thread(() -> {
                try {
                    exit[0] = runAccepted(line, renderer);
                } catch (CommandException e) {
                    error[0] = e.getMessage();
                } catch (OutOfMemoryError e) { // the interpreter reports a command's; this is the last net
                    error[0] = "ran out of memory; the session is kept (set memory-budget lower, or QSH_JAVA_OPTS=-Xmx8g)";
                } catch (RuntimeException e) {
                    error[0] = "internal error " + e.getClass().getSimpleName() + (e.getMessage() == null ? ""
                            : ": " + e.getMessage()) + " (a bug in qsh)";
                }
            }, "qsh-command");
            running.set(worker);
            worker.start();
            try {
                worker.join();
            } catch (InterruptedException e) {
                worker.interrupt();
            }
            running.set(null);
            if (error[0] != null) {
                progressBar.erase();
                renderer.error(error[0]);
            } else if (exit[0]) {
                return 0;
            }
        }
    }

    /**
     * Runs what the user accepted (one or more statements, possibly over several lines) through the same runner
     * as scripts and -c: output as it comes, the first error stops the rest of this input. True when exit ran.
     */
    private boolean runAccepted(String text, Renderer renderer) {
        ScriptRunner runner = new ScriptRunner(interp, renderer::print);
        runner.run(text, "<repl>", false, false, f -> {
            progressBar.erase(); // a stopped task's bar: the message goes on its own line
            renderer.error(f.message());
        });
        return runner.exitRequested();
    }
}
