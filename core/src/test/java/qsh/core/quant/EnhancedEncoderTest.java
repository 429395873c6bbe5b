package qsh.core.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.core.metrics.ErrorMetrics;

/** The enhanced (SQNR search) encoder must beat tf on long-tailed data and explain its choice. */
class EnhancedEncoderTest {
    /** Laplace(0, 1) samples: a long-tailed distribution like real activations/weights. */
    static float[] laplace(int n, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double u = rnd.nextDouble() - 0.5;
            x[i] = (float) (-Math.signum(u) * Math.log(1 - 2 * Math.abs(u)));
        }
        return x;
    }

    static double sqnr(float[] x, Encoding e) {
        float[] back = new float[x.length];
        QuantKernels.quantizeDequantize(x, 0, x.length, e, Rounding.HALF_EVEN, back, 0);
        return ErrorMetrics.sqnrDb(x, back);
    }

    /**
     * Minimum gains are set below what was measured (Laplace seed 42, 200k values: 4 bits tf 8.50 → enhanced
     * 15.03 dB, 6 bits 20.54 → 24.87, 8 bits 32.65 → 33.26, was 33.16 before the exact re-scoring): the search's
     * coarse offset grid limits the 8-bit gain.
     */
    @ParameterizedTest(name = "{0} bits: at least {1} dB better")
    @CsvSource({"4, 5.0", "6, 3.0", "8, 0.2"})
    void beatsTfOnALongTailedTensor(int bw, double minGainDb) {
        float[] x = laplace(200_000, 42);
        Encoding tf = Encoders.encode(QuantMode.TF, x, bw, EncoderOptions.DEFAULTS, Explanation.NONE);
        Encoding enh = Encoders.encode(QuantMode.ENHANCED, x, bw, EncoderOptions.DEFAULTS, Explanation.NONE);
        double tfDb = sqnr(x, tf);
        double enhDb = sqnr(x, enh);
        assertTrue(enhDb > tfDb + minGainDb, "enhanced " + enhDb + " dB vs tf " + tfDb + " dB");
        assertTrue(enh.max() - enh.min() < tf.max() - tf.min(), "enhanced should clip the tail");
    }

    /** Measured (seed 43): 4 bits 9.27 → 15.49 dB, 8 bits 34.08 → 35.48 dB. */
    @ParameterizedTest(name = "{0} bits: at least {1} dB better")
    @CsvSource({"4, 5.0", "8, 1.0"})
    void symmetricVariantBeatsPlainSymmetric(int bw, double minGainDb) {
        float[] x = laplace(200_000, 43);
        Encoding sym = Encoders.encode(QuantMode.SYMMETRIC, x, bw, EncoderOptions.DEFAULTS, Explanation.NONE);
        Encoding enh = new EnhancedEncoder(true).encode(x, bw, EncoderOptions.DEFAULTS);
        assertTrue(enh.symmetric());
        assertEquals(1L << (bw - 1), enh.zeroPoint());
        assertTrue(sqnr(x, enh) > sqnr(x, sym) + minGainDb, sqnr(x, enh) + " vs " + sqnr(x, sym));
    }

    @Test
    void uniformDataKeepsNearlyTheFullRange() {
        float[] x = new float[10_000];
        for (int i = 0; i < x.length; i++) {
            x[i] = -1f + 2f * i / (x.length - 1);
        }
        Encoding enh = Encoders.encode(QuantMode.ENHANCED, x, 8, EncoderOptions.DEFAULTS, Explanation.NONE);
        // clipping a uniform tail costs γ·(clip)² on many values: the search keeps (almost) everything
        assertTrue(enh.max() - enh.min() > 1.9, enh.toString());
    }

    @Test
    void explainsHistogramCandidatesAndCosts() {
        Explanation ex = new Explanation();
        float[] x = laplace(1000, 1);
        Encoders.forMode(QuantMode.ENHANCED).encode(x, 0, x.length, 8, EncoderOptions.DEFAULTS, ex);
        assertEquals(6, ex.steps().size(), ex.steps().toString());
        assertEquals("2. minimum range", ex.steps().get(1).title());
        assertEquals("3. handle zero", ex.steps().get(2).title());
        assertTrue(ex.steps().get(3).detail().startsWith("a 512-bin histogram"), ex.steps().get(3).detail());
        assertTrue(ex.steps().get(4).detail().startsWith("358 candidates"), ex.steps().get(4).detail());
        assertTrue(ex.steps().get(5).detail().contains("vs tf's"), ex.steps().get(5).detail());
    }

    @Test
    void smallTensorsAreScoredOnTheirValues() {
        Explanation ex = new Explanation();
        float[] x = laplace(300, 1);
        Encoders.forMode(QuantMode.ENHANCED).encode(x, 0, x.length, 4, EncoderOptions.DEFAULTS, ex);
        assertEquals("every candidate scored exactly on the 300 values", ex.steps().get(3).detail());
    }

    /** Bins for scoring: 2^(bw+1) up to 65 536, at most one per value, never fewer than the bins setting. */
    @ParameterizedTest(name = "{0} bits, {1} values -> {2} bins")
    @CsvSource({"4, 1000000, 512", "8, 1000000, 512", "10, 1000000, 2048", "16, 1000000, 65536", "16, 5000, 5000",
                "16, 600, 600", "12, 600, 600", "32, 1000000, 65536"})
    void histogramIsFineEnoughForTheBitwidth(int bw, int n, int bins) {
        assertEquals(bins, EnhancedEncoder.binsFor(bw, EncoderOptions.DEFAULTS, n));
    }
}
