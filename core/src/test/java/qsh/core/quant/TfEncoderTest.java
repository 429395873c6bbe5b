package qsh.core.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The spec's worked examples for the tf encoder ("Quantization Example", "Cases - Handling 0"). */
class TfEncoderTest {
    private final TfEncoder tf = new TfEncoder();

    @Test
    void specQuantizationExample() {
        Encoding e = tf.encode(new float[] {-1.8f, -1.0f, 0f, 0.5f}, 8, EncoderOptions.DEFAULTS);
        assertEquals(-1.803922, e.min(), 1e-6);
        assertEquals(0.496078, e.max(), 1e-6);
        assertEquals(0.0090196, e.scale(), 1e-7);
        assertEquals(200, e.zeroPoint());
        assertEquals(-200, e.aimetOffset());
    }

    @ParameterizedTest(name = "[{0}, {1}] -> [{2}, {3}] offset {4}")
    @CsvSource({
        "5.0, 10.0, 0.0, 10.0, 0",     // strictly positive
        "-20.0, -6.0, -20.0, 0.0, 255", // strictly negative
        "-5.1, 5.1, -5.12, 5.08, 128",  // both signs: shifted by -0.02
    })
    void specZeroCases(float lo, float hi, double min, double max, long offset) {
        Encoding e = tf.encode(new float[] {lo, hi}, 8, EncoderOptions.DEFAULTS);
        assertEquals(min, e.min(), 1e-6);
        assertEquals(max, e.max(), 1e-6);
        assertEquals(offset, e.zeroPoint());
    }

    @Test
    void enforcesMinimumRange() {
        Encoding e = tf.encode(new float[] {0f, 0f, 0f}, 8, EncoderOptions.DEFAULTS);
        assertEquals(0.0001, e.max() - e.min(), 1e-12);
    }

    @Test
    void refusesNaNAndEmpty() {
        assertThrows(IllegalArgumentException.class, () -> tf.encode(new float[] {1f, Float.NaN}, 8, EncoderOptions.DEFAULTS));
        assertThrows(IllegalArgumentException.class, () -> tf.encode(new float[] {Float.POSITIVE_INFINITY}, 8, EncoderOptions.DEFAULTS));
        assertThrows(IllegalArgumentException.class, () -> tf.encode(new float[0], 8, EncoderOptions.DEFAULTS));
        assertThrows(IllegalArgumentException.class, () -> tf.encode(new float[] {1f}, 1, EncoderOptions.DEFAULTS));
        assertThrows(IllegalArgumentException.class, () -> tf.encode(new float[] {1f}, 99, EncoderOptions.DEFAULTS));
    }
}
