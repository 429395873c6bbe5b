package qsh.core.testing;

import qsh.core.exec.Cancelled;
import qsh.core.exec.Executor;

/**
 * The property every Jazzer target (the {@code *Fuzzer} classes) checks: whatever the bytes, qsh either succeeds or
 * fails with one of its own user-facing errors. Those are the ones commands' {@code ErrorLine.isUsers} shows as a
 * plain line: core's input checks (IllegalArgumentException, IllegalStateException, ArithmeticException, with a
 * message of qsh's) and a stop on request. A kernel's {@link Executor.InternalFailure}, any other exception, a JDK
 * check without a message, and every Error (OutOfMemoryError, StackOverflowError) are findings. Shared by core's and
 * commands' fuzz targets (core's test-jar).
 */
public final class FuzzVerdict {
    private FuzzVerdict() {}

    /** True when {@code t} is a failure qsh reports to the user as their input's problem. */
    public static boolean isUsersError(Throwable t) {
        if (t instanceof Executor.InternalFailure || t.getMessage() == null) {
            return false;
        }
        return t instanceof Cancelled || t instanceof IllegalArgumentException || t instanceof IllegalStateException
                || t instanceof ArithmeticException;
    }

    /** Rethrows {@code t} unless it is a user-facing error, so that Jazzer records the input as a finding. */
    public static void requireUsersError(RuntimeException t) {
        if (!isUsersError(t)) {
            throw t;
        }
    }
}
