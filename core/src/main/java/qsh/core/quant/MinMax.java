package qsh.core.quant;

import java.util.concurrent.CompletableFuture;

/** The true range of float data, refusing empty ranges and NaN/Inf (spec step 1, "Compute the true range"). */
public final class MinMax {
    /** From this many values on, the two halves are scanned on two threads. */
    private static final int PARALLEL_THRESHOLD = 1 << 20;

    private MinMax() {}

    /** {min, max} of {@code data[from, to)}; throws naming the first non-finite index. */
    public static float[] of(float[] data, int from, int to) {
        if (to <= from) {
            throw new IllegalArgumentException("cannot encode an empty tensor");
        }
        if (from < 0 || to > data.length) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") is outside an array of " + data.length);
        }
        float[] mm;
        int n = to - from;
        // inside a fork/join worker (a caller already running in parallel) stay on this thread: a nested
        // common-pool task would only queue behind the caller
        if (n >= PARALLEL_THRESHOLD && !(Thread.currentThread() instanceof java.util.concurrent.ForkJoinWorkerThread)) {
            int mid = from + n / 2;
            CompletableFuture<float[]> upper = CompletableFuture.supplyAsync(() -> scan(data, mid, to));
            float[] a = scan(data, from, mid);
            float[] b = upper.join();
            mm = new float[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])};
        } else {
            mm = scan(data, from, to);
        }
        // Math.min/max propagate NaN and ±Inf reaches min or max, so a finite result proves finite data; only
        // on failure is the array scanned again to name the culprit. Keeping the check out of the loop lets
        // the JIT vectorize the two reductions.
        if (!Float.isFinite(mm[0]) || !Float.isFinite(mm[1])) {
            for (int i = from; i < to; i++) {
                if (!Float.isFinite(data[i])) {
                    throw new IllegalArgumentException("value at index " + (i - from) + " is " + data[i]
                            + ": NaN and Inf cannot be encoded");
                }
            }
        }
        return mm;
    }

    private static float[] scan(float[] data, int from, int to) {
        float mn = Float.POSITIVE_INFINITY;
        float mx = Float.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            float v = data[i];
            mn = Math.min(mn, v);
            mx = Math.max(mx, v);
        }
        return new float[] {mn, mx};
    }
}
