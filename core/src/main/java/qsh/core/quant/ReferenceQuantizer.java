package qsh.core.quant;

/**
 * The plain, obviously-correct scalar definition of quantize/dequantize that the fast {@link QuantKernels} are
 * checked against bit for bit. One value at a time, no tricks.
 *
 * <p>Up to 16 bits (ONNX QuantizeLinear with a float32 scale): q = clamp(round(x / s) + z, 0, 2^bw-1) with
 * s = (float) scale and x / s in float32; x̂ = (q - z)·s in float32. 32 bits (biases): the same with a double
 * scale and double arithmetic.
 */
public final class ReferenceQuantizer {
    private ReferenceQuantizer() {}

    /** Quantizes one value to the unsigned grid of {@code e}. */
    public static long quantize(float x, Encoding e, Rounding r) {
        double v;
        if (e.bitwidth() <= 16) {
            float s = (float) e.scale();
            v = x / s; // float32 division, as ONNX
        } else {
            v = x / e.scale();
        }
        if (Double.isNaN(v)) {
            return e.zeroPoint();
        }
        double rounded = r.round(v) + e.zeroPoint();
        return (long) Math.max(0, Math.min(e.qmax(), rounded));
    }

    /** Dequantizes one grid value: (q - z)·scale. */
    public static float dequantize(long q, Encoding e) {
        if (e.bitwidth() <= 16) {
            return (q - e.zeroPoint()) * (float) e.scale();
        }
        return (float) ((q - e.zeroPoint()) * e.scale());
    }

    /** Fake-quant of one value: dequantize(quantize(x)), except that NaN stays NaN (as in the fused kernel). */
    public static float fakeQuantize(float x, Encoding e, Rounding r) {
        return Float.isNaN(x) ? x : dequantize(quantize(x, e, r), e);
    }
}
