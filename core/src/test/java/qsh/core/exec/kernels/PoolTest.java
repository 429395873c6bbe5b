package qsh.core.exec.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.core.tensor.Tensor;

class PoolTest {
    /** Naive pooling over an explicitly padded plane (floor mode), double accumulation. */
    private static Tensor reference(Tensor x, int kh, int kw, int sh, int sw, int[] p, int dh, int dw, boolean max,
                                    boolean includePad) {
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        int oh = (h + p[0] + p[2] - ((kh - 1) * dh + 1)) / sh + 1;
        int ow = (w + p[1] + p[3] - ((kw - 1) * dw + 1)) / sw + 1;
        float[] y = new float[n * c * oh * ow];
        for (int pl = 0; pl < n * c; pl++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double best = Double.NEGATIVE_INFINITY, sum = 0;
                    int cnt = 0, all = 0;
                    for (int ky = 0; ky < kh; ky++) {
                        for (int kx = 0; kx < kw; kx++) {
                            int iy = oy * sh - p[0] + ky * dh, ix = ox * sw - p[1] + kx * dw;
                            all++;
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                double v = x.get((pl * h + iy) * w + ix);
                                best = Math.max(best, v);
                                sum += v;
                                cnt++;
                            }
                        }
                    }
                    y[(pl * oh + oy) * ow + ox] = (float) (max ? best : sum / (includePad ? all : cnt));
                }
            }
        }
        return Tensor.of(new int[] {n, c, oh, ow}, y);
    }

    @ParameterizedTest(name = "k{0}x{1} s{2},{3} p{4},{5},{6},{7} d{8},{9}")
    @CsvSource({
        "2, 2, 2, 2, 0, 0, 0, 0, 1, 1",
        "3, 3, 1, 1, 1, 1, 1, 1, 1, 1",
        "3, 2, 2, 1, 1, 0, 1, 1, 1, 1",
        "3, 3, 2, 2, 2, 2, 2, 2, 2, 2",
        "5, 1, 3, 1, 2, 0, 2, 0, 1, 1",
    })
    void matchesReference(int kh, int kw, int sh, int sw, int pt, int pl, int pb, int pr, int dh, int dw) {
        Random rnd = new Random(kh * 100 + kw * 10 + sh);
        Tensor x = Reference.random(rnd, 2, 3, 11, 9);
        int[] p = {pt, pl, pb, pr};
        int[] k = {kh, kw};
        int[] s = {sh, sw};
        Reference.assertClose(reference(x, kh, kw, sh, sw, p, dh, dw, true, false),
                Pool.maxPool(x, k, s, p, new int[] {dh, dw}, false), 0);
        if (dh == 1 && dw == 1) {
            Reference.assertClose(reference(x, kh, kw, sh, sw, p, 1, 1, false, false),
                    Pool.averagePool(x, k, s, p, false, false), 1e-6);
            Reference.assertClose(reference(x, kh, kw, sh, sw, p, 1, 1, false, true),
                    Pool.averagePool(x, k, s, p, true, false), 1e-6);
        }
    }

    private static Tensor iota4x4() {
        float[] d = new float[16];
        for (int i = 0; i < 16; i++) {
            d[i] = i + 1;
        }
        return Tensor.of(new int[] {1, 1, 4, 4}, d);
    }

    @Test
    void ceilModeOnnxDocExamples() {
        // ONNX operator docs, MaxPool/AveragePool examples "maxpool_2d_ceil" and "averagepool_2d_ceil".
        int[] k = {3, 3};
        int[] s = {2, 2};
        assertArrayEquals(new float[] {11, 12, 15, 16}, Pool.maxPool(iota4x4(), k, s, null, null, true).data());
        assertArrayEquals(new float[] {6, 7.5f, 12, 13.5f}, Pool.averagePool(iota4x4(), k, s, null, false, true).data());
        assertArrayEquals(new int[] {1, 1, 1, 1}, Pool.maxPool(iota4x4(), k, s, null, null, false).shape());
    }

    @Test
    void globalPools() {
        Tensor g = Pool.globalAveragePool(iota4x4());
        assertArrayEquals(new int[] {1, 1, 1, 1}, g.shape());
        assertArrayEquals(new float[] {8.5f}, g.data());
        assertArrayEquals(new float[] {16f}, Pool.globalMaxPool(iota4x4()).data());
    }

    @Test
    void oneDimensional() {
        Tensor x = Tensor.of(new int[] {1, 1, 5}, new float[] {1, 5, 2, 4, 3});
        assertArrayEquals(new float[] {5, 5, 4, 4}, Pool.maxPool(x, new int[] {2}, null, null, null, false).data());
        assertArrayEquals(new float[] {3, 3, 3}, Pool.averagePool(x, new int[] {2}, new int[] {2}, new int[] {0, 1},
                false, false).data());
    }
}
