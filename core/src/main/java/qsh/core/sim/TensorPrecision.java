package qsh.core.sim;

import java.util.List;
import qsh.core.quant.Encoding;

/**
 * How one tensor is held in the quantized model: a float of 16 or 32 bits, or integers under one encoding
 * (per-tensor) or one per channel along {@code axis} (spec, "Per-channel Quantization Overrides").
 *
 * @param kind      FLOAT or INT
 * @param bitwidth  bits per value
 * @param encodings the integer encodings (empty for floats)
 * @param axis      the channel axis of a per-channel tensor (-1 otherwise)
 */
public record TensorPrecision(Kind kind, int bitwidth, List<Encoding> encodings, int axis) {
    /** Float or integer. */
    public enum Kind { FLOAT, INT }

    /** FP32: what an unquantized tensor is. */
    public static final TensorPrecision FP32 = new TensorPrecision(Kind.FLOAT, 32, List.of(), -1);
    /** FP16. */
    public static final TensorPrecision FP16 = new TensorPrecision(Kind.FLOAT, 16, List.of(), -1);

    public TensorPrecision {
        encodings = List.copyOf(encodings);
        if (kind == Kind.INT && encodings.isEmpty()) {
            throw new IllegalArgumentException("an integer tensor needs at least one encoding");
        }
    }

    /** FP16 or FP32. */
    public static TensorPrecision floating(int bitwidth) {
        if (bitwidth == 32) {
            return FP32;
        }
        if (bitwidth == 16) {
            return FP16;
        }
        throw new IllegalArgumentException("float bitwidth must be 16 or 32, got " + bitwidth);
    }

    /** Integers under one encoding. */
    public static TensorPrecision integer(Encoding e) {
        return new TensorPrecision(Kind.INT, e.bitwidth(), List.of(e), -1);
    }

    /** Integers under one encoding per channel along {@code axis} (a single encoding means per-tensor). */
    public static TensorPrecision integer(List<Encoding> e, int axis) {
        return new TensorPrecision(Kind.INT, e.get(0).bitwidth(), e, e.size() > 1 ? axis : -1);
    }

    /** True for integer tensors. */
    public boolean isInt() {
        return kind == Kind.INT;
    }

    /** True when the tensor has one encoding per channel. */
    public boolean perChannel() {
        return encodings.size() > 1;
    }

    /** The (first) encoding of an integer tensor. */
    public Encoding encoding() {
        return encodings.get(0);
    }

    /** True when two precisions store values the same way (same kind and bitwidth; encodings may differ). */
    public boolean sameType(TensorPrecision o) {
        return kind == o.kind && bitwidth == o.bitwidth;
    }

    /** The encodings JSON view: the integer encodings, or one {@code dtype: float} entry. */
    public List<Encoding> asEncodings() {
        return isInt() ? encodings : List.of(Encoding.floatingPoint(bitwidth));
    }

    /** "int8", "uint8 per-channel ×16", "fp16", … */
    public String describe() {
        if (!isInt()) {
            return "fp" + bitwidth;
        }
        return "int" + bitwidth + (perChannel() ? " per-channel ×" + encodings.size() : "");
    }
}
