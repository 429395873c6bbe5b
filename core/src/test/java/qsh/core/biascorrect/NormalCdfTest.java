package qsh.core.biascorrect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The normal CDF of analytical bias correction runs on qsh's one erf (FloatMath's, the Erf op's): Φ to about 1e-7.
 * Expected values: Python 3, 0.5 * math.erfc(-z / math.sqrt(2)) and math.exp(-z * z / 2) / math.sqrt(2 * math.pi).
 */
class NormalCdfTest {
    @ParameterizedTest(name = "Φ({0}) = {1}")
    @CsvSource({"0, 0.5", "1, 0.8413447460685429", "-1, 0.15865525393145707", "-1.96, 0.024997895148220435",
            "3, 0.9986501019683699", "-5, 2.866515718791946e-07", "0.1, 0.539827837277029"})
    void matchesTheNormalCdf(double z, double expected) {
        assertEquals(expected, AnalyticalBiasCorrection.cdf(z), 2e-7);
    }

    @ParameterizedTest(name = "φ({0}) = {1}")
    @CsvSource({"0, 0.3989422804014327", "1, 0.24197072451914337", "-2, 0.05399096651318806"})
    void densityMatches(double z, double expected) {
        assertEquals(expected, AnalyticalBiasCorrection.pdf(z), 1e-15);
    }
}
