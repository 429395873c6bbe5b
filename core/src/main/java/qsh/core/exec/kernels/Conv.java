package qsh.core.exec.kernels;

import java.util.Arrays;
import qsh.core.shape.ConvGeometry;
import qsh.core.tensor.Tensor;

/**
 * ONNX Conv for 1-D, 2-D and 3-D spatial inputs (NCHW / NCDHW float32). Paths: depthwise (group == C, M a multiple of C)
 * as a direct kernel; otherwise per group a {@link Sgemm} over the im2col matrix, bias added in the GEMM's
 * tile pass. Weights can be {@link #prepare prepared} once (packed GEMM panels) for repeated runs, with an
 * {@link Epilogue} (per-channel stages and an activation of the ops that follow) applied to each output row as
 * it is written. 1-D is computed as 2-D with a height of one; 3-D ({@link Conv3d}) per group as one GEMM over
 * the vol2col matrix.
 *
 * <p>im2col rows are not gathered window by window: the input is first copied into a zero-padded,
 * stride-phase-split layout ({@link SlicedInput}) in which every im2col row is one contiguous slice, so packing a
 * GEMM panel row is a single arraycopy. The GEMM then computes a few garbage columns per output row (the
 * layout's row is wider than the output's), which are dropped when the result is compacted into Y.
 */
public final class Conv {
    private Conv() {
    }

    /** Turns the compact im2col rows of small planes on (the default) or off, for one-JVM A/B benchmarks. */
    public static void compactRows(boolean on) {
        SlicedInput.compact = on;
    }

    private static volatile boolean depthwiseRowsFirst = true;

    /**
     * Whether a depthwise 3 x 3 that {@link VectorDepthwiseRows} computes goes there before {@link DepthwiseChannels}
     * is asked (the default), for one-JVM A/B benchmarks and tests (same bits either way).
     */
    public static void depthwiseRowsFirst(boolean on) {
        depthwiseRowsFirst = on;
    }

    /** A convolution's weights ready for repeated runs: packed per group, bias and activation attached. */
    public static final class Prepared {
        final int m;
        final int cg;
        final int kd;
        final int kh;
        final int kw;
        final int group;
        final int rank;
        final float[] w;
        final float[] bias;
        final PackedA[] packed;
        final Epilogue ep;
        /** The weights and bias in {@link DepthwiseChannels}' layout, made on its first use (same content by any thread). */
        private volatile float[][] channelLayout;

        private Prepared(Tensor w, Tensor bias, int group, Epilogue ep) {
            if (w.rank() < 3 || w.rank() > 5) {
                throw new IllegalArgumentException("Conv supports 1-D, 2-D and 3-D spatial inputs, got W " + w.shapeString());
            }
            this.rank = w.rank();
            this.m = w.dim(0);
            this.cg = w.dim(1);
            this.kd = w.rank() == 5 ? w.dim(2) : 1;
            this.kh = w.rank() >= 4 ? w.dim(w.rank() - 2) : 1;
            this.kw = w.dim(w.rank() - 1);
            this.group = group;
            this.w = w.data();
            this.ep = ep;
            if (group < 1 || m % group != 0) {
                throw new IllegalArgumentException("Conv group " + group + " does not fit W " + w.shapeString()
                        + " (need M divisible by group)");
            }
            if (bias != null && bias.size() != m) {
                throw new IllegalArgumentException("Conv bias " + bias.shapeString() + " must have " + m + " elements");
            }
            this.bias = bias == null ? null : bias.data();
            if (isDepthwise()) {
                this.packed = null;
            } else {
                int mg = m / group;
                int kk = cg * kd * kh * kw;
                this.packed = new PackedA[group];
                for (int g = 0; g < group; g++) {
                    packed[g] = Sgemm.pack(mg, kk, 1f, this.w, g * mg * kk, kk, false);
                }
            }
        }

        float[][] channelLayout() {
            float[][] l = channelLayout;
            if (l == null) {
                l = DepthwiseChannels.layout(w, bias, m, kh * kw);
                channelLayout = l;
            }
            return l;
        }

        private boolean isDepthwise() {
            return cg == 1 && group > 1 && rank < 5; // the direct depthwise kernels are 2-D; 3-D goes through the GEMM
        }
    }

    /** Prepares W (M x C/group x kernel), bias (nullable) and the epilogue applied to each output channel. */
    public static Prepared prepare(Tensor w, Tensor bias, int group, Epilogue ep) {
        return new Prepared(w, bias, group, ep);
    }

    /** Y = conv(x, w) + bias; pads are (begin..., end...), strides/dilations null = ones. */
    public static Tensor conv(Tensor x, Tensor w, Tensor bias, int[] strides, int[] pads, int[] dilations,
                              int group) {
        if (w.rank() != x.rank()) {
            throw new IllegalArgumentException("Conv W " + w.shapeString() + " must have the rank of X "
                    + x.shapeString());
        }
        return run(prepare(w, bias, group, Epilogue.NONE), x, strides, pads, dilations);
    }

    /** Y = ep(conv(x, W) + bias) with prepared weights; pads are (begin..., end...), strides/dilations null = ones. */
    public static Tensor run(Prepared p, Tensor x, int[] strides, int[] pads, int[] dilations) {
        int r = x.rank() - 2;
        if (r != 1 && r != 2 && r != 3) {
            throw new IllegalArgumentException("Conv supports 1-D, 2-D and 3-D spatial inputs, got X "
                    + x.shapeString());
        }
        if (p.rank != x.rank()) {
            throw new IllegalArgumentException("Conv W of rank " + p.rank + " must have the rank of X " + x.shapeString());
        }
        if (r == 3) {
            return Conv3d.run(p, x, strides, pads, dilations);
        }
        if (r == 1) {
            int[] q = pads == null ? new int[2] : pads;
            Tensor y = conv2d(p, x.reshape(x.dim(0), x.dim(1), 1, x.dim(2)), 1, ConvGeometry.at(strides, 0), 0, q[0], 0,
                    q[1], 1, ConvGeometry.at(dilations, 0));
            return y.reshape(y.dim(0), y.dim(1), y.dim(3));
        }
        int[] q = pads == null ? new int[4] : pads;
        return conv2d(p, x, ConvGeometry.at(strides, 0), ConvGeometry.at(strides, 1), q[0], q[1], q[2], q[3],
                ConvGeometry.at(dilations, 0), ConvGeometry.at(dilations, 1));
    }

    /**
     * conv(x * s) for prepared 1 x 1 weights run at stride 1 without padding or groups, where one of {@code a} and
     * {@code b} is x [N, C, H, W] and the other, s, holds a factor per channel (and image) that broadcasts over x's
     * planes ([C, 1, 1], [1, C, 1, 1], [N, C, 1, 1], or one factor): the product is computed row by row as the GEMM
     * packs its input ({@link ScaledRows}), flushed where subnormal as Mul's kernel flushes it and fake-quantized by
     * {@code fq} (nullable) as a QuantizeLinear → DequantizeLinear pair after it would, so the results are the bits of
     * Mul, the pair and Conv run one after the other, without the product's pass over memory. Null when the operands
     * or the weights have another form (the caller then runs the three kernels).
     */
    public static Tensor runScaled(Prepared p, Tensor a, Tensor b, FakeQuant fq) {
        if (p.rank != 4 || p.group != 1 || p.kh != 1 || p.kw != 1) {
            return null;
        }
        Tensor x = a;
        Tensor s = b;
        if (!ScaledRows.scales(s, x, p.cg)) {
            x = b;
            s = a;
            if (!ScaledRows.scales(s, x, p.cg)) {
                return null;
            }
        }
        int n = x.dim(0);
        int c = x.dim(1);
        int plane = x.dim(2) * x.dim(3);
        int m = p.m;
        int[] shape = {n, m, x.dim(2), x.dim(3)};
        float[] y = Buffers.floats(Math.toIntExact(Tensor.checkedSize(shape)));
        for (int i = 0; i < n; i++) {
            Sgemm.multiply(p.packed[0], plane, new ScaledRows(x.data(), i * c * plane, plane, s, i, fq), 0f, y,
                    i * m * plane, plane, p.bias, 0, p.ep);
        }
        return Tensor.of(shape, y);
    }

    private static Tensor conv2d(Prepared pw, Tensor x, int sh, int sw, int pt, int pl, int pb, int pr, int dh, int dw) {
        int n = x.dim(0);
        int c = x.dim(1);
        int h = x.dim(2);
        int wd = x.dim(3);
        int m = pw.m;
        int kh = pw.kh;
        int kw = pw.kw;
        int group = pw.group;
        if (c % group != 0 || pw.cg != c / group) {
            throw new IllegalArgumentException("Conv group " + group + " does not fit X " + x.shapeString()
                    + " and W [" + m + ", " + pw.cg + ", " + kh + ", " + kw + "] (need C divisible by group, W[1] = C/group)");
        }
        if (pt < 0 || pl < 0 || pb < 0 || pr < 0) {
            throw new IllegalArgumentException("Conv pads must not be negative");
        }
        int[] o = ConvGeometry.outputSize(new int[] {h, wd}, new int[] {kh, kw}, new int[] {sh, sw},
                new int[] {pt, pl, pb, pr}, new int[] {dh, dw}, false);
        int oh = o[0];
        int ow = o[1];
        int[] shape = {n, m, oh, ow};
        float[] y = Buffers.floats(Math.toIntExact(Tensor.checkedSize(shape)));
        float[] xd = x.data();
        if (pw.isDepthwise()) {
            // VectorSupport first: these kernels' classes load the Vector API, which may be absent. The 3 x 3 rows
            // kernel before the channel layout whenever it suits: on 10 x 10 to 14 x 14 outputs (MobileNetV2's
            // 384 x 10 x 10, stride 2 to 10 x 10 included) it took a quarter to a half of the channel layout's time
            // (alternated in one JVM, 2 threads, Zen 3 AVX2); the channel layout keeps the outputs at most 8 wide,
            // where the rows kernel does not go, and the 5 x 5 kernels
            boolean rows = VectorSupport.ready()
                    && VectorDepthwiseRows.suits(m / c, h, wd, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, oh, ow);
            if (!(rows && depthwiseRowsFirst) && VectorSupport.ready()
                    && DepthwiseChannels.suits(m / c, oh, ow, kh, kw, sh, sw, dh, dw)) {
                DepthwiseChannels.run(xd, pw.channelLayout(), pw.ep, y, n, c, h, wd, kh, kw, oh, ow, sh, sw, pt, pl, dh, dw);
            } else if (rows) {
                VectorDepthwiseRows.run(xd, pw.w, pw.bias, pw.ep, y, n, c, h, wd, oh, ow, sh, pt, pl);
            } else if (DepthwisePlanes.suits(ow, sw, kw, dw)) {
                DepthwisePlanes.run(xd, pw.w, pw.bias, pw.ep, y, n, c, h, wd, m / c, kh, kw, oh, ow, sh, sw, pt, pl, dh, dw);
            } else {
                Depthwise.run(xd, pw.w, pw.bias, pw.ep, y, n, c, h, wd, m / c, kh, kw, oh, ow, sh, sw, pt, pl, dh, dw);
            }
            return Tensor.of(shape, y);
        }
        int cg = c / group;
        int mg = m / group;
        int plane = oh * ow;
        boolean direct = kh == 1 && kw == 1 && sh == 1 && sw == 1 && pt == 0 && pl == 0 && pb == 0 && pr == 0;
        for (int b = 0; b < n; b++) {
            for (int g = 0; g < group; g++) {
                int xOff = (b * c + g * cg) * h * wd;
                int yOff = (b * m + g * mg) * plane;
                if (direct) {
                    Sgemm.multiply(pw.packed[g], plane, Sgemm.matrix(xd, xOff, plane, false), 0f, y, yOff, plane,
                            pw.bias, g * mg, pw.ep);
                    continue;
                }
                SlicedInput s = new SlicedInput(xd, xOff, cg, h, wd, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, oh);
                if (s.compactPays(ow, cg * kh * kw, mg)) {
                    Sgemm.multiply(pw.packed[g], plane, s.compact(ow), 0f, y, yOff, plane, pw.bias, g * mg, pw.ep);
                    s.release();
                    continue;
                }
                int cols = oh * s.wq;
                // Output rows as wide as the layout's rows: straight into Y when they coincide, else compacted.
                float[] cbuf = s.wq == ow ? y : Buffers.floats(Math.multiplyExact(mg, cols));
                int cOff = s.wq == ow ? yOff : 0;
                Sgemm.multiply(pw.packed[g], cols, s, 0f, cbuf, cOff, cols, pw.bias, g * mg, pw.ep);
                if (cbuf != y) {
                    dropGarbage(cbuf, cols, s.wq, y, yOff, plane, ow, oh, mg);
                    Buffers.recycle(cbuf);
                }
                s.release();
            }
        }
        return Tensor.of(shape, y);
    }

    /**
     * Copies the ow valid columns of each of the oh rows (wq apart) of the mg rows of c (cols apart) into y's planes.
     * On both cores for large outputs: one thread copying a first layer's 3.3 MB (64 x 112 x 115) left the other idle.
     */
    private static void dropGarbage(float[] c, int cols, int wq, float[] y, int yOff, int plane, int ow, int oh,
                                    int mg) {
        Parallel.forRange(mg, (long) mg * plane, 1 << 16, (o0, o1) -> {
            for (int oc = o0; oc < o1; oc++) {
                for (int oy = 0; oy < oh; oy++) {
                    System.arraycopy(c, oc * cols + oy * wq, y, yOff + oc * plane + oy * ow, ow);
                }
            }
        });
    }

    /**
     * Unfolds one group's input into rows (ci, ky, kx) x columns (oy, ox); zero where the window hits padding.
     * AdaRound keeps these rows (it reuses each layer's input many times).
     */
    public static void im2col(float[] x, int xOff, int cg, int h, int w, int kh, int kw, int oh, int ow,
                       int sh, int sw, int pt, int pl, int dh, int dw, float[] col) {
        int rows = cg * kh * kw;
        Parallel.forRange(rows, (r0, r1) -> {
            for (int row = r0; row < r1; row++) {
                int kx = row % kw;
                int ky = (row / kw) % kh;
                int ci = row / (kw * kh);
                int base = row * oh * ow;
                int xc = xOff + ci * h * w;
                int dx = kx * dw - pl;
                // valid ox range where 0 <= ox*sw + dx < w
                int lo = dx >= 0 ? 0 : (-dx + sw - 1) / sw;
                int hi = w - 1 - dx < 0 ? 0 : Math.min(ow, (w - 1 - dx) / sw + 1);
                lo = Math.min(lo, hi);
                for (int oy = 0; oy < oh; oy++) {
                    int iy = oy * sh - pt + ky * dh;
                    int cr = base + oy * ow;
                    if (iy < 0 || iy >= h) {
                        Arrays.fill(col, cr, cr + ow, 0f);
                        continue;
                    }
                    int xr = xc + iy * w + dx;
                    Arrays.fill(col, cr, cr + lo, 0f);
                    if (sw == 1) {
                        if (hi > lo) { // the window may miss the row entirely (then xr + lo can be out of range)
                            System.arraycopy(x, xr + lo, col, cr + lo, hi - lo);
                        }
                    } else {
                        for (int ox = lo; ox < hi; ox++) {
                            col[cr + ox] = x[xr + ox * sw];
                        }
                    }
                    Arrays.fill(col, cr + hi, cr + ow, 0f);
                }
            }
        });
    }
}
