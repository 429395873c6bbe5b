package qsh.core.exec.kernels;

import qsh.core.tensor.Tensor;

/**
 * ONNX Conv for 1-D and 2-D spatial inputs (NCHW float32). Paths: depthwise (group == C, M a multiple of C)
 * as a direct kernel; otherwise per group im2col + {@link Sgemm} (1x1/stride 1/no pad skips im2col).
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
            Depthwise.run(xd, wdata, y, n, c, h, wd, m / c, kh, kw, oh, ow, sh, sw, pt, pl, dh, dw);
        } else {
            int cg = c / group;
            int mg = m / group;
            int kk = cg * kh * kw;
            int plane = oh * ow;
            boolean direct = kh == 1 && kw == 1 && sh == 1 && sw == 1 && pt == 0 && pl == 0 && pb == 0 && pr == 0;
            float[] col = direct ? null : new float[Math.toIntExact((long) kk * plane)];
            for (int b = 0; b < n; b++) {
                for (int g = 0; g < group; g++) {
                    int xOff = (b * c + g * cg) * h * wd;
                    float[] src;
                    int srcOff;
                    if (direct) {
                        src = xd;
                        srcOff = xOff;
                    } else {
                        im2col(xd, xOff, cg, h, wd, kh, kw, oh, ow, sh, sw, pt, pl, dh, dw, col);
                        src = col;
                        srcOff = 0;
                    }
                    Sgemm.multiply(mg, plane, kk, 1f, wdata, g * mg * kk, kk, false, src, srcOff, plane, false,
                            0f, y, (b * m + g * mg) * plane, plane);
                }
            }
        }
        if (bias != null) {
            float[] bd = bias.data();
            int plane = oh * ow;
            for (int b = 0; b < n; b++) {
                for (int oc = 0; oc < m; oc++) {
                    int base = (b * m + oc) * plane;
                    float v = bd[oc];
                    for (int i = 0; i < plane; i++) {
                        y[base + i] += v;
                    }
                }
            }
        }
        return Tensor.of(new int[] {n, m, oh, ow}, y);
    }

    /** Unfolds one group's input into rows (ci, ky, kx) x columns (oy, ox); zero where the window hits padding. */
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
