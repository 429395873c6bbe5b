package qsh.core.exec.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** For tests of the Vector API kernels' results: wait for their warm-ups, then use them whatever their speed. */
final class WarmUps {
    private WarmUps() {}

    /** Waits (60 s in all) for each warm-up in turn, then uses its kernels whatever speed it measured. */
    static void awaitAndUse(KernelWarmUp... warmUps) throws InterruptedException {
        long until = System.nanoTime() + 60_000_000_000L;
        for (KernelWarmUp w : warmUps) {
            while (!w.finished() && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            assertTrue(w.finished(), "the " + w.name() + " warm-up did not finish in 60 s");
            w.useRegardlessOfSpeed();
            if (w == VectorMath.WARM_UP) {
                MathKinds.useAll();
            }
            if (w == VectorRows.WARM_UP) {
                VectorRows.useEvensRegardlessOfSpeed();
            }
        }
    }
}
