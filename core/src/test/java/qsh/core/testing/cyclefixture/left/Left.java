package qsh.core.testing.cyclefixture.left;

import qsh.core.testing.cyclefixture.right.Right;

/** Half of a deliberate two-package cycle: shows ArchitectureTest's cycle rule can fail. */
public final class Left {
    private Left() {}

    /** A reference to the other half, so the packages depend on each other. */
    public static Class<?> partner() {
        return Right.class;
    }
}
