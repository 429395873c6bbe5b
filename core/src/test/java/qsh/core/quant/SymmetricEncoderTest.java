package qsh.core.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The spec's per-channel override example ("Case 2: Per-channel quantization encodings with 3 output channels"). */
class SymmetricEncoderTest {
    private final Encoder sym = Encoders.forMode(QuantMode.SYMMETRIC);

    @ParameterizedTest(name = "channel absmax {0} -> scale {1}, min {2}")
    @CsvSource({
        "0.7011175155639648, 0.005520610358771377, -0.7066381259227362",
        "0.5228064656257629, 0.004116586343509945, -0.5269230519692729",
        "0.7368279099464417, 0.005801794566507415, -0.7426297045129491",
    })
    void specPerChannelExample(double absMax, double scale, double min) {
        // the channel's largest magnitude is its max; a smaller negative value must not change the encoding
        float[] data = {(float) -(absMax / 3), 0.1f, (float) absMax};
        Encoding e = sym.encode(data, 8, EncoderOptions.DEFAULTS);
        assertEquals(scale, e.scale(), 1e-15);
        assertEquals(min, e.min(), 1e-13);
        assertEquals(absMax, e.max(), 1e-13);
        assertEquals(-128, e.aimetOffset());
        assertEquals(128, e.zeroPoint());
        assertTrue(e.symmetric());
    }

    @Test
    void absMaxComesFromTheNegativeSideToo() {
        Encoding e = sym.encode(new float[] {-2f, 1f}, 8, EncoderOptions.DEFAULTS);
        assertEquals(2.0 / 127, e.scale(), 1e-15);
        assertEquals(2.0, e.max(), 1e-12);
    }

    /** tf's rules first (TfRange): a constant 0 has the range [0, 0.0001], so absmax 0.0001. */
    @Test
    void minimumRangeThenZeroThenAbsMax() {
        Encoding e = sym.encode(new float[] {0f, 0f}, 8, EncoderOptions.DEFAULTS);
        assertTrue(e.max() - e.min() >= EncoderOptions.SPEC_MIN_RANGE);
        assertEquals(EncoderOptions.SPEC_MIN_RANGE, e.max(), 1e-15);
        // a negative constant: max(-2.5, -2.4999) = -2.4999, then max = 0: range [-2.5, 0], absmax 2.5
        assertEquals(2.5, sym.encode(new float[] {-2.5f}, 8, EncoderOptions.DEFAULTS).max(), 1e-12);
    }

    @Test
    void explainsEveryStep() {
        Explanation ex = new Explanation();
        sym.encode(new float[] {-1f, 0.7011175155639648f}, 0, 2, 8, EncoderOptions.DEFAULTS, ex);
        assertEquals(6, ex.steps().size());
        assertTrue(ex.steps().get(5).detail().contains("-128"), ex.steps().get(5).detail());
    }
}
