package qsh.core.exec.kernels;

import java.util.Arrays;
import qsh.core.tensor.Tensor;

/**
 * ONNX ConvTranspose over 3-D spatial inputs (N x C x D x H x W), the spec's TransposeConv3d: as the 2-D kernel, per
 * image and group col = W_g^T · X_g by {@link Sgemm} (rows (oc, kz, ky, kx) x input positions), then a col2vol
 * scatter-add (output o = s·i − pad_begin + d·k on each axis), then the bias. W is (C, M/group, kD, kH, kW).
 */
final class ConvTranspose3d {
    private ConvTranspose3d() {
    }

    /** pads: begin D, H, W then end D, H, W; outputPadding: per axis (null = zeros). */
    static Tensor run(Tensor x, Tensor w, Tensor bias, int[] s, int[] p, int[] dl, int group, int[] outputPadding) {
        int n = x.dim(0);
        int c = x.dim(1);
        int[] in = {x.dim(2), x.dim(3), x.dim(4)};
        int[] k = {w.dim(2), w.dim(3), w.dim(4)};
        int m = ConvTranspose.outputChannels(x, w, bias, group);
        int mg = w.dim(1);
        int cg = c / group;
        int[] o = new int[3];
        for (int a = 0; a < 3; a++) {
            int op = outputPadding == null || outputPadding.length == 0 ? 0 : outputPadding[a];
            o[a] = s[a] * (in[a] - 1) + op + (k[a] - 1) * dl[a] + 1 - p[a] - p[a + 3];
            if (o[a] <= 0) {
                throw new IllegalArgumentException("ConvTranspose output size " + o[a] + " on spatial axis " + a
                        + " is empty; check pads");
            }
        }
        int volume = in[0] * in[1] * in[2];
        int outVolume = o[0] * o[1] * o[2];
        int rows = mg * k[0] * k[1] * k[2];
        float[] y = Buffers.floats(Math.toIntExact(Tensor.checkedSize(new int[] {n, m, o[0], o[1], o[2]})));
        float[] col = Buffers.floats(Math.toIntExact((long) rows * volume));
        float[] xd = x.data();
        float[] wd = w.data();
        float[] bd = bias == null ? null : bias.data();
        // per kernel column kx, the input columns [ixLo, ixHi) whose output column lies inside [0, o[2])
        int[] ixLo = new int[k[2]];
        int[] ixHi = new int[k[2]];
        for (int kx = 0; kx < k[2]; kx++) {
            int off = kx * dl[2] - p[2];
            ixLo[kx] = Math.min(in[2], off >= 0 ? 0 : (-off + s[2] - 1) / s[2]);
            ixHi[kx] = Math.max(ixLo[kx], Math.min(in[2], o[2] - 1 - off < 0 ? 0 : (o[2] - 1 - off) / s[2] + 1));
        }
        for (int b = 0; b < n; b++) {
            for (int g = 0; g < group; g++) {
                // col[(oc,kz,ky,kx)][i] = sum_ci W[ci][oc,kz,ky,kx] * X[ci][i]
                Sgemm.multiply(rows, volume, cg, 1f, wd, g * cg * rows, rows, true, xd, (b * c + g * cg) * volume,
                        volume, false, 0f, col, 0, volume);
                int yBase = (b * m + g * mg) * outVolume;
                int ocBase = g * mg;
                Parallel.forRange(mg, (long) mg * outVolume + (long) rows * volume, 1 << 15, (o0, o1) -> {
                    for (int oc = o0; oc < o1; oc++) {
                        int yc = yBase + oc * outVolume;
                        Arrays.fill(y, yc, yc + outVolume, 0f);
                        scatter(col, oc, k, in, o, s, p, dl, ixLo, ixHi, y, yc);
                        if (bd != null) {
                            float v = bd[ocBase + oc];
                            for (int i = yc; i < yc + outVolume; i++) {
                                y[i] += v;
                            }
                        }
                    }
                });
            }
        }
        Buffers.recycle(col);
        return Tensor.of(new int[] {n, m, o[0], o[1], o[2]}, y);
    }

    /** Adds every tap (kz, ky, kx) of output channel oc's col rows into its output volume at yc. */
    private static void scatter(float[] col, int oc, int[] k, int[] in, int[] o, int[] s, int[] p, int[] dl,
                                int[] ixLo, int[] ixHi, float[] y, int yc) {
        int volume = in[0] * in[1] * in[2];
        for (int kz = 0; kz < k[0]; kz++) {
            for (int ky = 0; ky < k[1]; ky++) {
                for (int kx = 0; kx < k[2]; kx++) {
                    int cr = (((oc * k[0] + kz) * k[1] + ky) * k[2] + kx) * volume;
                    int off = kx * dl[2] - p[2];
                    for (int iz = 0; iz < in[0]; iz++) {
                        int oz = iz * s[0] - p[0] + kz * dl[0];
                        if (oz < 0 || oz >= o[0]) {
                            continue;
                        }
                        for (int iy = 0; iy < in[1]; iy++) {
                            int oy = iy * s[1] - p[1] + ky * dl[1];
                            if (oy < 0 || oy >= o[1]) {
                                continue;
                            }
                            int yr = yc + (oz * o[1] + oy) * o[2] + off;
                            int cc = cr + (iz * in[1] + iy) * in[2];
                            for (int ix = ixLo[kx]; ix < ixHi[kx]; ix++) {
                                y[yr + ix * s[2]] += col[cc + ix];
                            }
                        }
                    }
                }
            }
        }
    }
}
