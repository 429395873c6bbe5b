package qsh.core.quant;

import qsh.core.tensor.Tensor;

/**
 * Packed 4-bit storage (spec, "Packed 4-bit Quantization"; also ONNX int4/uint4): two values per byte, the
 * FIRST value in the LOW nibble — (10, 4) → 0100 1010 = 0x4A. Unsigned values span [0, 15]; signed values
 * [-8, 7] stored as two's-complement nibbles. An odd count leaves the last high nibble 0. Per-channel tensors
 * pack each channel on its own: ceil(n/2) bytes per channel (27 values → 14 bytes).
 */
public final class Packing {
    private Packing() {}

    /** Packs {@code q[from, to)} two per byte, first value in the low nibble. */
    public static byte[] pack4(int[] q, int from, int to, boolean signed) {
        if (from < 0 || to > q.length || from > to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") is outside an array of " + q.length);
        }
        int n = to - from;
        byte[] out = new byte[(n + 1) / 2];
        int lo = signed ? -8 : 0;
        int hi = signed ? 7 : 15;
        for (int i = 0; i < n; i++) {
            int v = q[from + i];
            if (v < lo || v > hi) {
                throw new IllegalArgumentException("value " + v + " at index " + i + " does not fit a " + (signed ? "signed" : "unsigned")
                        + " 4-bit nibble [" + lo + ", " + hi + "]: quantize to 4 bits first");
            }
            int nibble = v & 0xF; // two's complement for negatives
            out[i >> 1] |= (byte) ((i & 1) == 0 ? nibble : nibble << 4);
        }
        return out;
    }

    /** Unpacks {@code count} values (low nibble first); signed nibbles are sign-extended. */
    public static int[] unpack4(byte[] b, int count, boolean signed) {
        if (count < 0 || (count + 1) / 2 > b.length) {
            throw new IllegalArgumentException(count + " values need " + ((count + 1) / 2) + " packed bytes, got " + b.length);
        }
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            int nibble = (b[i >> 1] >> ((i & 1) * 4)) & 0xF;
            out[i] = signed ? (nibble << 28) >> 28 : nibble;
        }
        return out;
    }

    /** Packs each channel along {@code axis} separately: result[c] holds ceil(n/2) bytes for channel c's n values. */
    public static byte[][] packPerChannel(int[] q, int[] shape, int axis, boolean signed) {
        PerChannel.Layout l = layout(q.length, shape, axis);
        int n = l.outer() * l.inner();
        int[] scratch = new int[n];
        byte[][] out = new byte[l.channels()][];
        for (int c = 0; c < l.channels(); c++) {
            for (int o = 0; o < l.outer(); o++) {
                System.arraycopy(q, l.blockStart(o, c), scratch, o * l.inner(), l.inner());
            }
            try {
                out[c] = pack4(scratch, 0, n, signed);
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("channel " + c + ": " + ex.getMessage(), ex);
            }
        }
        return out;
    }

    /** The inverse of {@link #packPerChannel}: the grid values back in {@code shape}'s row-major order. */
    public static int[] unpackPerChannel(byte[][] packed, int[] shape, int axis, boolean signed) {
        long size = Tensor.checkedSize(shape);
        PerChannel.Layout l = layout((int) size, shape, axis);
        if (packed.length != l.channels()) {
            throw new IllegalArgumentException(packed.length + " packed channels given for " + l.channels() + " channels along axis " + l.axis());
        }
        int n = l.outer() * l.inner();
        int[] out = new int[(int) size];
        for (int c = 0; c < l.channels(); c++) {
            int[] vals = unpack4(packed[c], n, signed);
            for (int o = 0; o < l.outer(); o++) {
                System.arraycopy(vals, o * l.inner(), out, l.blockStart(o, c), l.inner());
            }
        }
        return out;
    }

    private static PerChannel.Layout layout(int count, int[] shape, int axis) {
        long size = Tensor.checkedSize(shape);
        if (size != count) {
            throw new IllegalArgumentException(count + " values do not fill shape " + java.util.Arrays.toString(shape));
        }
        return PerChannel.Layout.of(shape, axis < 0 ? axis + shape.length : axis);
    }
}
