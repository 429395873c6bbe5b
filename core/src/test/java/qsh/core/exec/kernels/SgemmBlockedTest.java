package qsh.core.exec.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import qsh.core.tensor.Tensor;

/**
 * The register-blocked Sgemm path and the row fallback against a naive double-precision reference on random
 * shapes: odd sizes, k not a multiple of 4 or of the panel depth, m and n below a block, strips wider than
 * one tile, alpha/beta, transposes, leading dimensions larger than the matrix and offsets; plus conv through
 * the fused im2col panel source with bias.
 */
class SgemmBlockedTest {
    static Stream<Arguments> shapes() {
        Random rnd = new Random(42);
        Stream.Builder<Arguments> s = Stream.builder();
        int[][] fixed = {
            {1, 1, 1}, {1, 17, 3}, {3, 5, 2}, {4, 16, 4}, {5, 33, 7}, {7, 1, 9}, {2, 600, 5},
            {13, 1100, 31}, {24, 6400 / 8, 864 / 4}, {9, 40, 257}, {6, 530, 513}, {64, 3, 300}, {17, 1030, 1},
        };
        int i = 0;
        for (int[] f : fixed) {
            s.add(Arguments.of(f[0], f[1], f[2], i % 2 == 1, i % 3 == 1, i % 4 == 0 ? 1f : -0.75f,
                    i % 5 == 0 ? 0f : (i % 5 == 1 ? 1f : 0.5f), i++));
        }
        for (int r = 0; r < 24; r++) {
            s.add(Arguments.of(1 + rnd.nextInt(40), 1 + rnd.nextInt(1200), 1 + rnd.nextInt(600), rnd.nextBoolean(),
                    rnd.nextBoolean(), rnd.nextBoolean() ? 1f : (float) rnd.nextGaussian(),
                    rnd.nextInt(3) == 0 ? 0f : (float) rnd.nextGaussian(), i++));
        }
        return s.build();
    }

    @ParameterizedTest(name = "{0}x{1}x{2} tA={3} tB={4} alpha={5} beta={6}")
    @MethodSource("shapes")
    void blockedAndRowPathsMatchNaive(int m, int n, int k, boolean ta, boolean tb, float alpha, float beta, int seed) {
        Random rnd = new Random(seed);
        int lda = (ta ? m : k) + seed % 3;
        int ldb = (tb ? k : n) + seed % 2;
        int ldc = n + seed % 4;
        int aOff = seed % 5;
        int bOff = seed % 7;
        int cOff = seed % 3;
        float[] a = fill(rnd, aOff + (ta ? k : m) * lda);
        float[] b = fill(rnd, bOff + (tb ? n : k) * ldb);
        float[] c0 = fill(rnd, cOff + m * ldc);
        if (beta == 0f) {
            c0[cOff] = Float.NaN; // beta == 0 ignores C entirely
        }
        double[] want = new double[m * n];
        double scale = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                double mag = 0;
                for (int p = 0; p < k; p++) {
                    double av = a[aOff + (ta ? p * lda + i : i * lda + p)];
                    double bv = b[bOff + (tb ? j * ldb + p : p * ldb + j)];
                    acc += av * bv;
                    mag += Math.abs(av * bv);
                }
                double cv = beta == 0f ? 0 : beta * (double) c0[cOff + i * ldc + j];
                want[i * n + j] = alpha * acc + cv;
                scale = Math.max(scale, Math.abs(alpha) * mag + Math.abs(cv));
            }
        }
        double tol = 1e-6 * scale + 1e-6;
        float[] packed = c0.clone();
        Sgemm.multiplyPacked(m, n, k, alpha, a, aOff, lda, ta, Sgemm.matrix(b, bOff, ldb, tb), beta, packed, cOff,
                ldc, null, 0);
        float[] rows = c0.clone();
        Sgemm.multiplyRows(m, n, k, alpha, a, aOff, lda, ta, b, bOff, ldb, tb, beta, rows, cOff, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int at = cOff + i * ldc + j;
                assertEquals(want[i * n + j], packed[at], tol, "packed C[" + i + "][" + j + "]");
                assertEquals(want[i * n + j], rows[at], tol, "rows C[" + i + "][" + j + "]");
            }
            for (int j = n; j < ldc && cOff + i * ldc + j < c0.length; j++) {
                int at = cOff + i * ldc + j;
                assertEquals(c0[at], packed[at], 0, "padding column untouched");
            }
        }
        // With a per-row bias (the conv path): C = alpha A B + bias.
        float[] bias = fill(rnd, m + 2);
        float[] biased = new float[cOff + m * ldc];
        Sgemm.multiply(m, n, k, alpha, a, aOff, lda, ta, Sgemm.matrix(b, bOff, ldb, tb), 0f, biased, cOff, ldc,
                bias, 2);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double w = want[i * n + j] - (beta == 0f ? 0 : beta * (double) c0[cOff + i * ldc + j]) + bias[2 + i];
                assertEquals(w, biased[cOff + i * ldc + j], tol + 1e-6, "biased C[" + i + "][" + j + "]");
            }
        }
    }

    static Stream<Arguments> convShapes() {
        Random rnd = new Random(7);
        Stream.Builder<Arguments> s = Stream.builder();
        for (int r = 0; r < 16; r++) {
            int k = 1 + rnd.nextInt(5);
            int st = 1 + rnd.nextInt(2);
            int d = rnd.nextInt(4) == 0 ? 2 : 1;
            int ext = (k - 1) * d + 1;
            int h = ext + rnd.nextInt(30);
            int w = ext + rnd.nextInt(40);
            s.add(Arguments.of(1 + rnd.nextInt(2), 1 + rnd.nextInt(9), h, w, 1 + rnd.nextInt(13), k,
                    1 + rnd.nextInt(5), st, rnd.nextInt(k), d));
        }
        s.add(Arguments.of(1, 96, 80, 80, 24, 3, 3, 1, 1, 1));
        return s.build();
    }

    @ParameterizedTest(name = "N{0} C{1} {2}x{3} M{4} k{5}x{6} s{7} p{8} d{9}")
    @MethodSource("convShapes")
    void convThroughPanelSourceMatchesReference(int n, int c, int h, int w, int m, int kh, int kw, int s, int p,
                                                int d) {
        Random rnd = new Random(n + c * 3L + h * 5L + w * 7L + m);
        Tensor x = Reference.random(rnd, n, c, h, w);
        Tensor wt = Reference.random(rnd, m, c, kh, kw);
        Tensor b = Reference.random(rnd, m);
        int[] st = {s, s};
        int pw = Math.min(p, kw - 1);
        int[] pads = {p, pw, Math.max(0, p - 1), pw};
        int[] dil = {d, 1};
        if ((kh - 1) * d + 1 > h + pads[0] + pads[2]) {
            return;
        }
        Tensor want = Reference.conv2d(x, wt, b, st, pads, dil, 1);
        Reference.assertClose(want, Conv.conv(x, wt, b, st, pads, dil, 1), 1e-5, 1e-6 * c * kh * kw);
    }

    static Stream<Arguments> depthwiseShapes() {
        Random rnd = new Random(11);
        Stream.Builder<Arguments> s = Stream.builder();
        for (int r = 0; r < 24; r++) {
            int k = 1 + rnd.nextInt(5);
            int d = rnd.nextInt(4) == 0 ? 2 : 1;
            int ext = (k - 1) * d + 1;
            s.add(Arguments.of(1 + rnd.nextInt(2), 1 + rnd.nextInt(6), ext + rnd.nextInt(20), ext + rnd.nextInt(30),
                    1 + rnd.nextInt(2), k, 1 + rnd.nextInt(5), 1 + rnd.nextInt(2), 1 + rnd.nextInt(2), rnd.nextInt(k + 1),
                    d, rnd.nextBoolean()));
        }
        s.add(Arguments.of(1, 64, 40, 40, 1, 5, 5, 1, 1, 2, 1, true));
        s.add(Arguments.of(1, 8, 4, 3, 1, 3, 3, 2, 2, 3, 1, false)); // pads wider than the input
        return s.build();
    }

    @ParameterizedTest(name = "dw N{0} C{1} {2}x{3} mult{4} k{5}x{6} s{7},{8} p{9} d{10} bias={11}")
    @MethodSource("depthwiseShapes")
    void depthwiseMatchesReference(int n, int c, int h, int w, int mult, int kh, int kw, int sh, int sw, int p, int d,
                                   boolean withBias) {
        Random rnd = new Random(n * 7L + c * 13L + h * 17L + w + kh * 3L + kw);
        Tensor x = Reference.random(rnd, n, c, h, w);
        Tensor wt = Reference.random(rnd, c * mult, 1, kh, kw);
        Tensor b = withBias ? Reference.random(rnd, c * mult) : null;
        int[] st = {sh, sw};
        int[] pads = {p, Math.max(0, p - 1), p, p};
        int[] dil = {d, 1};
        if ((kh - 1) * d + 1 > h + 2 * p || kw > w + pads[1] + pads[3]) {
            return;
        }
        Tensor want = Reference.conv2d(x, wt, b, st, pads, dil, c);
        Reference.assertClose(want, Conv.conv(x, wt, b, st, pads, dil, c), 1e-5, 1e-6 * kh * kw);
    }

    private static float[] fill(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextFloat() * 2f - 1f;
        }
        return v;
    }
}
