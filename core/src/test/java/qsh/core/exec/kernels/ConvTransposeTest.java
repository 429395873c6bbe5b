package qsh.core.exec.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.core.shape.ConvGeometry;
import qsh.core.tensor.Tensor;

class ConvTransposeTest {
    /** Naive scatter definition in double: y[oc][i*s - pad + k*d] += x[ci][i] * w[ci][oc][k]. */
    private static Tensor reference(Tensor x, Tensor w, Tensor bias, int[] s, int[] p, int[] d, int group, int[] op) {
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3);
        int mg = w.dim(1), kh = w.dim(2), kw = w.dim(3), m = mg * group, cg = c / group;
        int oh = s[0] * (h - 1) + op[0] + (kh - 1) * d[0] + 1 - p[0] - p[2];
        int ow = s[1] * (wd - 1) + op[1] + (kw - 1) * d[1] + 1 - p[1] - p[3];
        double[] y = new double[n * m * oh * ow];
        for (int b = 0; b < n; b++) {
            for (int ci = 0; ci < c; ci++) {
                int g = ci / cg;
                for (int j = 0; j < mg; j++) {
                    int oc = g * mg + j;
                    for (int iy = 0; iy < h; iy++) {
                        for (int ix = 0; ix < wd; ix++) {
                            for (int ky = 0; ky < kh; ky++) {
                                for (int kx = 0; kx < kw; kx++) {
                                    int oy = iy * s[0] - p[0] + ky * d[0], ox = ix * s[1] - p[1] + kx * d[1];
                                    if (oy >= 0 && oy < oh && ox >= 0 && ox < ow) {
                                        y[((b * m + oc) * oh + oy) * ow + ox] += (double) x.get(((b * c + ci) * h + iy) * wd + ix)
                                                * w.get(((ci * mg + j) * kh + ky) * kw + kx);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        float[] f = new float[y.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (y[i] + (bias == null ? 0 : bias.get((i / (oh * ow)) % m)));
        }
        return Tensor.of(new int[] {n, m, oh, ow}, f);
    }

    @ParameterizedTest(name = "N{0} C{1} {2}x{3} Mg{4} k{5} s{6} p{7} d{8} g{9} op{10}")
    @CsvSource({
        "1, 2, 3, 3, 3, 3, 1, 0, 1, 1, 0",
        "2, 4, 5, 4, 2, 3, 2, 1, 1, 1, 1",
        "1, 4, 6, 6, 2, 2, 2, 0, 1, 2, 0",
        "1, 6, 4, 5, 1, 4, 2, 1, 1, 6, 0",
        "1, 3, 5, 5, 2, 3, 3, 2, 2, 1, 2",
        // kernel == stride: the non-overlapping tile path (the detector's 2 x 2 / 2 upsampling)
        "2, 24, 8, 7, 24, 2, 2, 0, 1, 1, 0",
        "1, 4, 3, 5, 1, 3, 3, 0, 1, 1, 0",
    })
    void matchesScatterReference(int n, int c, int h, int w, int mg, int k, int s, int p, int d, int group, int op) {
        Random rnd = new Random(n + c * 3 + h * 5 + k);
        Tensor x = Reference.random(rnd, n, c, h, w);
        Tensor wt = Reference.random(rnd, c, mg, k, k);
        Tensor b = Reference.random(rnd, mg * group);
        int[] ss = {s, s};
        int[] pp = {p, p, p, p};
        int[] dd = {d, d};
        int[] oo = {op, op};
        Reference.assertClose(reference(x, wt, b, ss, pp, dd, group, oo),
                ConvTranspose.convTranspose(x, wt, b, ss, pp, dd, group, oo, null), 1e-5, 1e-7 * c * k * k);
    }

    @Test
    void outputShapeResolvesPadsLikeOnnx() {
        // ONNX ConvTranspose doc example convtranspose_output_shape: X 1x1x3x3, W 1x2x3x3, strides 3,2,
        // output_padding 1,1, output_shape 10x8:
        int[] pads = ConvGeometry.transposePads("NOTSET", new int[] {3, 3}, new int[] {3, 3}, new int[] {3, 2}, null,
                new int[] {1, 1}, null, new int[] {10, 8});
        // total = 3*2 + 1 + 3 - 10 = 0 and 2*2 + 1 + 3 - 8 = 0
        assertArrayEquals(new int[] {0, 0, 0, 0}, pads);
        // SAME_*: output = in * stride = 6; total = 2*2 + (k-1) + 1 - 6 = 1 (k=3) or 0 (k=2)
        assertArrayEquals(new int[] {0, 0, 1, 1}, ConvGeometry.transposePads("SAME_UPPER", new int[] {3, 3},
                new int[] {3, 3}, new int[] {2, 2}, null, null, null, null));
        assertArrayEquals(new int[] {1, 0, 0, 0}, ConvGeometry.transposePads("SAME_LOWER", new int[] {3, 3},
                new int[] {3, 2}, new int[] {2, 2}, null, null, null, null));
        Tensor x = Tensor.zeros(1, 1, 3, 3);
        Tensor w = Tensor.zeros(1, 2, 3, 3);
        assertArrayEquals(new int[] {1, 2, 10, 8}, ConvTranspose.convTranspose(x, w, null, new int[] {3, 2}, null,
                null, 1, new int[] {1, 1}, new int[] {10, 8}).shape());
    }

    /** Naive 3-D scatter in double: y[oc][i*s - pad + k*d] += x[ci][i] * w[ci][oc][k] on each of D, H, W. */
    private static Tensor reference3d(Tensor x, Tensor w, Tensor bias, int[] s, int[] p, int[] d, int group, int[] op) {
        int n = x.dim(0), c = x.dim(1), mg = w.dim(1), m = mg * group, cg = c / group;
        int[] in = {x.dim(2), x.dim(3), x.dim(4)};
        int[] k = {w.dim(2), w.dim(3), w.dim(4)};
        int[] o = new int[3];
        for (int a = 0; a < 3; a++) {
            o[a] = s[a] * (in[a] - 1) + op[a] + (k[a] - 1) * d[a] + 1 - p[a] - p[a + 3];
        }
        double[] y = new double[n * m * o[0] * o[1] * o[2]];
        for (int b = 0; b < n; b++) {
            for (int ci = 0; ci < c; ci++) {
                for (int j = 0; j < mg; j++) {
                    int oc = (ci / cg) * mg + j;
                    for (int iz = 0; iz < in[0]; iz++) {
                        for (int iy = 0; iy < in[1]; iy++) {
                            for (int ix = 0; ix < in[2]; ix++) {
                                double xv = x.get((((b * c + ci) * in[0] + iz) * in[1] + iy) * in[2] + ix);
                                for (int kz = 0; kz < k[0]; kz++) {
                                    for (int ky = 0; ky < k[1]; ky++) {
                                        for (int kx = 0; kx < k[2]; kx++) {
                                            int oz = iz * s[0] - p[0] + kz * d[0];
                                            int oy = iy * s[1] - p[1] + ky * d[1];
                                            int ox = ix * s[2] - p[2] + kx * d[2];
                                            if (oz >= 0 && oz < o[0] && oy >= 0 && oy < o[1] && ox >= 0 && ox < o[2]) {
                                                y[(((b * m + oc) * o[0] + oz) * o[1] + oy) * o[2] + ox] += xv
                                                        * w.get((((ci * mg + j) * k[0] + kz) * k[1] + ky) * k[2] + kx);
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        int vol = o[0] * o[1] * o[2];
        float[] f = new float[y.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (y[i] + (bias == null ? 0 : bias.get((i / vol) % m)));
        }
        return Tensor.of(new int[] {n, m, o[0], o[1], o[2]}, f);
    }

    @ParameterizedTest(name = "3-D N{0} C{1} {2}x{3}x{4} Mg{5} k{6} s{7} p{8} d{9} g{10} op{11}")
    @CsvSource({
        "1, 2, 3, 3, 3, 3, 3, 1, 0, 1, 1, 0",
        "2, 4, 3, 4, 5, 2, 3, 2, 1, 1, 2, 1",
        "1, 3, 2, 5, 4, 2, 2, 2, 0, 1, 1, 0",
        "1, 4, 4, 3, 3, 1, 3, 3, 2, 2, 4, 2",
    })
    void threeDMatchesScatterReference(int n, int c, int d0, int h, int w, int mg, int k, int s, int p, int d, int group,
                                       int op) {
        Random rnd = new Random(n + c * 3 + h * 5 + k * 7 + d0);
        Tensor x = Reference.random(rnd, n, c, d0, h, w);
        Tensor wt = Reference.random(rnd, c, mg, k, k - 1 > 0 ? k - 1 : 1, k); // unequal kernel sides
        Tensor b = Reference.random(rnd, mg * group);
        int[] ss = {s, 1, s};
        int[] pp = {p, 0, p, p, 0, 0};
        int[] dd = {d, 1, d};
        int[] oo = {op, 0, op};
        Reference.assertClose(reference3d(x, wt, b, ss, pp, dd, group, oo),
                ConvTranspose.convTranspose(x, wt, b, ss, pp, dd, group, oo, null), 1e-5, 1e-7 * c * k * k * k);
    }
}
