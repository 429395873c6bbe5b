package qsh.core.exec.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One row of A ({@link Gemv}, which {@link Sgemm#multiply} takes for m = 1) gives the general kernel's bits
 * ({@link Sgemm#multiplyPacked}, which picks the Vector API or the packed kernel as before): stored and
 * transposed B and A, alpha, beta with and without C, depths around the panel depth and off multiples of 4,
 * column counts off the vector length and the 8-output groups, offsets and leading dimensions past the matrix;
 * with the Vector API kernels ready and with them suspended (where the packed kernel's order applies).
 */
class GemvTest {
    @BeforeAll
    static void waitForVectorKernels() throws InterruptedException {
        if (!VectorSupport.ENABLED) {
            return;
        }
        WarmUps.awaitAndUse(VectorKernels.WARM_UP, VectorRows.WARM_UP);
    }

    @AfterEach
    void resume() {
        VectorSupport.suspend(false);
    }

    private static float[] fill(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return x;
    }

    private static void check(boolean vector) {
        VectorSupport.suspend(!vector);
        Random rnd = new Random(vector ? 1 : 2);
        int[] ns = {1, 3, 7, 8, 9, 17, 100, 1000};
        int[] ks = {1, 2, 3, 4, 5, 255, 256, 257, 259, 300, 513, 1280};
        int cases = 0;
        for (int n : ns) {
            for (int k : ks) {
                boolean transA = rnd.nextBoolean();
                boolean transB = cases % 2 == 0;
                float alpha = rnd.nextBoolean() ? 1f : 0.37f;
                float beta = new float[] {0f, 1f, -0.6f}[rnd.nextInt(3)];
                int lda = transA ? 1 + rnd.nextInt(3) : k + rnd.nextInt(3); // A is 1 x k, or k x 1 stored
                int aOff = rnd.nextInt(5);
                int ldb = (transB ? k : n) + rnd.nextInt(3);
                int bOff = rnd.nextInt(5);
                int cOff = rnd.nextInt(5);
                float[] a = fill(rnd, aOff + (transA ? (k - 1) * lda + 1 : k));
                float[] b = fill(rnd, bOff + (transB ? n : k) * ldb);
                float[] c0 = fill(rnd, cOff + n + 3);
                float[] want = c0.clone();
                float[] got = c0.clone();
                Sgemm.multiplyPacked(1, n, k, alpha, a, aOff, lda, transA, Sgemm.matrix(b, bOff, ldb, transB), beta,
                        want, cOff, n, null, 0);
                Sgemm.multiply(1, n, k, alpha, a, aOff, lda, transA, b, bOff, ldb, transB, beta, got, cOff, n);
                String what = "n " + n + " k " + k + " transA " + transA + " transB " + transB + " alpha " + alpha
                        + " beta " + beta + (vector ? " vector" : " plain");
                for (int i = 0; i < want.length; i++) {
                    assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]),
                            what + " at " + i + ": want " + want[i] + " got " + got[i]);
                }
                cases++;
            }
        }
        assertEquals(ns.length * ks.length, cases);
    }

    @Test
    void oneRowGivesTheGeneralKernelsBitsWithVectors() {
        check(true);
    }

    @Test
    void oneRowGivesTheGeneralKernelsBitsWithPlainLoops() {
        check(false);
    }
}
