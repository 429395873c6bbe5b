package qsh.core.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Percentile calibration: the tails beyond the percentile are cut, 100% gives tf. */
class PercentileEncoderTest {
    private final Encoder pct = Encoders.forMode(QuantMode.PERCENTILE);

    private static float[] rampWithOutlier() {
        float[] x = new float[10001];
        for (int i = 0; i < 10000; i++) {
            x[i] = i / 10000f; // [0, 1)
        }
        x[10000] = 1000f;
        return x;
    }

    @Test
    void cutsALoneOutlier() {
        Encoding e = pct.encode(rampWithOutlier(), 8, EncoderOptions.DEFAULTS);
        // the 99.99% point lies in the first bin of [0, 1000] (width 1000/512), far below the outlier
        assertTrue(e.max() < 1000.0 / 512 + 0.01, e.toString());
        assertEquals(0, e.zeroPoint());
    }

    @Test
    void hundredPercentIsTf() {
        float[] x = {-1.8f, -1.0f, 0f, 0.5f};
        EncoderOptions all = EncoderOptions.DEFAULTS.withPercentile(100);
        assertEquals(Encoders.encode(QuantMode.TF, x, 8, all, Explanation.NONE), pct.encode(x, 8, all));
    }

    @Test
    void lowerTailUsesHundredMinusP() {
        float[] x = rampWithOutlier();
        x[10000] = -1000f;
        Encoding e = pct.encode(x, 8, EncoderOptions.DEFAULTS);
        assertTrue(e.min() > -1000 + 1000.0 / 512 - 0.01, e.toString()); // the 0.01% point is inside the first bin
    }

    @Test
    void explains() {
        Explanation ex = new Explanation();
        pct.encode(rampWithOutlier(), 0, 10001, 8, EncoderOptions.DEFAULTS, ex);
        assertEquals(4, ex.steps().size());
    }
}
