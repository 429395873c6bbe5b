package qsh.core.quant;

/**
 * One quantization encoding: bitwidth, the representable range [encoding-min, encoding-max], scale and
 * zero point, symmetric flag and data type (spec, "Quantization").
 *
 * <p><b>Offset sign.</b> Two conventions exist and both are derived from one stored zero point:
 * <ul>
 *   <li>{@link #zeroPoint()} is the spec's prose {@code offset = round(-min/scale)}: the unsigned grid value
 *       that represents 0.0 exactly (200 in the spec's worked example). This is what qsh prints as "offset".</li>
 *   <li>{@link #aimetOffset()} is AIMET's encodings-JSON {@code offset = round(min/scale)} (≤ 0, -200 in the
 *       worked example), used only when reading or writing encodings JSON.</li>
 * </ul>
 *
 * <p>Quantized values live on the unsigned grid [0, 2^bw - 1]: x̂ = min + q·scale = (q - zeroPoint)·scale.
 * Instances are immutable; build them through an {@link Encoder} or {@link #fromRange}/{@link #symmetricFromAbsMax}.
 */
public final class Encoding {
    /** Integer or floating-point tensor. A FLOAT encoding has only a bitwidth (16 or 32). */
    public enum DType { INT, FLOAT }

    private final int bitwidth;
    private final double min;
    private final double max;
    private final double scale;
    private final long zeroPoint;
    private final boolean symmetric;
    private final DType dtype;

    private Encoding(int bitwidth, double min, double max, double scale, long zeroPoint, boolean symmetric, DType dtype) {
        this.bitwidth = bitwidth;
        this.min = min;
        this.max = max;
        this.scale = scale;
        this.zeroPoint = zeroPoint;
        this.symmetric = symmetric;
        this.dtype = dtype;
    }

    /** Checks an integer bitwidth: 2..16 for weights/activations, 32 for biases. */
    public static int checkIntBitwidth(int bitwidth) {
        if (!((bitwidth >= 2 && bitwidth <= 16) || bitwidth == 32)) {
            throw new IllegalArgumentException("bitwidth " + bitwidth
                    + " is not supported: use 2-16 for weights and activations, or 32 for biases");
        }
        return bitwidth;
    }

    /** The largest unsigned grid value, 2^bw - 1. */
    public static long qmax(int bitwidth) {
        return (1L << bitwidth) - 1;
    }

    /**
     * The asymmetric encoding whose range is exactly [min, max] moved so that 0.0 lies on the grid
     * (spec "Cases - Handling 0", case 3): scale = (max-min)/(2^bw-1); zeroPoint = round(-min/scale)
     * clamped to [0, 2^bw-1] (round half to even); new min = -zeroPoint·scale; new max = new min + (2^bw-1)·scale.
     * The caller must already have applied the minimum range and widened the range to include 0 ({@link TfRange}).
     */
    public static Encoding fromRange(int bitwidth, double min, double max) {
        checkIntBitwidth(bitwidth);
        if (!(min <= 0 && max >= 0 && max > min) || !Double.isFinite(min) || !Double.isFinite(max)) {
            throw new IllegalArgumentException("an encoding range must be finite, contain 0 and be non-empty: ["
                    + min + ", " + max + "]");
        }
        long q = qmax(bitwidth);
        double scale = (max - min) / q;
        long z = Math.round(Math.rint(-min / scale));
        z = Math.max(0, Math.min(q, z));
        double newMin = -z * scale;
        double newMax = newMin + q * scale;
        return new Encoding(bitwidth, newMin, newMax, scale, z, false, DType.INT);
    }

    /**
     * The signed-symmetric encoding of the spec's per-channel example: scale = absMax/(2^(bw-1)-1),
     * zeroPoint = 2^(bw-1) (AIMET offset -2^(bw-1)), range [-2^(bw-1)·scale, (2^(bw-1)-1)·scale].
     */
    public static Encoding symmetricFromAbsMax(int bitwidth, double absMax) {
        checkIntBitwidth(bitwidth);
        if (!(absMax > 0) || !Double.isFinite(absMax)) {
            throw new IllegalArgumentException("a symmetric encoding needs a finite positive absolute maximum, got " + absMax);
        }
        long half = 1L << (bitwidth - 1);
        double scale = absMax / (half - 1);
        return new Encoding(bitwidth, -half * scale, (half - 1) * scale, scale, half, true, DType.INT);
    }

    /**
     * An integer encoding given directly by scale and zero point (e.g. a 32-bit bias with
     * scale = input scale × weight scale); min and max follow from them.
     */
    public static Encoding fromScaleAndZeroPoint(int bitwidth, double scale, long zeroPoint, boolean symmetric) {
        checkIntBitwidth(bitwidth);
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("scale must be finite and positive, got " + scale);
        }
        long q = qmax(bitwidth);
        if (zeroPoint < 0 || zeroPoint > q) {
            throw new IllegalArgumentException("zero point " + zeroPoint + " is outside [0, " + q + "]");
        }
        double newMin = -zeroPoint * scale;
        long half = 1L << (bitwidth - 1);
        // the signed-symmetric grid's top is (2^(bw-1)-1)·scale, computed as symmetricFromAbsMax does, so the same
        // grid read back from scale and offset (1.0.0 JSON) is the same Encoding to the last bit
        double newMax = symmetric && zeroPoint == half ? (half - 1) * scale : newMin + q * scale;
        return new Encoding(bitwidth, newMin, newMax, scale, zeroPoint, symmetric, DType.INT);
    }

    /** A floating-point (non-quantized) encoding: FP16 or FP32. */
    public static Encoding floatingPoint(int bitwidth) {
        if (bitwidth != 16 && bitwidth != 32) {
            throw new IllegalArgumentException("float bitwidth must be 16 or 32, got " + bitwidth);
        }
        return new Encoding(bitwidth, Double.NaN, Double.NaN, Double.NaN, 0, false, DType.FLOAT);
    }

    /** Bits per value. */
    public int bitwidth() { return bitwidth; }

    /** encoding-min: the float value of grid value 0. */
    public double min() { return min; }

    /** encoding-max: the float value of grid value 2^bw-1. */
    public double max() { return max; }

    /** Step size (max - min)/(2^bw - 1). */
    public double scale() { return scale; }

    /** Spec offset convention: round(-min/scale), the grid value that represents 0.0 (200 in the spec example). */
    public long zeroPoint() { return zeroPoint; }

    /** AIMET encodings-JSON offset convention: round(min/scale) = -zeroPoint (-200 in the spec example). */
    public long aimetOffset() { return -zeroPoint; }

    /** True for the signed-symmetric grid. */
    public boolean symmetric() { return symmetric; }

    /** INT or FLOAT. */
    public DType dtype() { return dtype; }

    /** True for an integer (quantized) encoding. */
    public boolean isInt() { return dtype == DType.INT; }

    /** The largest grid value of this encoding, 2^bw - 1. */
    public long qmax() { return qmax(bitwidth); }

    @Override
    public String toString() {
        if (dtype == DType.FLOAT) {
            return "float" + bitwidth;
        }
        return String.format("int%d [%.6g, %.6g] scale=%.6g offset=%d%s", bitwidth, min, max, scale, zeroPoint,
                symmetric ? " symmetric" : "");
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Encoding)) {
            return false;
        }
        Encoding e = (Encoding) o;
        return bitwidth == e.bitwidth && Double.compare(min, e.min) == 0 && Double.compare(max, e.max) == 0
                && Double.compare(scale, e.scale) == 0 && zeroPoint == e.zeroPoint && symmetric == e.symmetric
                && dtype == e.dtype;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(bitwidth, min, max, scale, zeroPoint, symmetric, dtype);
    }
}
