package qsh.core.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

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

    /**
     * The spec's tf worked examples and the ordering cases, on double true ranges so the expected numbers are the
     * spec's formulas exactly (up to double rounding). How each row's numbers follow, q = 2^bw - 1:
     * <ol>
     *   <li>encoding-max = max(true max, true min + 0.0001) (minimum range first);</li>
     *   <li>then zero: strictly positive → min = 0; strictly negative → max = 0;</li>
     *   <li>scale = (max - min)/q; offset z = round(-min/scale), half to even; min' = -z·scale; max' = (q - z)·scale.</li>
     * </ol>
     * Columns: true min, true max, bits, expected min', max', offset.
     */
    @ParameterizedTest(name = "[{0}, {1}] at {2} bits -> [{3}, {4}] offset {5}")
    @CsvSource({
        // spec "Quantization Example": scale = 2.3/255; z = round(1.8·255/2.3) = round(199.565) = 200;
        // min' = -200·2.3/255 = -1.8039215686274510, max' = 55·2.3/255 = 0.49607843137254903
        "-1.8, 0.5, 8, -1.8039215686274510, 0.49607843137254903, 200",
        // the same at 4 bits: scale = 2.3/15; z = round(1.8·15/2.3) = round(11.739) = 12; min' = -12·2.3/15, max' = 3·2.3/15
        "-1.8, 0.5, 4, -1.84, 0.46, 12",
        // "Inputs are strictly positive": max(10, 5.0001) = 10; min = 0; z = 0
        "5.0, 10.0, 8, 0.0, 10.0, 0",
        // "Inputs are strictly negative": max(-6, -19.9999) = -6, then max = 0; z = 255
        "-20.0, -6.0, 8, -20.0, 0.0, 255",
        // "both negative and positive": scale = 10.2/255 = 0.04; z = round(127.5) = 128 (even); min' = -5.12, max' = 127·0.04
        "-5.1, 5.1, 8, -5.12, 5.08, 128",
        // ordering: minimum range first, max(5.00005, 5.0 + 0.0001) = 5.0001, then min = 0 (zero first would give 5.00005)
        "5.0, 5.00005, 8, 0.0, 5.0001, 0",
        // ordering: a constant 0.37: max(0.37, 0.3701) = 0.3701, then min = 0 (zero first would give [0, 0.37])
        "0.37, 0.37, 8, 0.0, 0.3701, 0",
        // ordering: tiny positive range: max(0.00002, 0.00011) = 0.00011, then min = 0 (zero first: [0, 0.0001])
        "0.00001, 0.00002, 8, 0.0, 0.00011, 0",
        // a constant 0: max(0, 0.0001) = 0.0001; contains 0; z = 0
        "0.0, 0.0, 8, 0.0, 0.0001, 0",
        // narrow and strictly negative: max(-5.99995, -5.9999) = -5.9999, then max = 0; z = 255
        "-6.0, -5.99995, 8, -6.0, 0.0, 255",
        // negative but lifted across 0 by the minimum range: max(-0.00001, -0.00002 + 0.0001) = 0.00008;
        // scale = 0.0001/255; z = round(0.00002·255/0.0001) = 51; min' = -51·scale, max' = 204·scale
        "-0.00002, -0.00001, 8, -0.00002, 0.00008, 51",
    })
    void specWorkedExamplesAndOrdering(double trueMin, double trueMax, int bw, double min, double max, long offset) {
        Encoding e = TfEncoder.fromTrueRange(trueMin, trueMax, bw, EncoderOptions.DEFAULTS, Explanation.NONE);
        double tol = 1e-12 * Math.max(1, Math.abs(min) + Math.abs(max));
        assertEquals(offset, e.zeroPoint(), e.toString());
        assertEquals((max - min) / Encoding.qmax(bw), e.scale(), tol / Encoding.qmax(bw), e.toString());
        assertEquals(min, e.min(), tol, e.toString());
        assertEquals(max, e.max(), tol, e.toString());
    }

    /** The two ordering cases through the float data path (what {@code encode} does). */
    @Test
    void orderingCasesOnFloatData() {
        Encoding narrow = tf.encode(new float[] {5.0f, 5.00005f}, 8, EncoderOptions.DEFAULTS);
        assertEquals(0.0, narrow.min(), 0.0);
        assertEquals(5.0001, narrow.max(), 1e-12); // true min 5.0f is exact: 5.0 + 0.0001
        Encoding constant = tf.encode(new float[] {0.37f, 0.37f, 0.37f}, 8, EncoderOptions.DEFAULTS);
        assertEquals(0.0, constant.min(), 0.0);
        assertEquals((double) 0.37f + 0.0001, constant.max(), 1e-12);
    }

    /** tf, adjusted and symmetric share the rule: the constant 0.37 reaches 0.3701 in each. */
    @Test
    void everyRangeEncoderAppliesTheMinimumRangeBeforeZero() {
        float[] x = {0.37f, 0.37f};
        double expected = (double) 0.37f + 0.0001;
        for (QuantMode m : new QuantMode[] {QuantMode.TF, QuantMode.ADJUSTED, QuantMode.SYMMETRIC}) {
            Encoding e = Encoders.encode(m, x, 8, EncoderOptions.DEFAULTS, Explanation.NONE);
            assertTrue(e.max() >= expected - 1e-12 && e.max() < expected + 2 * e.scale(), m + ": " + e);
        }
        Encoding sym = Encoders.encode(QuantMode.SYMMETRIC, x, 8, EncoderOptions.DEFAULTS, Explanation.NONE);
        assertEquals(expected, sym.max(), 1e-12);
    }

    /** Every encoder's --explain states the spec's order: minimum range (step 2) before the zero cases (step 3). */
    @ParameterizedTest(name = "{0}")
    @EnumSource(QuantMode.class)
    void explanationsStateTheSameOrder(QuantMode mode) {
        Explanation ex = new Explanation();
        float[] x = {5.0f, 5.00005f};
        Encoders.encode(mode, x, 8, EncoderOptions.DEFAULTS.withPercentile(100), ex);
        List<String> titles = ex.steps().stream().map(Explanation.Step::title).toList();
        assertTrue(titles.contains("2. minimum range") && titles.contains("3. handle zero"), mode + ": " + titles);
        String minRange = ex.steps().get(titles.indexOf("2. minimum range")).detail();
        assertTrue(minRange.startsWith("encoding-max = max(true max, true min + 0.0001"), minRange);
        assertTrue(titles.indexOf("2. minimum range") < titles.indexOf("3. handle zero"), mode + ": " + titles);
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
