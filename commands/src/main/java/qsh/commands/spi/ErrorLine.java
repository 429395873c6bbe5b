package qsh.commands.spi;

import qsh.core.exec.Cancelled;
import qsh.core.exec.Executor;

/**
 * What a failure is, told in one line: the user's (bad input, a refused request, a stop on request), said as its
 * own message; or qsh's (a bug), said as an internal error that points to {@code trace}. The interpreter and the
 * JavaScript bridge both use this, so one failure reads the same everywhere.
 */
public final class ErrorLine {
    private static final String BUG = " (a bug in qsh, not in your input; type 'trace' for details)";

    private ErrorLine() {}

    /**
     * True for failures the user can act on: a command's error, a stop on request, and core's input checks
     * (IllegalArgumentException, including the executor's ExecutionException; IllegalStateException, e.g. "run
     * calibration first"; ArithmeticException, e.g. a size overflow). A kernel's unexpected exception
     * ({@link Executor.InternalFailure}), every other exception, and a check's exception without a message (the
     * JDK's own, not one of qsh's) are qsh's.
     */
    public static boolean isUsers(Throwable t) {
        return t instanceof CommandException || (t.getMessage() != null && (t instanceof Cancelled
                || t instanceof IllegalArgumentException || t instanceof IllegalStateException
                || t instanceof ArithmeticException));
    }

    /** The line for an internal failure: where and what, said to be a bug, pointing to trace. */
    public static String internal(Throwable t) {
        if (t instanceof Executor.InternalFailure) {
            return "internal error in " + t.getMessage() + BUG;
        }
        return "internal error " + t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage()) + BUG;
    }
}
