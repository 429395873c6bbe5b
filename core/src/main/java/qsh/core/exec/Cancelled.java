package qsh.core.exec;

/**
 * The one signal that a run was stopped on request (Ctrl-C sets the thread's interrupt flag): neither a problem of
 * the input nor a bug. Loops over nodes, inputs, layers or samples check {@link #requested} between steps and throw
 * this with what was done so far; the command layer reports the message as one line and keeps the session as it was.
 */
public final class Cancelled extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** {@code message} says what stopped and how far it got, e.g. "calibration interrupted after 3 of 8 inputs". */
    public Cancelled(String message) {
        super(message);
    }

    /** True when this thread was asked to stop (its interrupt flag, left set so that outer loops stop too). */
    public static boolean requested() {
        return Thread.currentThread().isInterrupted();
    }
}
