package qsh.core.exec.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.core.tensor.Tensor;

/**
 * A Gemm weight laid out as {@link GemmWeightPanels} gives {@link Gemm#gemm}'s bits on the weight as stored
 * (transB = 1): one row of A (the panel kernel) and several (the GEMM reading the panels as rows), with and
 * without C, alpha and beta other than 1, transposed A, depths around the kernels' chunk of 256 and off multiples
 * of 4 (where the packed kernel's order adds + 0), outputs around the panel width; with the Vector API kernels
 * ready and with them suspended.
 */
class GemmWeightPanelsTest {
    @BeforeAll
    static void waitForVectorKernels() throws InterruptedException {
        if (VectorSupport.ENABLED) {
            WarmUps.awaitAndUse(VectorKernels.WARM_UP, VectorRows.WARM_UP);
        }
    }

    @AfterEach
    void resume() {
        VectorSupport.suspend(false);
    }

    private static Tensor random(long seed, int... shape) {
        Random rnd = new Random(seed);
        Tensor t = Tensor.of(shape, new float[Math.toIntExact(Tensor.checkedSize(shape))]);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) rnd.nextGaussian();
        }
        return t;
    }

    @ParameterizedTest(name = "m {0} k {1} n {2} C {3} alpha {4} beta {5} transA {6}")
    @CsvSource({
        "1, 1, 1, none, 1, 1, false", "1, 5, 3, row, 1, 1, false", "1, 255, 64, row, 1, 1, false",
        "1, 256, 65, row, 0.37, -0.6, false", "1, 257, 127, row, 1, 1, true", "1, 259, 128, none, 1, 0, false",
        "1, 300, 129, full, 1, 2, false", "1, 1280, 1000, row, 1, 1, false", "1, 513, 17, one, 1.5, 1, true",
        "1, 64, 40, row, 1, 0, false", "2, 70, 20, row, 1, 1, false", "3, 259, 130, full, 0.5, 1, true",
        "5, 513, 17, none, 1.5, 1, false", "1, 3, 200, row, 1, 1, false"})
    void sameBitsAsTheStoredWeight(int m, int k, int n, String c, float alpha, float beta, boolean transA) {
        Tensor b = random(1, n, k);
        Tensor a = transA ? random(2, k, m) : random(2, m, k);
        Tensor bias = switch (c) {
            case "row" -> random(3, n);
            case "full" -> random(3, m, n);
            case "one" -> random(3, 1);
            default -> null;
        };
        GemmWeightPanels panels = GemmWeightPanels.ofTransposed(b);
        assertEquals(k, panels.depth());
        for (boolean vector : new boolean[] {true, false}) {
            VectorSupport.suspend(!vector);
            float[] want = Gemm.gemm(a, b, bias, alpha, beta, transA, true).data();
            Tensor got = panels.gemm(a, bias, alpha, beta, transA);
            assertArrayEquals(new int[] {m, n}, got.shape());
            for (int i = 0; i < want.length; i++) {
                assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got.data()[i]),
                        (vector ? "vector" : "plain") + " at " + i + ": want " + want[i] + " got " + got.data()[i]);
            }
        }
    }

    @Test
    void anAThatDoesNotFitIsRefusedAsTheNodeRefusesIt() {
        GemmWeightPanels panels = GemmWeightPanels.ofTransposed(random(1, 4, 6));
        Exception e = assertThrows(IllegalArgumentException.class,
                () -> panels.gemm(random(2, 1, 8), null, 1f, 1f, false));
        assertTrue(e.getMessage().contains("op(A) 1x8, op(B) 6x4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> panels.gemm(random(2, 6), null, 1f, 1f, false));
        assertThrows(IllegalArgumentException.class, () -> GemmWeightPanels.ofTransposed(random(1, 2, 3, 4)));
    }
}
