package qsh.core.exec.kernels;

import java.util.Arrays;
import qsh.core.shape.ConvGeometry;
import qsh.core.tensor.Tensor;

/**
 * ONNX ConvTranspose for 1-D and 2-D spatial inputs: per group col = W_g^T * X_g by {@link Sgemm}, then col2im
 * scatter-add (output y = s*i - pad_begin + d*k). W is (C, M/group, k...). 3-D inputs: {@link ConvTranspose3d}.
 */
public final class ConvTranspose {
    private ConvTranspose() {
    }

    /**
     * Transposed convolution. If outputShape (spatial sizes, or full N,C,spatial) is given, pads are derived
     * from it with the NOTSET rule; for auto_pad call {@link ConvGeometry#transposePads} and pass its pads with
     * outputShape null.
     */
    public static Tensor convTranspose(Tensor x, Tensor w, Tensor bias, int[] strides, int[] pads, int[] dilations,
                                       int group, int[] outputPadding, int[] outputShape) {
        int r = x.rank() - 2;
        if (r < 1 || r > 3 || w.rank() != x.rank()) {
            throw new IllegalArgumentException("ConvTranspose supports 1-D, 2-D and 3-D spatial inputs with W of equal rank, got X "
                    + x.shapeString() + " W " + w.shapeString());
        }
        int[] inSp = Arrays.copyOfRange(x.shape(), 2, x.rank());
        int[] k = Arrays.copyOfRange(w.shape(), 2, w.rank());
        int[] p = outputShape != null
                ? ConvGeometry.transposePads("NOTSET", inSp, k, strides, dilations, outputPadding, null, outputShape)
                : (pads == null ? new int[2 * r] : pads);
        if (r == 3) {
            int[] s3 = {ConvGeometry.at(strides, 0), ConvGeometry.at(strides, 1), ConvGeometry.at(strides, 2)};
            int[] d3 = {ConvGeometry.at(dilations, 0), ConvGeometry.at(dilations, 1), ConvGeometry.at(dilations, 2)};
            return ConvTranspose3d.run(x, w, bias, s3, p, d3, group, outputPadding);
        }
        if (r == 1) {
            Tensor y = run(x.reshape(x.dim(0), x.dim(1), 1, x.dim(2)), w.reshape(w.dim(0), w.dim(1), 1, w.dim(2)), bias,
                    1, ConvGeometry.at(strides, 0), 0, p[0], 0, p[1], 1, ConvGeometry.at(dilations, 0), group,
                    0, ConvGeometry.at0(outputPadding, 0));
            return y.reshape(y.dim(0), y.dim(1), y.dim(3));
        }
        return run(x, w, bias, ConvGeometry.at(strides, 0), ConvGeometry.at(strides, 1), p[0], p[1], p[2], p[3],
                ConvGeometry.at(dilations, 0), ConvGeometry.at(dilations, 1), group, ConvGeometry.at0(outputPadding, 0),
                ConvGeometry.at0(outputPadding, 1));
    }

    private static Tensor run(Tensor x, Tensor w, Tensor bias, int sh, int sw, int pt, int pl, int pb, int pr,
                              int dh, int dw, int group, int oph, int opw) {
        int n = x.dim(0);
        int c = x.dim(1);
        int h = x.dim(2);
        int wd = x.dim(3);
        int kh = w.dim(2);
        int kw = w.dim(3);
        int m = outputChannels(x, w, bias, group);
        int mg = w.dim(1);
        int cg = c / group;
        int oh = sh * (h - 1) + oph + (kh - 1) * dh + 1 - pt - pb;
        int ow = sw * (wd - 1) + opw + (kw - 1) * dw + 1 - pl - pr;
        if (oh <= 0 || ow <= 0) {
            throw new IllegalArgumentException("ConvTranspose output " + oh + "x" + ow + " is empty; check pads");
        }
        // every plane is zeroed, receives its scatter-adds and then its bias in one task (same order of float
        // operations as zero-fill, scatter, bias pass; each plane belongs to one group)
        float[] y = Buffers.floats(Math.toIntExact(Tensor.checkedSize(new int[] {n, m, oh, ow})));
        int plane = h * wd;
        int rows = mg * kh * kw;
        float[] col = Buffers.floats(Math.toIntExact((long) rows * plane));
        float[] xd = x.data();
        float[] wdata = w.data();
        float[] bd = bias == null ? null : bias.data();
        // per kernel column kx, the input columns [ixLo, ixHi) whose output column lies inside [0, ow)
        int[] ixLo = new int[kw];
        int[] ixHi = new int[kw];
        for (int kx = 0; kx < kw; kx++) {
            int off = kx * dw - pl;
            ixLo[kx] = Math.min(wd, off >= 0 ? 0 : (-off + sw - 1) / sw);
            ixHi[kx] = Math.max(ixLo[kx], Math.min(wd, ow - 1 - off < 0 ? 0 : (ow - 1 - off) / sw + 1));
        }
        // kernel == stride, no dilation, padding or output padding (the detector's 2 x 2 / 2 upsampling): every
        // output element has exactly one contribution, so each output row is written once, interleaved
        boolean tiles = kh == sh && kw == sw && dh == 1 && dw == 1 && pt == 0 && pl == 0 && pb == 0 && pr == 0
                && oh == sh * h && ow == sw * wd;
        for (int b = 0; b < n; b++) {
            for (int g = 0; g < group; g++) {
                // col[(oc,ky,kx)][i] = sum_ci W[ci][oc,ky,kx] * X[ci][i]
                Sgemm.multiply(rows, plane, cg, 1f, wdata, g * cg * rows, rows, true, xd, (b * c + g * cg) * plane,
                        plane, false, 0f, col, 0, plane);
                int yBase = (b * m + g * mg) * oh * ow;
                int ocBase = g * mg;
                Parallel.forRange(mg, (long) mg * oh * ow + (long) rows * plane, 1 << 15, (o0, o1) -> {
                    for (int oc = o0; oc < o1; oc++) {
                        int yc = yBase + oc * oh * ow;
                        if (tiles) {
                            tile(col, oc, kh, kw, h, wd, y, yc, ow, bd == null ? null : bd[ocBase + oc]);
                            continue;
                        }
                        Arrays.fill(y, yc, yc + oh * ow, 0f);
                        for (int ky = 0; ky < kh; ky++) {
                            for (int kx = 0; kx < kw; kx++) {
                                int cr = ((oc * kh + ky) * kw + kx) * plane;
                                int off = kx * dw - pl;
                                for (int iy = 0; iy < h; iy++) {
                                    int oy = iy * sh - pt + ky * dh;
                                    if (oy < 0 || oy >= oh) {
                                        continue;
                                    }
                                    int yr = yc + oy * ow + off;
                                    int cc = cr + iy * wd;
                                    for (int ix = ixLo[kx]; ix < ixHi[kx]; ix++) {
                                        y[yr + ix * sw] += col[cc + ix];
                                    }
                                }
                            }
                        }
                        if (bd != null) {
                            float v = bd[ocBase + oc];
                            for (int i = yc; i < yc + oh * ow; i++) {
                                y[i] += v;
                            }
                        }
                    }
                });
            }
        }
        Buffers.recycle(col);
        return Tensor.of(new int[] {n, m, oh, ow}, y);
    }

    /**
     * Output plane yc of channel oc for non-overlapping tiles: y[iy kh + ky][ix kw + kx] = (0 + col[(oc,ky,kx)][iy][ix])
     * + bias, the float operations of the general path (zero-fill, its one scatter-add, the bias add).
     */
    private static void tile(float[] col, int oc, int kh, int kw, int h, int wd, float[] y, int yc, int ow, Float bias) {
        int plane = h * wd;
        for (int iy = 0; iy < h; iy++) {
            for (int ky = 0; ky < kh; ky++) {
                int yr = yc + (iy * kh + ky) * ow;
                for (int kx = 0; kx < kw; kx++) {
                    int cr = ((oc * kh + ky) * kw + kx) * plane + iy * wd;
                    if (bias == null) {
                        for (int ix = 0; ix < wd; ix++) {
                            y[yr + ix * kw + kx] = 0f + col[cr + ix];
                        }
                    } else {
                        float b = bias;
                        for (int ix = 0; ix < wd; ix++) {
                            y[yr + ix * kw + kx] = (0f + col[cr + ix]) + b;
                        }
                    }
                }
            }
        }
    }

    /**
     * The output channels M = W[1]·group of a ConvTranspose (any rank), after checking that group fits X and W
     * (W[0] = C, C divisible by group) and that a bias has M elements.
     */
    static int outputChannels(Tensor x, Tensor w, Tensor bias, int group) {
        int c = x.dim(1);
        if (group < 1 || c % group != 0 || w.dim(0) != c) {
            throw new IllegalArgumentException("ConvTranspose group " + group + " does not fit X " + x.shapeString()
                    + " and W " + w.shapeString() + " (need W[0] = C, C divisible by group)");
        }
        int m = w.dim(1) * group;
        if (bias != null && bias.size() != m) {
            throw new IllegalArgumentException("ConvTranspose bias " + bias.shapeString() + " must have " + m + " elements");
        }
        return m;
    }
}
