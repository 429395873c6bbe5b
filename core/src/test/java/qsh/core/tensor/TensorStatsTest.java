package qsh.core.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** One-pass statistics against a plain two-pass computation (the oracle), including a large mean. */
class TensorStatsTest {
    @Test
    void matchesTwoPassOnLargeMeanData() {
        Random rnd = new Random(4);
        float[] x = new float[100_000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (1e4 + rnd.nextGaussian() * 0.5);
        }
        TensorStats s = TensorStats.of(Tensor.of(new int[] {x.length}, x));
        double mean = 0;
        for (float v : x) {
            mean += v;
        }
        mean /= x.length;
        double var = 0;
        double mn = Double.MAX_VALUE;
        double mx = -Double.MAX_VALUE;
        for (float v : x) {
            var += (v - mean) * (v - mean);
            mn = Math.min(mn, v);
            mx = Math.max(mx, v);
        }
        assertEquals(x.length, s.count());
        assertEquals(mean, s.mean(), 1e-9);
        assertEquals(Math.sqrt(var / x.length), s.std(), 1e-9);
        assertEquals(mn, s.min(), 0);
        assertEquals(mx, s.max(), 0);
        assertEquals(mx, s.absMax(), 0);
    }

    @Test
    void absMaxFromTheNegativeSideAndEmptyRefused() {
        TensorStats s = TensorStats.of(new float[] {-3f, 1f}, 0, 2);
        assertEquals(3, s.absMax(), 0);
        assertEquals(-1, s.mean(), 0);
        assertEquals(2, s.std(), 0);
        assertThrows(IllegalArgumentException.class, () -> TensorStats.of(new float[3], 1, 1));
    }
}
