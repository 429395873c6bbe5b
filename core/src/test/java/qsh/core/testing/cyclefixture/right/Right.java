package qsh.core.testing.cyclefixture.right;

import qsh.core.testing.cyclefixture.left.Left;

/** The other half of the deliberate cycle in {@code cyclefixture}. */
public final class Right {
    private Right() {}

    /** A reference back to the first half. */
    public static Class<?> partner() {
        return Left.class;
    }
}
