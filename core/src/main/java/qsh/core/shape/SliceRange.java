package qsh.core.shape;

/**
 * One axis of ONNX Slice: negative starts/ends count from the end, then are clamped to [0, d] for positive
 * steps and [-1, d-1] for negative ones. Shared by the Slice kernel and static shape inference.
 *
 * @param begin the first index taken
 * @param length how many elements the axis keeps (≥ 0)
 */
public record SliceRange(long begin, long length) {
    /** The range of an axis of size {@code d}; {@code step} must not be 0. */
    public static SliceRange of(long d, long start, long end, long step) {
        if (step == 0) {
            throw new IllegalArgumentException("Slice step 0");
        }
        long b = start < 0 ? start + d : start;
        long e = end < 0 ? end + d : end;
        if (step > 0) {
            b = Math.max(0, Math.min(d, b));
            e = Math.max(0, Math.min(d, e));
            return new SliceRange(b, Math.max(0, (e - b + step - 1) / step));
        }
        b = Math.max(-1, Math.min(d - 1, b));
        e = Math.max(-1, Math.min(d - 1, e));
        return new SliceRange(b, Math.max(0, (b - e + (-step) - 1) / (-step)));
    }
}
