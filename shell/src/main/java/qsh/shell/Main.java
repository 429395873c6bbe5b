package qsh.shell;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import qsh.commands.Interpreter;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.ScriptRunner;

/**
 * qsh's entry point. {@code qsh} starts the REPL (or reads commands from stdin when it is not a terminal),
 * {@code qsh FILE.qsh [--echo] [--keep-going]} replays a script, {@code qsh -c 'LINE'} runs a line (several
 * {@code -c} run in order). Every form feeds the same {@link ScriptRunner}, so a text means the same everywhere.
 * Exit codes: 0 success, 1 a command failed, 2 bad usage.
 */
public final class Main {
    /** Exit code when a command or script line failed. */
    public static final int EXIT_FAILED = 1;
    /** Exit code for bad command-line usage. */
    public static final int EXIT_USAGE = 2;

    private Main() {}

    public static void main(String[] args) {
        int code;
        try {
            code = run(args, System.in, System.out, System.err, System.console() != null);
        } catch (OutOfMemoryError e) {
            // the interpreter turns a command's OutOfMemoryError into its error line; this is the last net
            System.err.println("qsh: ran out of memory (the heap holds at most "
                    + qsh.core.tensor.MemoryBudget.describe(Runtime.getRuntime().maxMemory())
                    + "); give Java more heap with QSH_JAVA_OPTS=-Xmx8g");
            code = EXIT_FAILED;
        } catch (RuntimeException e) {
            System.err.println("qsh: internal error " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + " (a bug in qsh)");
            code = EXIT_FAILED;
        }
        System.exit(code);
    }

    /** Runs qsh with {@code args}; returns the exit code (tests call this in-process). */
    public static int run(String[] args, java.io.InputStream in, PrintStream out, PrintStream err, boolean terminal) {
        if (args.length > 0 && args[0].equals("quantize")) {
            return batchQuantize(args, out, err);
        }
        boolean echo = false;
        boolean keepGoing = false;
        List<String> commands = new ArrayList<>(); // every -c, run in order (psql's habit)
        List<String> positional = new ArrayList<>();
        List<Path> allowRead = new ArrayList<>(); // Deno's flags: what JavaScript may reach beyond its own folders
        List<Path> allowWrite = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--allow-read":
                case "--allow-write":
                    if (i + 1 >= args.length) {
                        err.println("qsh: " + args[i] + " needs a file or folder, e.g. qsh " + args[i] + " ~/data");
                        return EXIT_USAGE;
                    }
                    (args[i].equals("--allow-read") ? allowRead : allowWrite).add(Path.of(args[++i]).toAbsolutePath());
                    break;
                case "--echo":
                    echo = true;
                    break;
                case "--keep-going":
                    keepGoing = true;
                    break;
                case "-c":
                    if (i + 1 >= args.length) {
                        err.println("qsh: -c needs a command line, e.g. qsh -c 'encode [1, 2] --bw 8'");
                        return EXIT_USAGE;
                    }
                    commands.add(args[++i]);
                    break;
                case "--cds-warmup":
                    try {
                        Repl.warmUp();
                        return 0;
                    } catch (IOException e) {
                        err.println("qsh: warm-up failed: " + e.getMessage());
                        return EXIT_USAGE;
                    }
                case "-h":
                case "--help":
                    out.println("usage: qsh [FILE.qsh [--echo] [--keep-going] | FILE.js]"
                            + " | qsh -c 'COMMAND[; COMMAND...]' [-c ...] [--keep-going]");
                    out.println("       qsh quantize --input_network M.onnx (--input_list L.txt | --enable_float_fallback)"
                            + " --output_path OUT.onnx [FLAGS]   (the spec's qairt-quantizer; qsh -c 'help qairt-quantizer')");
                    out.println("  no arguments: interactive shell (reads stdin as a script when it is not a terminal)");
                    out.println("  --allow-read PATH, --allow-write PATH: JavaScript may also read/write under PATH"
                            + " (default: the working, script, data and temp folders; repeatable)");
                    return 0;
                default:
                    if (args[i].startsWith("-")) {
                        err.println("qsh: unknown option " + args[i] + " (try qsh --help)");
                        return EXIT_USAGE;
                    }
                    positional.add(args[i]);
            }
        }
        if (!commands.isEmpty() && !positional.isEmpty()) { // psql's rule: a stray word is an error, not ignored
            err.println("qsh: unexpected argument '" + positional.get(0) + "' with -c; quote the whole command line"
                    + " (qsh -c '" + commands.get(commands.size() - 1) + " " + String.join(" ", positional)
                    + "') or give each command its own -c");
            return EXIT_USAGE;
        }
        if (positional.size() > 1) {
            err.println("qsh: one script at a time (got " + positional.get(0) + " and " + positional.get(1) + ")");
            return EXIT_USAGE;
        }
        String file = positional.isEmpty() ? null : positional.get(0);
        Interpreter interp = new Interpreter();
        var access = interp.session().scriptFileAccess();
        for (Path p : allowRead) {
            access = access.allowRead(p);
        }
        for (Path p : allowWrite) {
            access = access.allowWrite(p);
        }
        interp.session().scriptFileAccess(access);
        Renderer renderer = new Renderer(out, err, interp.session(), terminal && file == null && commands.isEmpty());
        interp.sink(renderer.sink());
        if (!commands.isEmpty()) {
            // each -c is a text like a script's (';' separates, '#' comments, js takes its line); they run in order
            boolean failed = false;
            for (String command : commands) {
                ScriptRunner runner = new ScriptRunner(interp);
                failed |= !runner.run(command, "-c", echo, keepGoing, f -> renderer.error(f.message())).isEmpty();
                if (runner.exitRequested() || (failed && !keepGoing)) {
                    break;
                }
            }
            return failed ? EXIT_FAILED : 0;
        }
        if (file != null && file.endsWith(".js")) {
            // a JavaScript file runs in the session's context, as 'run FILE.js' would
            try {
                renderer.print(interp.execute("run " + quote(file)));
                return 0;
            } catch (CommandException e) {
                renderer.line(e.getMessage());
                return EXIT_FAILED;
            }
        }
        if (file != null) {
            interp.session().baseDir(Path.of(file).toAbsolutePath().getParent());
            try (Reader r = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
                return replay(interp, renderer, r, file, echo, keepGoing);
            } catch (NoSuchFileException e) {
                err.println("qsh: no such script: " + file);
                return EXIT_USAGE;
            } catch (IOException e) {
                err.println("qsh: cannot read " + file + ": " + e.getMessage());
                return EXIT_USAGE;
            }
        }
        if (terminal) {
            return new Repl(interp).run();
        }
        try {
            return replay(interp, renderer, new InputStreamReader(in, StandardCharsets.UTF_8), "<stdin>", echo, keepGoing);
        } catch (IOException e) {
            err.println("qsh: cannot read standard input: " + e.getMessage());
            return EXIT_USAGE;
        }
    }

    /**
     * {@code qsh quantize --input_network …}: the spec's qairt-quantizer in batch (CI) form. Exit 0 on success,
     * 1 with one line on stderr on any error (nothing half-written), 2 for no flags at all; {@code --help}/{@code -h}
     * prints the command's help (exit 0).
     */
    private static int batchQuantize(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 1) {
            err.println("qsh quantize: give --input_network M.onnx, --input_list L.txt (or --enable_float_fallback) and"
                    + " --output_path OUT.onnx (qsh -c 'help qairt-quantizer' lists every flag)");
            return EXIT_USAGE;
        }
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--help") || args[i].equals("-h")) { // the batch command's own help, not a flag error
                out.println("usage: qsh quantize --input_network M.onnx (--input_list L.txt | --enable_float_fallback |"
                        + " --float_bw 16) --output_path OUT.onnx [FLAGS]   (the spec's qairt-quantizer)");
                Interpreter interp = new Interpreter();
                Renderer renderer = new Renderer(out, err, interp.session(), false);
                renderer.print(interp.execute("help qairt-quantizer"));
                return 0;
            }
        }
        StringBuilder line = new StringBuilder("qairt-quantizer");
        for (int i = 1; i < args.length; i++) {
            line.append(' ').append(quote(args[i]));
        }
        Interpreter interp = new Interpreter();
        Renderer renderer = new Renderer(out, err, interp.session(), false);
        try {
            renderer.print(interp.execute(line.toString()));
            return 0;
        } catch (CommandException e) {
            renderer.error(e.getMessage());
            return EXIT_FAILED;
        }
    }

    /** Quotes one shell word for qsh's lexer (quotes group, no escapes: the other quote kind when needed). */
    static String quote(String word) {
        if (!word.isEmpty() && word.chars().noneMatch(c -> Character.isWhitespace(c) || "\"';[]#\\".indexOf(c) >= 0)) {
            return word;
        }
        return word.indexOf('"') < 0 ? '"' + word + '"' : "'" + word + "'";
    }

    private static int replay(Interpreter interp, Renderer renderer, Reader r, String source, boolean echo,
                              boolean keepGoing) throws IOException {
        List<ScriptRunner.Failure> fails = new ScriptRunner(interp).run(r, source, echo, keepGoing,
                f -> renderer.line(f.toString()));
        return fails.isEmpty() ? 0 : EXIT_FAILED;
    }
}
