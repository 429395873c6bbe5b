package qsh.core.onnx;

/**
 * IEEE 754 half precision ↔ float (JDK 17 has no Float.float16ToFloat). Float → half rounds to nearest, ties to
 * even (IEEE default, what ONNX Cast and numpy's astype(float16) do); values ≥ 65520 become ±Inf; NaN stays NaN.
 */
public final class Float16 {
    private Float16() {}

    /** The float value of half-precision bits {@code h}. */
    public static float toFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant / 1024f / 16384f; // subnormal: mant · 2^-24
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** The half-precision bits nearest to {@code f} (ties to even). */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7fffffff;
        if (abs >= 0x7f800000) { // Inf, NaN (keep a quiet NaN)
            return (short) (sign | 0x7c00 | (abs > 0x7f800000 ? 0x200 | ((abs >>> 13) & 0x3ff) : 0));
        }
        if (abs >= 0x477ff000) { // ≥ 65520: past half of the last step above 65504
            return (short) (sign | 0x7c00);
        }
        if (abs < 0x38800000) { // below 2^-14: a half subnormal, m · 2^-24 with m = rint(|f| · 2^24) (exact scaling)
            int m = (int) Math.rint(Float.intBitsToFloat(abs) * 16777216f);
            return (short) (sign | m); // m = 0x400 is the smallest normal, as it should be
        }
        int h = (((abs >>> 23) - 112) << 10) | ((abs & 0x7fffff) >>> 13);
        int rest = abs & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (h & 1) == 1)) {
            h++; // a carry into the exponent is the correct rounding (up to 65504 at most, see the guard above)
        }
        return (short) (sign | h);
    }

    /** {@code f} rounded to the nearest half-precision value (what storing it as float16 keeps). */
    public static float round(float f) {
        return toFloat(fromFloat(f));
    }
}
