package qsh.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.ErrorLine;
import qsh.commands.spi.Result;
import qsh.commands.spi.ScriptRunner;
import qsh.commands.spi.Session;
import qsh.core.exec.Cancelled;
import qsh.core.exec.Executor;

/** User errors, stops on request and internal failures each read as what they are, in commands and in scripts. */
class ErrorLineTest {
    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    private static Interpreter throwing(RuntimeException e) {
        CommandRegistry reg = CommandRegistry.standard();
        reg.add(new Command() {
            @Override
            public CommandSpec spec() {
                return new CommandSpec("boom", "test", "throws", List.of(), List.of(), List.of(), List.of(), false);
            }

            @Override
            public Result run(Args args, Session session) {
                throw e;
            }
        });
        return new Interpreter(new Session(), reg);
    }

    private static String failure(RuntimeException e) {
        Interpreter in = throwing(e);
        CommandException ce = assertThrows(CommandException.class, () -> in.execute("boom"));
        assertTrue(in.session().lastError().isPresent(), "trace has the stack");
        return ce.getMessage();
    }

    @Test
    void inputErrorsAndStopsAreTheirOwnLine() {
        assertEquals("boom: tensor 'x' has 3 values", failure(new IllegalArgumentException("tensor 'x' has 3 values")));
        assertEquals("boom: run calibration first", failure(new IllegalStateException("run calibration first")));
        assertEquals("boom: calibration interrupted after 2 of 8 inputs",
                failure(new Cancelled("calibration interrupted after 2 of 8 inputs")));
    }

    @Test
    void bugsSaySoAndPointToTrace() {
        String bug = " (a bug in qsh, not in your input; type 'trace' for details)";
        assertEquals("boom: internal error NullPointerException" + bug, failure(new NullPointerException()));
        assertEquals("boom: internal error in node 'Add_1' (Add): IndexOutOfBoundsException: Index 1" + bug,
                failure(new Executor.InternalFailure("node 'Add_1' (Add): IndexOutOfBoundsException: Index 1", null)));
        // the JDK's own check without a message is not one of qsh's input checks
        assertEquals("boom: internal error IllegalArgumentException" + bug, failure(new IllegalArgumentException()));
        assertFalse(ErrorLine.isUsers(new Executor.InternalFailure("x", null)));
        assertTrue(ErrorLine.isUsers(new Cancelled("interrupted")));
    }

    @Test
    void anInterruptedRunIsCancelledAndLeavesTheSessionAsItWas() {
        Interpreter in = new Interpreter();
        in.execute("load demo");
        var before = in.session().model().orElseThrow();
        Thread.currentThread().interrupt();
        CommandException e = assertThrows(CommandException.class, () -> in.execute("infer --random"));
        assertEquals("infer: interrupted", e.getMessage());
        assertInstanceOf(Cancelled.class, e.getCause());
        assertTrue(before == in.session().model().orElseThrow(), "the model is the one before the command");
    }

    @Test
    void anInterruptBetweenStatementsStopsTheScriptEvenWithKeepGoing() {
        Interpreter in = new Interpreter();
        Thread.currentThread().interrupt();
        List<ScriptRunner.Failure> f = new ScriptRunner(in).run("set bins 64\nset bins 128\n", "s.qsh", false, true, x -> { });
        assertEquals(1, f.size(), f.toString());
        assertEquals("interrupted", f.get(0).message());
        assertEquals(1, f.get(0).line());
        assertEquals(512, in.session().settings().bins(), "no statement ran");
    }
}
