package qsh.core.exec.ops;

import java.util.Map;
import qsh.core.exec.kernels.FakeQuant;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.Tensor;

/**
 * ONNX QuantizeLinear / DequantizeLinear (opsets 10, 13, 19, 21), the ops of a QDQ model and of qsh's simulation:
 * y = saturate(rint(x / scale) + zero_point) with x / scale in float32 and ties to even; x̂ = (y - zero_point)·scale
 * in float32 (algorithms.md, "ONNX QuantizeLinear / DequantizeLinear"). Per-tensor (scalar scale) or per-axis
 * (1-D scale along {@code axis}, default 1). The integer type is the zero point's element type (UINT8 without
 * one, or opset 21's {@code output_dtype}); integer values travel as {@link LongTensor} tagged with that type.
 * Blocked quantization (opset 21 {@code block_size}) is refused by name.
 */
final class QuantOps {
    private static final int UINT8 = 2;

    private QuantOps() {}

    static void register(Map<String, OpKernel> m) {
        m.put("QuantizeLinear", (n, in, op) -> {
            checkNotBlocked(n);
            Tensor x = ElementwiseOps.asFloat(in[0]);
            Tensor scale = ElementwiseOps.asFloat(in[1]);
            LongTensor zp = in.length > 2 && in[2] != null ? ShapeOps.integers(in[2], "zero point") : null;
            int type = zp != null ? zp.dataType() : (int) n.attrInt("output_dtype", UINT8);
            long lo = lowest(type);
            long hi = highest(type);
            Axis a = Axis.of(x.shape(), scale.size(), (int) n.attrInt("axis", 1));
            float[] xd = x.data();
            float[] sd = scale.data();
            long[] out = new long[xd.length];
            for (int i = 0; i < xd.length; i++) {
                int c = a.channel(i);
                out[i] = FakeQuant.quantize(xd[i], sd[c], zp == null ? 0 : zp.data()[c], lo, hi);
            }
            return new Object[] {LongTensor.of(x.shape(), out, type)};
        });
        m.put("DequantizeLinear", (n, in, op) -> {
            checkNotBlocked(n);
            Object x0 = in[0];
            if (x0 instanceof Tensor) {
                throw new IllegalArgumentException("DequantizeLinear of a float input (float8 types are not supported)");
            }
            LongTensor x = (LongTensor) x0;
            Tensor scale = ElementwiseOps.asFloat(in[1]);
            LongTensor zp = in.length > 2 && in[2] != null ? ShapeOps.integers(in[2], "zero point") : null;
            Axis a = Axis.of(x.shape(), scale.size(), (int) n.attrInt("axis", 1));
            long[] xd = x.data();
            float[] sd = scale.data();
            float[] out = new float[xd.length];
            for (int i = 0; i < xd.length; i++) {
                int c = a.channel(i);
                out[i] = FakeQuant.dequantize(xd[i], zp == null ? 0 : zp.data()[c], sd[c]);
            }
            return new Object[] {Tensor.of(x.shape(), out)};
        });
    }

    private static void checkNotBlocked(qsh.core.graph.Node n) {
        if (n.attrInt("block_size", 0) != 0) {
            throw new IllegalArgumentException("blocked quantization (block_size) is not supported");
        }
    }

    /** The smallest value of an ONNX integer element type. */
    static long lowest(int type) {
        switch (type) {
            case 2: case 4: case 12: case 13: case 21: return 0;
            case 3: return -128;
            case 5: return -32768;
            case 6: return Integer.MIN_VALUE;
            case 22: return -8;
            default: return Long.MIN_VALUE;
        }
    }

    /** The largest value of an ONNX integer element type. */
    static long highest(int type) {
        switch (type) {
            case 2: return 255;
            case 3: return 127;
            case 4: return 65535;
            case 5: return 32767;
            case 6: return Integer.MAX_VALUE;
            case 12: return 0xffffffffL;
            case 21: return 15;
            case 22: return 7;
            default: return Long.MAX_VALUE;
        }
    }

    /** Maps a flat index to its quantization channel: 0 for per-tensor, else the index along {@code axis}. */
    private record Axis(int inner, int channels) {
        static Axis of(int[] shape, int scales, int axis) {
            if (scales == 1) {
                return new Axis(1, 1);
            }
            int ax = axis < 0 ? axis + shape.length : axis;
            if (ax < 0 || ax >= shape.length || shape[ax] != scales) {
                throw new IllegalArgumentException("per-axis scale of " + scales + " values does not match axis " + axis
                        + " of shape " + java.util.Arrays.toString(shape));
            }
            int inner = 1;
            for (int i = ax + 1; i < shape.length; i++) {
                inner *= shape[i];
            }
            return new Axis(inner, scales);
        }

        int channel(int flat) {
            return channels == 1 ? 0 : (flat / inner) % channels;
        }
    }
}
