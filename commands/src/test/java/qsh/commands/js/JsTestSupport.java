package qsh.commands.js;

import qsh.commands.Interpreter;
import qsh.commands.spi.CommandException;

/** An interpreter whose JavaScript output is collected, and helpers to evaluate and expect failures. */
final class JsTestSupport {
    final Interpreter interp = new Interpreter();
    final StringBuilder printed = new StringBuilder();

    JsTestSupport() {
        interp.sink(new Interpreter.Sink() {
            @Override
            public void emit(Interpreter.Outcome outcome) {
                outcome.result().lines().forEach(l -> printed.append(l).append('\n'));
            }

            @Override
            public void echo(String line) {}

            @Override
            public void print(String text) {
                printed.append(text);
            }
        });
    }

    /** The shown value of {@code js CODE}. */
    String js(String code) {
        return String.join("\n", interp.execute("js " + code).result().lines());
    }

    /** The error message of a command expected to fail. */
    String error(String line) {
        try {
            interp.execute(line);
        } catch (CommandException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected '" + line + "' to fail");
    }
}
