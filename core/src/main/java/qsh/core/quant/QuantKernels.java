package qsh.core.quant;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import qsh.core.tensor.Tensor;

/**
 * Fast quantize / dequantize / fused fake-quant kernels on the unsigned grid [0, 2^bw-1]
 * (spec "Quantization": q = clamp(round((x - min)/scale)), computed as round(x/scale) + zeroPoint, which is the
 * ONNX QuantizeLinear rule; x̂ = (q - zeroPoint)·scale, ONNX DequantizeLinear).
 *
 * <p>Up to 16 bits the arithmetic is float32 with s = (float) scale, like ONNX's float scale; 32-bit (bias)
 * variants on long[] use double. Results equal {@link ReferenceQuantizer} bit for bit (tested on random data
 * with exact .5 ties). ±Inf saturate. NaN quantizes to the zero point (an int has no NaN) but the fused
 * {@link #quantizeDequantize} passes NaN through (a NaN select in its loop would stop vectorization, and a NaN
 * in a fake-quantized tensor is better visible than silently 0.0).
 *
 * <p>Speed: v = x/s is clamped to the grid first (round(clamp(v)) = clamp(round(v)) because the bounds are
 * integers), which also keeps |v| ≤ 2^16 so half-to-even rounding can use the magic-number trick
 * (v + 1.5·2^23) - 1.5·2^23, exact for |v| < 2^22. Loops allocate nothing; arrays of at least 2^20 values are
 * split over two threads.
 */
public final class QuantKernels {
    /** 1.5·2^23: adding it to a float of magnitude < 2^22 rounds it to an integer, half to even. */
    private static final float MAGIC = 12582912f;
    private static final int PARALLEL_THRESHOLD = 1 << 20;

    private QuantKernels() {}

    /** Quantizes {@code x[from, to)} into {@code out[outOffset, …)} (bitwidth ≤ 16). */
    public static void quantize(float[] x, int from, int to, Encoding e, Rounding r, int[] out, int outOffset) {
        checkSlice(x.length, from, to, out.length, outOffset);
        checkNarrow(e);
        split(from, to, (a, b) -> quantizeRange(x, a, b, e, r, out, outOffset + (a - from)));
    }

    /** Dequantizes {@code q[from, to)} into {@code out[outOffset, …)} (bitwidth ≤ 16). */
    public static void dequantize(int[] q, int from, int to, Encoding e, float[] out, int outOffset) {
        checkSlice(q.length, from, to, out.length, outOffset);
        checkNarrow(e);
        split(from, to, (a, b) -> dequantizeRange(q, a, b, e, out, outOffset + (a - from)));
    }

    /** Fused fake-quant: out = dequantize(quantize(x)) without the intermediate int array (bitwidth ≤ 16). */
    public static void quantizeDequantize(float[] x, int from, int to, Encoding e, Rounding r, float[] out, int outOffset) {
        checkSlice(x.length, from, to, out.length, outOffset);
        checkNarrow(e);
        split(from, to, (a, b) -> fakeQuantRange(x, a, b, e, r, out, outOffset + (a - from)));
    }

    /** 32-bit (bias) quantize into long[] with double arithmetic. */
    public static void quantize32(float[] x, int from, int to, Encoding e, Rounding r, long[] out, int outOffset) {
        checkSlice(x.length, from, to, out.length, outOffset);
        double s = e.scale();
        long z = e.zeroPoint();
        double lo = -z;
        double hi = e.qmax() - z;
        for (int i = from, k = outOffset; i < to; i++, k++) {
            double v = x[i] / s;
            v = Math.max(lo, Math.min(hi, v));
            out[k] = (long) r.round(v) + z; // NaN: (long) NaN = 0 → zero point
        }
    }

    /** 32-bit (bias) dequantize from long[]: (q - z)·scale in double, stored as float. */
    public static void dequantize32(long[] q, int from, int to, Encoding e, float[] out, int outOffset) {
        checkSlice(q.length, from, to, out.length, outOffset);
        double s = e.scale();
        long z = e.zeroPoint();
        for (int i = from, k = outOffset; i < to; i++, k++) {
            out[k] = (float) ((q[i] - z) * s);
        }
    }

    /** Per-channel quantize along {@code axis}: channel c uses {@code encodings.get(c)}. */
    public static int[] quantizePerChannel(Tensor t, int axis, List<Encoding> encodings, Rounding r) {
        PerChannel.Layout l = PerChannel.Layout.of(t.shape(), t.normalizeAxis(axis));
        l.checkEncodings(encodings);
        encodings.forEach(QuantKernels::checkNarrow);
        float[] x = t.data();
        int[] out = new int[t.size()];
        for (int o = 0; o < l.outer(); o++) {
            for (int c = 0; c < l.channels(); c++) {
                int s = l.blockStart(o, c);
                quantizeRange(x, s, s + l.inner(), encodings.get(c), r, out, s);
            }
        }
        return out;
    }

    /** Per-channel dequantize of grid values laid out in {@code shape}. */
    public static float[] dequantizePerChannel(int[] q, int[] shape, int axis, List<Encoding> encodings) {
        long n = Tensor.checkedSize(shape);
        if (n != q.length) {
            throw new IllegalArgumentException(q.length + " quantized values do not fill shape " + java.util.Arrays.toString(shape));
        }
        int ax = axis < 0 ? axis + shape.length : axis;
        PerChannel.Layout l = PerChannel.Layout.of(shape, ax);
        l.checkEncodings(encodings);
        encodings.forEach(QuantKernels::checkNarrow);
        float[] out = new float[q.length];
        for (int o = 0; o < l.outer(); o++) {
            for (int c = 0; c < l.channels(); c++) {
                int s = l.blockStart(o, c);
                dequantizeRange(q, s, s + l.inner(), encodings.get(c), out, s);
            }
        }
        return out;
    }

    /** Per-channel fused fake-quant along {@code axis}. */
    public static float[] quantizeDequantizePerChannel(Tensor t, int axis, List<Encoding> encodings, Rounding r) {
        PerChannel.Layout l = PerChannel.Layout.of(t.shape(), t.normalizeAxis(axis));
        l.checkEncodings(encodings);
        encodings.forEach(QuantKernels::checkNarrow);
        float[] x = t.data();
        float[] out = new float[t.size()];
        for (int o = 0; o < l.outer(); o++) {
            for (int c = 0; c < l.channels(); c++) {
                int s = l.blockStart(o, c);
                fakeQuantRange(x, s, s + l.inner(), encodings.get(c), r, out, s);
            }
        }
        return out;
    }

    private static void quantizeRange(float[] x, int from, int to, Encoding e, Rounding r, int[] out, int off) {
        float s = (float) e.scale();
        int z = (int) e.zeroPoint();
        float lo = -z;
        float hi = (float) (e.qmax() - z);
        if (r == Rounding.HALF_EVEN && off == from) { // same index: vectorizes (see fakeQuantRange)
            for (int i = from; i < to; i++) {
                float v = Math.max(lo, Math.min(hi, x[i] / s));
                out[i] = (int) ((v + MAGIC) - MAGIC) + z;
            }
        } else if (r == Rounding.HALF_EVEN) {
            for (int i = from, k = off; i < to; i++, k++) {
                float v = Math.max(lo, Math.min(hi, x[i] / s));
                out[k] = (int) ((v + MAGIC) - MAGIC) + z;
            }
        } else {
            for (int i = from, k = off; i < to; i++, k++) {
                float v = Math.max(lo, Math.min(hi, x[i] / s));
                out[k] = (int) roundHalfAway(v) + z;
            }
        }
    }

    private static void dequantizeRange(int[] q, int from, int to, Encoding e, float[] out, int off) {
        float s = (float) e.scale();
        int z = (int) e.zeroPoint();
        if (off == from) { // same index: vectorizes (see fakeQuantRange)
            for (int i = from; i < to; i++) {
                out[i] = (q[i] - z) * s;
            }
            return;
        }
        for (int i = from, k = off; i < to; i++, k++) {
            out[k] = (q[i] - z) * s;
        }
    }

    private static void fakeQuantRange(float[] x, int from, int to, Encoding e, Rounding r, float[] out, int off) {
        float s = (float) e.scale();
        int z = (int) e.zeroPoint();
        float lo = -z;
        float hi = (float) (e.qmax() - z);
        if (r == Rounding.HALF_EVEN && off == from) {
            // Same index for input and output: JDK 17's auto-vectorizer gives up when two arrays are indexed at
            // different offsets (they might alias), ~10x slower. Whole tensors and per-channel blocks take this path.
            for (int i = from; i < to; i++) {
                // (q - z)·s with q - z = round(v). NaN stays NaN (no select in the loop, so it vectorizes)
                float v = Math.max(lo, Math.min(hi, x[i] / s));
                out[i] = ((v + MAGIC) - MAGIC) * s;
            }
        } else if (r == Rounding.HALF_EVEN) {
            for (int i = from, k = off; i < to; i++, k++) {
                float v = Math.max(lo, Math.min(hi, x[i] / s));
                out[k] = ((v + MAGIC) - MAGIC) * s;
            }
        } else {
            for (int i = from, k = off; i < to; i++, k++) {
                float v = Math.max(lo, Math.min(hi, x[i] / s));
                out[k] = v == v ? (float) (int) roundHalfAway(v) * s : v;
            }
        }
    }

    /** Half away from zero on a clamped float, in double so v + 0.5 is exact ((int) truncates toward zero). */
    private static double roundHalfAway(float v) {
        return (double) v + Math.copySign(0.5, v);
    }

    private interface RangeTask {
        void run(int from, int to);
    }

    /** Runs the task over [from, to), in two halves on two threads when the range is large. */
    private static void split(int from, int to, RangeTask task) {
        int n = to - from;
        if (n < PARALLEL_THRESHOLD || Thread.currentThread() instanceof java.util.concurrent.ForkJoinWorkerThread) {
            task.run(from, to);
            return;
        }
        int mid = from + n / 2;
        CompletableFuture<Void> upper = CompletableFuture.runAsync(() -> task.run(mid, to));
        task.run(from, mid);
        upper.join();
    }

    private static void checkNarrow(Encoding e) {
        if (!e.isInt()) {
            throw new IllegalArgumentException("cannot quantize with a float encoding (" + e + "): give an integer encoding");
        }
        if (e.bitwidth() > 16) {
            throw new IllegalArgumentException("bitwidth " + e.bitwidth() + " needs the 32-bit kernels (quantize32/dequantize32 on long[])");
        }
    }

    private static void checkSlice(int srcLength, int from, int to, int outLength, int outOffset) {
        if (from < 0 || to > srcLength || from > to || outOffset < 0 || outOffset + (to - from) > outLength) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") of " + srcLength + " values into output offset "
                    + outOffset + " of " + outLength + " is out of bounds");
        }
    }
}
