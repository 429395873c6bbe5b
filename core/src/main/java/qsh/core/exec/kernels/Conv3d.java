package qsh.core.exec.kernels;

import java.util.Arrays;
import qsh.core.shape.ConvGeometry;
import qsh.core.tensor.Tensor;

/**
 * ONNX Conv over 3-D spatial inputs (N x C x D x H x W), the spec's Conv3d: per image and group, the input is
 * unfolded into the vol2col matrix, rows (ci, kz, ky, kx) x columns (oz, oy, ox), zero where a tap hits padding,
 * and Y_g = W_g · cols by the packed {@link Sgemm} (bias and the {@link Epilogue} applied to each output row).
 */
final class Conv3d {
    private Conv3d() {
    }

    static Tensor run(Conv.Prepared pw, Tensor x, int[] strides, int[] pads, int[] dilations) {
        int n = x.dim(0);
        int c = x.dim(1);
        int[] in = {x.dim(2), x.dim(3), x.dim(4)};
        int group = pw.group;
        if (c % group != 0 || pw.cg != c / group) {
            throw new IllegalArgumentException("Conv group " + group + " does not fit X " + x.shapeString() + " and W ["
                    + pw.m + ", " + pw.cg + ", " + pw.kd + ", " + pw.kh + ", " + pw.kw
                    + "] (need C divisible by group, W[1] = C/group)");
        }
        int[] p = pads == null ? new int[6] : pads;
        for (int v : p) {
            if (v < 0) {
                throw new IllegalArgumentException("Conv pads must not be negative");
            }
        }
        int[] s = {ConvGeometry.at(strides, 0), ConvGeometry.at(strides, 1), ConvGeometry.at(strides, 2)};
        int[] dl = {ConvGeometry.at(dilations, 0), ConvGeometry.at(dilations, 1), ConvGeometry.at(dilations, 2)};
        int[] k = {pw.kd, pw.kh, pw.kw};
        int[] o = ConvGeometry.outputSize(in, k, s, p, dl, false);
        int m = pw.m;
        int[] shape = {n, m, o[0], o[1], o[2]};
        float[] y = Buffers.floats(Math.toIntExact(Tensor.checkedSize(shape)));
        int cg = pw.cg;
        int mg = m / group;
        int cols = o[0] * o[1] * o[2];
        int rows = cg * k[0] * k[1] * k[2];
        int volume = in[0] * in[1] * in[2];
        float[] col = Buffers.floats(Math.multiplyExact(rows, cols));
        float[] xd = x.data();
        for (int b = 0; b < n; b++) {
            for (int g = 0; g < group; g++) {
                vol2col(xd, (b * c + g * cg) * volume, rows, in, k, s, p, dl, o, col);
                Sgemm.multiply(pw.packed[g], cols, Sgemm.matrix(col, 0, cols, false), 0f, y, (b * m + g * mg) * cols, cols,
                        pw.bias, g * mg, pw.ep);
            }
        }
        Buffers.recycle(col);
        return Tensor.of(shape, y);
    }

    /** Row (ci, kz, ky, kx) of the unfolding: x[ci, oz·s + kz·d - pad, ...] for every output position, 0 in padding. */
    private static void vol2col(float[] x, int xOff, int rows, int[] in, int[] k, int[] s, int[] p, int[] dl, int[] o,
                                float[] col) {
        int d = in[0];
        int h = in[1];
        int w = in[2];
        int od = o[0];
        int oh = o[1];
        int ow = o[2];
        Parallel.forRange(rows, (long) rows * od * oh * ow, 1 << 16, (r0, r1) -> {
            for (int row = r0; row < r1; row++) {
                int kx = row % k[2];
                int ky = (row / k[2]) % k[1];
                int kz = (row / (k[2] * k[1])) % k[0];
                int ci = row / (k[2] * k[1] * k[0]);
                int dz = kz * dl[0] - p[0];
                int dy = ky * dl[1] - p[1];
                int dx = kx * dl[2] - p[2];
                // valid ox range where 0 <= ox*s + dx < w
                int lo = dx >= 0 ? 0 : (-dx + s[2] - 1) / s[2];
                int hi = w - 1 - dx < 0 ? 0 : Math.min(ow, (w - 1 - dx) / s[2] + 1);
                lo = Math.min(lo, hi);
                int cr = row * od * oh * ow;
                for (int oz = 0; oz < od; oz++) {
                    int iz = oz * s[0] + dz;
                    for (int oy = 0; oy < oh; oy++, cr += ow) {
                        int iy = oy * s[1] + dy;
                        if (iz < 0 || iz >= d || iy < 0 || iy >= h) {
                            Arrays.fill(col, cr, cr + ow, 0f);
                            continue;
                        }
                        int xr = xOff + ((ci * d + iz) * h + iy) * w + dx;
                        Arrays.fill(col, cr, cr + lo, 0f);
                        for (int ox = lo; ox < hi; ox++) {
                            col[cr + ox] = x[xr + ox * s[2]];
                        }
                        Arrays.fill(col, cr + hi, cr + ow, 0f);
                    }
                }
            }
        });
    }
}
