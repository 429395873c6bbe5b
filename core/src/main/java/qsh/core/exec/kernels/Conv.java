package qsh.core.exec.kernels;

import qsh.core.tensor.Tensor;

/**
 * ONNX Conv for 1-D and 2-D spatial inputs (NCHW float32). Paths: depthwise (group == C, M a multiple of C)
 * as a direct kernel; otherwise per group a {@link Sgemm} whose B panels are im2col rows gathered straight from
 * the input (1x1/stride 1/no pad reads the input as B), bias added in the GEMM's tile pass.
 * 1-D is computed as 2-D with a height of one.
 */
public final class Conv {
    private Conv() {
    }

    /** Y = conv(x, w) + bias; pads are (begin..., end...), strides/dilations null = ones. */
    public static Tensor conv(Tensor x, Tensor w, Tensor bias, int[] strides, int[] pads, int[] dilations,
                              int group) {
        int r = x.rank() - 2;
        if (r != 1 && r != 2) {
            throw new IllegalArgumentException("Conv supports 1-D and 2-D spatial inputs, got X "
                    + x.shapeString());
        }
        if (w.rank() != x.rank()) {
            throw new IllegalArgumentException("Conv W " + w.shapeString() + " must have the rank of X "
                    + x.shapeString());
        }
        if (r == 1) {
            int[] p = pads == null ? new int[2] : pads;
            Tensor y = conv2d(x.reshape(x.dim(0), x.dim(1), 1, x.dim(2)), w.reshape(w.dim(0), w.dim(1), 1, w.dim(2)),
                    bias, 1, ConvGeometry.at(strides, 0), 0, p[0], 0, p[1], 1, ConvGeometry.at(dilations, 0), group);
            return y.reshape(y.dim(0), y.dim(1), y.dim(3));
        }
        int[] p = pads == null ? new int[4] : pads;
        return conv2d(x, w, bias, ConvGeometry.at(strides, 0), ConvGeometry.at(strides, 1), p[0], p[1], p[2], p[3],
                ConvGeometry.at(dilations, 0), ConvGeometry.at(dilations, 1), group);
    }

    private static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int sh, int sw, int pt, int pl, int pb, int pr,
                                 int dh, int dw, int group) {
        int n = x.dim(0);
        int c = x.dim(1);
        int h = x.dim(2);
        int wd = x.dim(3);
        int m = w.dim(0);
        int kh = w.dim(2);
        int kw = w.dim(3);
        if (group < 1 || c % group != 0 || m % group != 0 || w.dim(1) != c / group) {
            throw new IllegalArgumentException("Conv group " + group + " does not fit X " + x.shapeString()
                    + " and W " + w.shapeString() + " (need C and M divisible by group, W[1] = C/group)");
        }
        if (bias != null && bias.size() != m) {
            throw new IllegalArgumentException("Conv bias " + bias.shapeString() + " must have " + m + " elements");
        }
        int[] o = ConvGeometry.outputSize(new int[] {h, wd}, new int[] {kh, kw}, new int[] {sh, sw},
                new int[] {pt, pl, pb, pr}, new int[] {dh, dw}, false);
        int oh = o[0];
        int ow = o[1];
        float[] y = new float[Math.toIntExact(Tensor.checkedSize(new int[] {n, m, oh, ow}))];
        float[] xd = x.data();
        float[] wdata = w.data();
        if (group == c && group > 1) {
            Depthwise.run(xd, wdata, bias == null ? null : bias.data(), y, n, c, h, wd, m / c, kh, kw, oh, ow, sh, sw,
                    pt, pl, dh, dw);
            return Tensor.of(new int[] {n, m, oh, ow}, y);
        }
        int cg = c / group;
        int mg = m / group;
        int kk = cg * kh * kw;
        int plane = oh * ow;
        boolean direct = kh == 1 && kw == 1 && sh == 1 && sw == 1 && pt == 0 && pl == 0 && pb == 0 && pr == 0;
        float[] bd = bias == null ? null : bias.data();
        for (int b = 0; b < n; b++) {
            for (int g = 0; g < group; g++) {
                int xOff = (b * c + g * cg) * h * wd;
                // B = im2col(x) (kk x plane), packed panel by panel straight from x: no im2col buffer.
                Sgemm.PanelSource src = direct ? Sgemm.matrix(xd, xOff, plane, false)
                        : im2colSource(xd, xOff, h, wd, kh, kw, ow, sh, sw, pt, pl, dh, dw);
                Sgemm.multiply(mg, plane, kk, 1f, wdata, g * mg * kk, kk, false, src, 0f, y,
                        (b * m + g * mg) * plane, plane, bd, g * mg);
            }
        }
        return Tensor.of(new int[] {n, m, oh, ow}, y);
    }

    /**
     * Row p = (ci, ky, kx) of one group's im2col matrix, columns j = (oy, ox), as a panel source: each
     * requested column range is gathered from x (zero where the window hits padding).
     */
    static Sgemm.PanelSource im2colSource(float[] x, int xOff, int h, int w, int kh, int kw, int ow,
                                          int sh, int sw, int pt, int pl, int dh, int dw) {
        return (p, j0, len, dst) -> {
            int kx = p % kw;
            int ky = (p / kw) % kh;
            int xc = xOff + (p / (kw * kh)) * h * w;
            int dx = kx * dw - pl;
            int lo = dx >= 0 ? 0 : (-dx + sw - 1) / sw;
            int hi = w - 1 - dx < 0 ? 0 : Math.min(ow, (w - 1 - dx) / sw + 1);
            lo = Math.min(lo, hi);
            int oy = j0 / ow;
            int ox0 = j0 - oy * ow;
            int d = 0;
            while (d < len) {
                int seg = Math.min(ow - ox0, len - d); // columns [ox0, ox0 + seg) of output row oy
                int iy = oy * sh - pt + ky * dh;
                int from = Math.max(ox0, lo);
                int to = Math.min(ox0 + seg, hi);
                if (iy < 0 || iy >= h || from >= to) {
                    java.util.Arrays.fill(dst, d, d + seg, 0f);
                } else {
                    int xr = xc + iy * w + dx;
                    java.util.Arrays.fill(dst, d, d + from - ox0, 0f);
                    if (sw == 1) {
                        System.arraycopy(x, xr + from, dst, d + from - ox0, to - from);
                    } else {
                        for (int ox = from; ox < to; ox++) {
                            dst[d + ox - ox0] = x[xr + ox * sw];
                        }
                    }
                    java.util.Arrays.fill(dst, d + to - ox0, d + seg, 0f);
                }
                d += seg;
                oy++;
                ox0 = 0;
            }
        };
    }

    /**
     * Unfolds one group's input into rows (ci, ky, kx) x columns (oy, ox); zero where the window hits padding.
     * The executor packs these rows on the fly; AdaRound keeps them (it reuses each layer's input many times).
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
                        java.util.Arrays.fill(col, cr, cr + ow, 0f);
                        continue;
                    }
                    int xr = xc + iy * w + dx;
                    java.util.Arrays.fill(col, cr, cr + lo, 0f);
                    if (sw == 1) {
                        if (hi > lo) { // the window may miss the row entirely (then xr + lo can be out of range)
                            System.arraycopy(x, xr + lo, col, cr + lo, hi - lo);
                        }
                    } else {
                        for (int ox = lo; ox < hi; ox++) {
                            col[cr + ox] = x[xr + ox * sw];
                        }
                    }
                    java.util.Arrays.fill(col, cr + hi, cr + ow, 0f);
                }
            }
        });
    }
}
