package qsh.shell;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;
import java.util.Locale;
import qsh.commands.Interpreter;
import qsh.commands.spi.Session;

/** Prints outcomes: JSON for {@code --json}, text lines otherwise; colour only on a terminal. */
public final class Renderer {
    private static final String RED = "\u001b[31m";
    private static final String DIM = "\u001b[2m";
    private static final String BOLD = "\u001b[1m";
    private static final String RESET = "\u001b[0m";

    private final PrintStream out;
    private final PrintStream err;
    private final Session session;
    private final boolean terminal;
    private ObjectMapper json; // created on first --json: Jackson costs ~0.1 s of start-up

    private ObjectMapper json() {
        if (json == null) {
            json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        }
        return json;
    }

    /** A renderer writing to {@code out}/{@code err}; {@code terminal} says whether colour may be used. */
    public Renderer(PrintStream out, PrintStream err, Session session, boolean terminal) {
        this.out = out;
        this.err = err;
        this.session = session;
        this.terminal = terminal;
    }

    private boolean colour() {
        String c = session.settings().colour();
        return c.equals("on") || (c.equals("auto") && terminal);
    }

    /** Prints one outcome. */
    public void print(Interpreter.Outcome o) {
        if (o.json()) {
            try {
                out.println(json().writeValueAsString(o.result().data()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
            }
        } else if (!session.settings().feedback().equals("silent")) {
            boolean first = true;
            for (String line : o.result().lines()) {
                out.println(first && colour() && !line.startsWith(" ") ? BOLD + line + RESET : line);
                first = false;
            }
        }
        if (session.settings().timing() && o.command() != null) {
            String t = String.format(Locale.ROOT, "(%s: %.3f ms)", o.command(), o.nanos() / 1e6);
            out.println(colour() ? DIM + t + RESET : t);
        }
        out.flush();
    }

    /** Prints an echoed script line ({@code --echo}). */
    public void echo(String line) {
        if (line.startsWith("#")) {
            out.println(line);
            return;
        }
        out.println(colour() ? DIM + "qsh> " + line + RESET : "qsh> " + line);
    }

    /** Prints one error line, prefixed "error: ". */
    public void error(String message) {
        line("error: " + message);
    }

    /** Prints one error line as is (script failures already read {@code FILE:LINE: message}). */
    public void line(String message) {
        out.flush();
        err.println(colour() ? RED + message + RESET : message);
        err.flush();
    }

    /** A sink that prints nested script output through this renderer. */
    public Interpreter.Sink sink() {
        return new Interpreter.Sink() {
            @Override
            public void emit(Interpreter.Outcome outcome) {
                Renderer.this.print(outcome);
            }

            @Override
            public void echo(String line) {
                Renderer.this.echo(line);
            }

            @Override
            public void expectedError(String message) {
                Renderer.this.error(message);
            }

            @Override
            public void print(String text) {
                out.print(text);
                out.flush();
            }
        };
    }
}
