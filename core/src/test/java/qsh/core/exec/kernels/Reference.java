package qsh.core.exec.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import qsh.core.tensor.Tensor;

/** Naive double-precision reference kernels and comparison helpers for the kernel tests. */
final class Reference {
    private Reference() {
    }

    static Tensor random(Random rnd, int... shape) {
        float[] d = new float[(int) Tensor.checkedSize(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (rnd.nextGaussian());
        }
        return Tensor.of(shape, d);
    }

    /** Asserts shapes equal and |got - want| <= 1e-5 * (1 + |want|) elementwise. */
    static void assertClose(Tensor want, Tensor got, double rel) {
        assertClose(want, got, rel, 0);
    }

    /**
     * Asserts |got - want| <= rel * (1 + |want|) + atol. Float dot products of K terms carry an error up to
     * about K * eps * sum|terms| (Higham, gamma_K bound); for unit Gaussians sum|terms| ~ 0.64 K, so callers
     * summing K products pass atol = 1e-7 * K.
     */
    static void assertClose(Tensor want, Tensor got, double rel, double atol) {
        assertArrayEquals(want.shape(), got.shape(), "shape");
        for (int i = 0; i < want.size(); i++) {
            double wv = want.get(i);
            double gv = got.get(i);
            assertTrue(Math.abs(wv - gv) <= rel * (1 + Math.abs(wv)) + atol,
                    "element " + i + ": want " + wv + " got " + gv);
        }
    }

    /** Naive 2-D conv in double, NCHW, straight from the ONNX definition. */
    static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int[] s, int[] p, int[] d, int group) {
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3);
        int m = w.dim(0), cg = w.dim(1), kh = w.dim(2), kw = w.dim(3);
        int oh = (h + p[0] + p[2] - ((kh - 1) * d[0] + 1)) / s[0] + 1;
        int ow = (wd + p[1] + p[3] - ((kw - 1) * d[1] + 1)) / s[1] + 1;
        float[] y = new float[n * m * oh * ow];
        int mg = m / group;
        for (int b = 0; b < n; b++) {
            for (int oc = 0; oc < m; oc++) {
                int g = oc / mg;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double acc = bias == null ? 0 : bias.get(oc);
                        for (int ci = 0; ci < cg; ci++) {
                            for (int ky = 0; ky < kh; ky++) {
                                for (int kx = 0; kx < kw; kx++) {
                                    int iy = oy * s[0] - p[0] + ky * d[0];
                                    int ix = ox * s[1] - p[1] + kx * d[1];
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= wd) {
                                        continue;
                                    }
                                    acc += (double) x.get(((b * c + g * cg + ci) * h + iy) * wd + ix)
                                            * w.get(((oc * cg + ci) * kh + ky) * kw + kx);
                                }
                            }
                        }
                        y[((b * m + oc) * oh + oy) * ow + ox] = (float) acc;
                    }
                }
            }
        }
        return Tensor.of(new int[] {n, m, oh, ow}, y);
    }

    /** Naive double matrix product of row-major a (m x k) and b (k x n). */
    static float[] matmul(float[] a, float[] b, int m, int k, int n) {
        float[] y = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int q = 0; q < k; q++) {
                    acc += (double) a[i * k + q] * b[q * n + j];
                }
                y[i * n + j] = (float) acc;
            }
        }
        return y;
    }

    static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = a[i * cols + j];
            }
        }
        return t;
    }
}
