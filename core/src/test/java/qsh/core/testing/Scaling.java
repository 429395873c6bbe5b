package qsh.core.testing;

/**
 * Times a small and a large input of the same work, interleaved (a burst of load on the shared machine hits both)
 * and best of 3 after one warm-up run of the small one, for tests that guard against a quadratic path coming back.
 *
 * @param bestSmallNanos the small input's best time
 * @param bestLargeNanos the large input's best time
 */
public record Scaling(long bestSmallNanos, long bestLargeNanos) {
    /** Runs {@code small} once to warm the JIT, then {@code small} and {@code large} alternately, three times each. */
    public static Scaling measure(Runnable small, Runnable large) {
        small.run();
        long bestSmall = Long.MAX_VALUE;
        long bestLarge = Long.MAX_VALUE;
        for (int rep = 0; rep < 3; rep++) {
            long t0 = System.nanoTime();
            small.run();
            long t1 = System.nanoTime();
            large.run();
            long t2 = System.nanoTime();
            bestSmall = Math.min(bestSmall, t1 - t0);
            bestLarge = Math.min(bestLarge, t2 - t1);
        }
        return new Scaling(bestSmall, bestLarge);
    }

    /** Large time over small time. */
    public double ratio() {
        return (double) bestLargeNanos / bestSmallNanos;
    }

    /** "SMALL x ms, LARGE y ms (×r)", for the test's log. */
    public String describe(String small, String large) {
        return String.format("%s %.1f ms, %s %.1f ms (×%.1f)", small, bestSmallNanos / 1e6, large, bestLargeNanos / 1e6, ratio());
    }
}
