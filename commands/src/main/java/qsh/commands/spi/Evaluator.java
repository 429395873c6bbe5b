package qsh.commands.spi;

/**
 * What runs statements against a session, as the statement runner ({@link ScriptRunner}), JavaScript and
 * {@code run} reach it: {@code qsh.commands.Interpreter} implements it. The interpreter names every command (it sits
 * above them all); code below it runs command lines through this interface.
 */
public interface Evaluator {
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

    /** The session the statements act on. */
    Session session();

    /** The session's lexer: one set of rules for every input form ({@link ScriptRunner} feeds it). */
    Lexer lexer();

    /** Where nested script output goes. */
    Sink sink();

    /**
     * Runs one statement from the {@link #lexer()} (its {@code !} marker is the runner's business). Errors come back
     * as {@link CommandException} with one clear line.
     */
    Outcome execute(Lexer.Statement statement);

    /** The commands by name: their specs convert typed arguments ({@link Args#of}) as they parse typed words. */
    CommandIndex commands();

    /**
     * Runs {@code body}, the work of the command named {@code command} called with typed arguments (JavaScript's
     * {@code qsh.calibrate}, …), exactly as a typed command runs: the session's memory budget, and on failure the
     * session as it was, the error kept for {@code trace}, and the same one-line {@link CommandException}.
     */
    Result perform(String command, java.util.function.Supplier<Result> body);
}
