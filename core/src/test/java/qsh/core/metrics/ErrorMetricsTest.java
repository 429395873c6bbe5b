package qsh.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SQNR and friends on hand-checkable inputs (each expected value derived in the row's comment). */
class ErrorMetricsTest {
    @ParameterizedTest(name = "noise scale {0} -> {1} dB")
    @CsvSource({
        // x = (3, 4): Σx² = 25; noise (a, 0): Σe² = a²; SQNR = 10·log10(25/a²)
        "0.5, 20.0",   // 10·log10(100) = 20
        "5.0, 0.0",    // 10·log10(1) = 0
        "0.05, 40.0",  // 10·log10(10^4) = 40
    })
    void sqnr(double a, double db) {
        float[] ref = {3f, 4f};
        float[] approx = {(float) (3 - a), 4f};
        assertEquals(db, ErrorMetrics.sqnrDb(ref, approx), 1e-5);
    }

    @Test
    void exactIsInfiniteAndOthers() {
        float[] ref = {3f, 4f};
        assertEquals(Double.POSITIVE_INFINITY, ErrorMetrics.sqnrDb(ref, ref.clone()));
        float[] approx = {3.5f, 3f};
        assertEquals((0.25 + 1.0) / 2, ErrorMetrics.mse(ref, approx), 1e-12);
        assertEquals(1.0, ErrorMetrics.maxAbsError(ref, approx), 1e-12);
        // (3·3.5 + 4·3) / (5 · sqrt(12.25 + 9)) = 22.5 / (5·4.6098) = 0.97619
        assertEquals(22.5 / (5 * Math.sqrt(21.25)), ErrorMetrics.cosine(ref, approx), 1e-12);
        assertEquals(1.0, ErrorMetrics.cosine(new float[2], new float[2]));
        assertEquals(-1.0, ErrorMetrics.cosine(ref, new float[] {-3f, -4f}), 1e-12);
    }

    @Test
    void refusesMismatchedOrEmpty() {
        assertThrows(IllegalArgumentException.class, () -> ErrorMetrics.sqnrDb(new float[2], new float[3]));
        assertThrows(IllegalArgumentException.class, () -> ErrorMetrics.mse(new float[0], new float[0]));
    }
}
