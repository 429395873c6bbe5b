package qsh.core.exec.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.core.tensor.Tensor;

/**
 * A stride-2 column phase gathered by vectors ({@link VectorRows#evens}) holds the elements the plain loop copies:
 * directly, for every length and start (the vectors stop where the pair they read would leave the array), and
 * through stride-2 convolutions' sliced input (first layers of 3 channels, 7 x 7 and 3 x 3, odd and even widths,
 * a 1 x 1 downsampling), compared with the plain gather bit for bit.
 */
class StridedGatherTest {
    @BeforeAll
    static void waitForRowKernels() throws InterruptedException {
        Assumptions.assumeTrue(VectorSupport.ENABLED, "Vector API kernels not enabled on this JVM/CPU");
        WarmUps.awaitAndUse(VectorKernels.WARM_UP, VectorRows.WARM_UP);
    }

    @AfterEach
    void restore() {
        RowKernels.evensByVectors(true);
    }

    @Test
    void everyOtherElementForEveryLengthAndStart() {
        float[] x = new float[301];
        for (int i = 0; i < x.length; i++) {
            x[i] = i + 0.5f;
        }
        for (int src = 0; src < 9; src++) {
            for (int n = 0; 2 * (n - 1) + src < x.length; n++) {
                float[] dst = new float[n + 3];
                java.util.Arrays.fill(dst, -1f);
                RowKernels.evens(x, src, dst, 2, n);
                for (int j = 0; j < n; j++) {
                    assertEquals(x[src + 2 * j], dst[2 + j], "src " + src + ", n " + n + ", j " + j);
                }
                assertEquals(-1f, dst[0]);
                assertEquals(-1f, dst[1]);
                if (n + 2 < dst.length) {
                    assertEquals(-1f, dst[n + 2], "nothing written past n");
                }
            }
        }
    }

    @ParameterizedTest(name = "C{0} {1}x{2} -> M{3} k{4} s2 p{5}")
    @CsvSource({"3, 64, 64, 16, 7, 3", "3, 65, 63, 8, 3, 1", "16, 40, 40, 32, 3, 1", "24, 33, 35, 12, 1, 0",
        "3, 161, 160, 8, 3, 0"})
    void stridedConvolutionsSameBitsAsThePlainGather(int c, int h, int w, int m, int k, int pad) {
        Random rnd = new Random(c * 1000 + h);
        float[] xd = new float[c * h * w];
        for (int i = 0; i < xd.length; i++) {
            xd[i] = (float) rnd.nextGaussian();
        }
        float[] wd = new float[m * c * k * k];
        for (int i = 0; i < wd.length; i++) {
            wd[i] = (float) rnd.nextGaussian();
        }
        Tensor x = Tensor.of(new int[] {1, c, h, w}, xd);
        Tensor wt = Tensor.of(new int[] {m, c, k, k}, wd);
        int[] strides = {2, 2};
        int[] pads = {pad, pad, pad, pad};
        Tensor byVectors = Conv.conv(x, wt, null, strides, pads, null, 1);
        RowKernels.evensByVectors(false);
        Tensor plain = Conv.conv(x, wt, null, strides, pads, null, 1);
        for (int i = 0; i < plain.size(); i++) {
            assertEquals(Float.floatToIntBits(plain.data()[i]), Float.floatToIntBits(byVectors.data()[i]), "element " + i);
        }
    }
}
