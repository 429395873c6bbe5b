package qsh.core.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** qsh's reading of "adjusted": zero made exact by expanding the range outward, never clipping a true value. */
class AdjustedEncoderTest {
    private final Encoder adj = Encoders.forMode(QuantMode.ADJUSTED);

    @ParameterizedTest(name = "[{0}, {1}] at {2} bits")
    @CsvSource({
        "-1.8, 0.5, 8", "-5.1, 5.1, 8", "5.0, 10.0, 8", "-20.0, -6.0, 8", "-0.001, 3.0, 8",
        "-3.0, 0.0001, 4", "-1.0, 1.0, 2", "-7.3, 2.2, 16", "-0.3, 100.0, 3",
    })
    void neverClipsATrueValueAndZeroIsExact(float lo, float hi, int bw) {
        Encoding e = adj.encode(new float[] {lo, hi}, bw, EncoderOptions.DEFAULTS);
        assertTrue(e.min() <= Math.min(lo, 0), "min " + e.min() + " clips " + lo);
        assertTrue(e.max() >= Math.max(hi, 0), "max " + e.max() + " clips " + hi);
        assertEquals(0.0, e.min() + e.zeroPoint() * e.scale(), 0.0, "zero must be grid value " + e.zeroPoint());
        // expansion is less than one step beyond the tf scale
        double tfScale = ((double) Math.max(hi, 0) - Math.min(lo, 0)) / e.qmax();
        assertTrue(e.scale() >= tfScale && e.scale() < tfScale * (1 + 1.0 / Math.max(1, e.zeroPoint()) + 1.0 / Math.max(1, e.qmax() - e.zeroPoint())));
    }

    @Test
    void randomTensorsAreNeverClipped() {
        Random rnd = new Random(7);
        for (int t = 0; t < 200; t++) {
            float[] x = new float[50];
            double shift = rnd.nextGaussian() * 2;
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (shift + rnd.nextGaussian() * (0.1 + t % 5));
            }
            int bw = 2 + t % 15;
            Encoding e = adj.encode(x, bw, EncoderOptions.DEFAULTS);
            float[] back = new float[x.length];
            QuantKernels.quantizeDequantize(x, 0, x.length, e, Rounding.HALF_EVEN, back, 0);
            for (int i = 0; i < x.length; i++) {
                assertTrue(Math.abs(x[i] - back[i]) <= e.scale() * 0.5001 + 1e-6,
                        "value " + x[i] + " was clipped to " + back[i] + " by " + e);
            }
        }
    }
}
