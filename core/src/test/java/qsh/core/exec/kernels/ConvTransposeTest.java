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
}
