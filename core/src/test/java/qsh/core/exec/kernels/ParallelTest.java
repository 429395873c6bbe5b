package qsh.core.exec.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ParallelTest {
    @ParameterizedTest(name = "two-ended claims {0}")
    @ValueSource(booleans = {true, false})
    void everyIndexRunsExactlyOnce(boolean twoEnded) {
        Parallel.affine(twoEnded);
        try {
            for (int round = 0; round < 50; round++) {
                everyIndexOnce();
            }
        } finally {
            Parallel.affine(true);
        }
    }

    /**
     * With two threads the caller claims chunks from the front and the helper from the back, so each runs one
     * contiguous share (the same end of the range every call: consecutive steps find their data in that core's
     * cache): the caller's chunks are a prefix of the range, whatever the helper's timing.
     */
    @Test
    void theCallersChunksAreAPrefixAndTheHelpersASuffix() {
        assumeTrue(Parallel.THREADS == 2, "two threads");
        Thread caller = Thread.currentThread();
        int helped = 0;
        for (int call = 0; call < 300; call++) {
            int n = 8 + call % 5;
            AtomicReferenceArray<Thread> ran = new AtomicReferenceArray<>(n);
            Parallel.forRange(n, (from, to) -> {
                for (int i = from; i < to; i++) {
                    ran.set(i, Thread.currentThread());
                }
                long until = System.nanoTime() + 20_000; // long enough chunks for the helper to join in
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            });
            int split = 0;
            while (split < n && ran.get(split) == caller) {
                split++;
            }
            for (int i = split; i < n; i++) {
                assertTrue(ran.get(i) != caller, "call " + call + ": index " + i + " ran on the caller after the helper's "
                        + split);
            }
            helped += split < n ? 1 : 0;
        }
        assertTrue(helped > 0, "the helper never took a chunk");
    }

    private static void everyIndexOnce() {
        for (int n : new int[] {1, 2, 3, 7, 8, 9, 100, 1001}) {
            AtomicIntegerArray hits = new AtomicIntegerArray(n);
            Parallel.forRange(n, (from, to) -> {
                for (int i = from; i < to; i++) {
                    hits.incrementAndGet(i);
                }
            });
            for (int i = 0; i < n; i++) {
                assertEquals(1, hits.get(i), "n " + n + " index " + i);
            }
        }
    }

    @Test
    void aFailureInAnyChunkReachesTheCaller() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forRange(64, (from, to) -> {
            if (to == 64) {
                throw new IllegalStateException("last chunk");
            }
        }));
        assertEquals("last chunk", e.getMessage());
    }
}
