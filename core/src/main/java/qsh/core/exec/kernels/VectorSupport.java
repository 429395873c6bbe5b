package qsh.core.exec.kernels;

/**
 * Whether the kernels may use {@link VectorKernels} (the Vector API, JDK 17's incubator module
 * {@code jdk.incubator.vector}): the module is present (the launcher, the tests and the benchmarks add it), the
 * CPU has vectors of 8 floats or more, {@code -Dqsh.vector=false} does not turn it off, and the kernels are
 * compiled (see {@link VectorKernels}). This class does not touch the module itself, so without it the kernels
 * simply keep their plain-Java paths; both paths give the same bits.
 */
final class VectorSupport {
    /** The module is present, not turned off, and the vectors are wide enough. */
    static final boolean ENABLED = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"false".equals(System.getProperty("qsh.vector")) && VectorKernels.useful();

    /** Tests set this to compare the two paths. */
    private static volatile boolean suspended;

    private VectorSupport() {
    }

    /** Whether the Vector API kernels may be used now: enabled, compiled, and not suspended. */
    static boolean ready() {
        return ENABLED && !suspended && VectorKernels.WARM_UP.ready();
    }

    /** Makes the kernels use their plain-Java paths ({@code true}) or the Vector API ones when ready; for tests. */
    static void suspend(boolean suspend) {
        suspended = suspend;
    }
}
