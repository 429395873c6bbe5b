package qsh.core.exec.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.core.tensor.Tensor;

/** BatchNorm, Softmax/LogSoftmax and Pad against direct formulas. */
class ElementwiseKernelsTest {
    @Test
    void batchNormFormula() {
        Random rnd = new Random(1);
        Tensor x = Reference.random(rnd, 2, 3, 4, 5);
        float[] sc = {0.5f, -2f, 1f}, bi = {0.1f, 0.2f, -0.3f}, mu = {1f, -1f, 0f}, va = {0.25f, 4f, 1e-3f};
        Tensor y = BatchNorm.inference(x, Tensor.vector(sc), Tensor.vector(bi), Tensor.vector(mu), Tensor.vector(va), 1e-5f);
        for (int i = 0; i < x.size(); i++) {
            int c = (i / 20) % 3;
            double want = (x.get(i) - mu[c]) / Math.sqrt(va[c] + 1e-5) * sc[c] + bi[c];
            assertEquals(want, y.get(i), 1e-5 * (1 + Math.abs(want)));
        }
    }

    @ParameterizedTest(name = "axis {0}")
    @CsvSource({"0", "1", "2", "-1"})
    void softmaxAlongAxisSumsToOneAndMatchesFormula(int axis) {
        Random rnd = new Random(axis + 10);
        Tensor x = Reference.random(rnd, 3, 4, 5);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] *= 30; // large logits: stability check
        }
        Tensor y = Softmax.softmax(x, axis);
        Tensor ly = Softmax.logSoftmax(x, axis);
        int a = x.normalizeAxis(axis);
        int[] st = x.strides();
        for (int i = 0; i < x.size(); i++) {
            int pos = (i / st[a]) % x.dim(a);
            int base = i - pos * st[a];
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < x.dim(a); k++) {
                max = Math.max(max, x.get(base + k * st[a]));
            }
            double sum = 0;
            for (int k = 0; k < x.dim(a); k++) {
                sum += Math.exp(x.get(base + k * st[a]) - max);
            }
            assertEquals(Math.exp(x.get(i) - max) / sum, y.get(i), 1e-6);
            assertEquals(x.get(i) - max - Math.log(sum), ly.get(i), 1e-4);
        }
    }

    @Test
    void softmaxCoercedFlattensFromAxis() {
        Random rnd = new Random(2);
        Tensor x = Reference.random(rnd, 2, 3, 4);
        Tensor y = Softmax.softmaxCoerced2d(x, 1);
        Tensor flat = Softmax.softmax(x.reshape(2, 12), 1);
        assertArrayEquals(flat.data(), y.data());
        assertArrayEquals(x.shape(), y.shape());
        assertArrayEquals(Softmax.logSoftmax(x.reshape(2, 12), 1).data(), Softmax.logSoftmaxCoerced2d(x, 1).data());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // numpy.pad([[1,2,3],[4,5,6]], ((1,0),(2,1)), mode) written out by hand
        "constant, '9,9,9,9,9,9,9,9,1,2,3,9,9,9,4,5,6,9'",
        "edge, '1,1,1,2,3,3,1,1,1,2,3,3,4,4,4,5,6,6'",
        "reflect, '6,5,4,5,6,5,3,2,1,2,3,2,6,5,4,5,6,5'",
    })
    void padModes(String mode, String expected) {
        Tensor x = Tensor.of(new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6});
        Tensor y = Pad.pad(x, new int[] {1, 2, 0, 1}, mode, 9f);
        assertArrayEquals(new int[] {3, 6}, y.shape());
        String[] parts = expected.split(",");
        float[] want = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            want[i] = Float.parseFloat(parts[i]);
        }
        assertArrayEquals(want, y.data());
    }

    @Test
    void negativePadCropsAndBadModeIsRefused() {
        Tensor x = Tensor.of(new int[] {4}, new float[] {1, 2, 3, 4});
        assertArrayEquals(new float[] {2, 3, 4}, Pad.pad(x, new int[] {-1, 0}, "constant", 0f).data());
        assertThrows(IllegalArgumentException.class, () -> Pad.pad(x, new int[] {1, 1}, "wrap", 0f));
    }
}
