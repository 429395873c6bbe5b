package qsh.core.quant;

/** The true range of float data, refusing empty ranges and NaN/Inf (spec step 1, "Compute the true range"). */
public final class MinMax {
    private MinMax() {}

    /** {min, max} of {@code data[from, to)}; throws naming the first non-finite index. */
    public static float[] of(float[] data, int from, int to) {
        if (to <= from) {
            throw new IllegalArgumentException("cannot encode an empty tensor");
        }
        float mn = Float.POSITIVE_INFINITY;
        float mx = Float.NEGATIVE_INFINITY;
        float bad = 0f;
        for (int i = from; i < to; i++) {
            float v = data[i];
            mn = Math.min(mn, v);
            mx = Math.max(mx, v);
            bad += v - v; // stays 0 for finite v, becomes NaN for NaN or ±Inf: no branch in the loop
        }
        if (bad != 0f) { // NaN compares unequal to everything
            for (int i = from; i < to; i++) {
                if (!Float.isFinite(data[i])) {
                    throw new IllegalArgumentException("value at index " + (i - from) + " is " + data[i]
                            + ": NaN and Inf cannot be encoded");
                }
            }
        }
        return new float[] {mn, mx};
    }
}
