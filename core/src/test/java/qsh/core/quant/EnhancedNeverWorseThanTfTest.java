package qsh.core.quant;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Enhanced never scores worse than its plain counterpart on the tensor it is given (issue 19, part 7): asymmetric
 * enhanced against tf, symmetric enhanced against symmetric, at 4..16 bits, on normal, uniform, Laplace (long
 * tail), ReLU-like (half exact zeros), and normal-with-outliers data, from 16 values (scored exactly) to 200 000
 * (histogram, then re-scored). The score is enhanced's own objective computed here independently, on the raw
 * values: γ·Σ(x - clamp(x))² + Σ(clamp(x) - x̂)² with γ = 3, x̂ from the quantize formula
 * q = clamp(rint(x/s) + z, 0, 2^bw - 1), x̂ = (q - z)·s.
 */
class EnhancedNeverWorseThanTfTest {
    private static final String[] DISTRIBUTIONS = {"normal", "uniform", "laplace", "relu", "outliers"};
    private static final int[] SIZES = {16, 100, 256, 5_000, 200_000};

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (boolean symmetric : new boolean[] {false, true}) {
            for (int bw = 4; bw <= 16; bw++) {
                for (String d : DISTRIBUTIONS) {
                    for (int n : SIZES) {
                        out.add(Arguments.of(symmetric ? "symmetric" : "asymmetric", bw, d, n));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} bits {2} n={3}")
    @MethodSource("cases")
    void enhancedScoresAtLeastAsWellAsItsPlainMode(String variant, int bw, String dist, int n) {
        boolean symmetric = variant.equals("symmetric");
        float[] x = sample(dist, n, 1000L * bw + n);
        Encoding plain = Encoders.encode(symmetric ? QuantMode.SYMMETRIC : QuantMode.TF, x, bw, EncoderOptions.DEFAULTS,
                Explanation.NONE);
        Encoding enh = new EnhancedEncoder(symmetric).encode(x, bw, EncoderOptions.DEFAULTS);
        double plainCost = weightedError(x, plain);
        double enhCost = weightedError(x, enh);
        assertTrue(enhCost <= plainCost * (1 + 1e-12), "enhanced " + enh + " cost " + enhCost + " > "
                + (symmetric ? "symmetric " : "tf ") + plain + " cost " + plainCost);
    }

    /** The measured case: a 256-value normal sample at 4 bits was 12 % above tf; now at most equal. */
    @Test
    void smallNormalSampleAtFourBits() {
        float[] x = sample("normal", 256, 7);
        double tf = weightedError(x, Encoders.encode(QuantMode.TF, x, 4, EncoderOptions.DEFAULTS, Explanation.NONE));
        double enh = weightedError(x, Encoders.encode(QuantMode.ENHANCED, x, 4, EncoderOptions.DEFAULTS, Explanation.NONE));
        assertTrue(enh <= tf, enh + " vs tf " + tf);
    }

    /**
     * At 16 bits a 512-bin histogram could not resolve a step (lesson 08: features.8.weight 91.2 dB tf, 80.5 dB
     * enhanced). Now the SQNR (float32 kernels, what the lessons print) is at least tf's, within 0.01 dB.
     */
    @Test
    void sixteenBitsKeepsTfsSqnr() {
        for (String d : DISTRIBUTIONS) {
            float[] x = sample(d, 50_000, 3);
            double tf = EnhancedEncoderTest.sqnr(x, Encoders.encode(QuantMode.TF, x, 16, EncoderOptions.DEFAULTS, Explanation.NONE));
            double enh = EnhancedEncoderTest.sqnr(x, Encoders.encode(QuantMode.ENHANCED, x, 16, EncoderOptions.DEFAULTS, Explanation.NONE));
            assertTrue(enh >= tf - 0.01, d + ": enhanced " + enh + " dB vs tf " + tf + " dB");
        }
    }

    /** γ·clipping² + rounding², summed over the raw values (double precision; written apart from the encoder's). */
    static double weightedError(float[] x, Encoding e) {
        double s = e.scale();
        long z = e.zeroPoint();
        long qmax = e.qmax();
        double clip = 0;
        double round = 0;
        for (float f : x) {
            double v = f;
            long q = Math.max(0, Math.min(qmax, (long) Math.rint(v / s) + z));
            double back = (q - z) * s;
            double c = Math.max(e.min(), Math.min(e.max(), v));
            clip += (v - c) * (v - c);
            round += (c - back) * (c - back);
        }
        return EnhancedEncoder.GAMMA * clip + round;
    }

    static float[] sample(String dist, int n, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double v;
            switch (dist) {
                case "normal": v = rnd.nextGaussian(); break;
                case "uniform": v = -0.5 + 1.5 * rnd.nextDouble(); break;
                case "laplace": {
                    double u = rnd.nextDouble() - 0.5;
                    v = -Math.signum(u) * Math.log(1 - 2 * Math.abs(u));
                    break;
                }
                case "relu": v = Math.max(0, 0.3 + rnd.nextGaussian()); break;
                case "outliers": v = rnd.nextInt(100) == 0 ? 20 * rnd.nextGaussian() : rnd.nextGaussian(); break;
                default: throw new IllegalArgumentException(dist);
            }
            x[i] = (float) v;
        }
        return x;
    }
}
