package qsh.core.exec.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.core.tensor.Tensor;

class SgemmTest {
    @ParameterizedTest(name = "gemm {0}x{1}x{2} tA={3} tB={4} alpha={5} beta={6} c={7}")
    @CsvSource({
        "1, 1, 1, false, false, 1, 1, none",
        "5, 7, 3, false, false, 1, 1, full",
        "33, 65, 300, true, false, 0.5, 2, row",
        "64, 17, 513, false, true, 1, 0.25, col",
        "9, 1030, 20, true, true, -1, 1, scalar",
        "128, 128, 128, false, false, 1, 0, full",
    })
    void gemmMatchesReference(int m, int n, int k, boolean ta, boolean tb, float alpha, float beta, String cKind) {
        Random rnd = new Random(m * 1000 + n + k);
        Tensor a = Reference.random(rnd, m, k);
        Tensor b = Reference.random(rnd, k, n);
        Tensor c = switch (cKind) {
            case "full" -> Reference.random(rnd, m, n);
            case "row" -> Reference.random(rnd, n);
            case "col" -> Reference.random(rnd, m, 1);
            case "scalar" -> Reference.random(rnd, 1);
            default -> null;
        };
        float[] ab = Reference.matmul(a.data(), b.data(), m, k, n);
        float[] want = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double cv = 0;
                if (c != null) {
                    cv = switch (cKind) {
                        case "full" -> c.get(i * n + j);
                        case "row" -> c.get(j);
                        case "col" -> c.get(i);
                        default -> c.get(0);
                    };
                }
                want[i * n + j] = (float) (alpha * (double) ab[i * n + j] + beta * cv);
            }
        }
        Tensor aIn = ta ? Tensor.of(new int[] {k, m}, Reference.transpose(a.data(), m, k)) : a;
        Tensor bIn = tb ? Tensor.of(new int[] {n, k}, Reference.transpose(b.data(), k, n)) : b;
        Tensor got = Gemm.gemm(aIn, bIn, c, alpha, beta, ta, tb);
        Reference.assertClose(Tensor.of(new int[] {m, n}, want), got, 1e-5, 1e-7 * k * Math.abs(alpha));
    }

    @Test
    void matmulBroadcastsBatchesAndPromotesVectors() {
        Random rnd = new Random(3);
        Tensor a = Reference.random(rnd, 2, 1, 3, 4);
        Tensor b = Reference.random(rnd, 5, 4, 6);
        Tensor y = MatMul.matmul(a, b);
        assertArrayEquals(new int[] {2, 5, 3, 6}, y.shape());
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 5; j++) {
                float[] as = java.util.Arrays.copyOfRange(a.data(), i * 12, i * 12 + 12);
                float[] bs = java.util.Arrays.copyOfRange(b.data(), j * 24, j * 24 + 24);
                float[] want = Reference.matmul(as, bs, 3, 4, 6);
                float[] got = java.util.Arrays.copyOfRange(y.data(), (i * 5 + j) * 18, (i * 5 + j) * 18 + 18);
                Reference.assertClose(Tensor.vector(want), Tensor.vector(got), 1e-5);
            }
        }
        Tensor v = Reference.random(rnd, 4);
        assertArrayEquals(new int[] {2, 1, 3}, MatMul.matmul(a, v).shape());
        assertArrayEquals(new int[] {5, 6}, MatMul.matmul(v, b).shape());
        assertArrayEquals(new int[] {}, MatMul.matmul(v, v).shape());
        Reference.assertClose(Tensor.vector(Reference.matmul(v.data(), v.data(), 1, 4, 1)),
                MatMul.matmul(v, v).reshape(1), 1e-5);
    }
}
