package qsh.core.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties every encoder must have at every bitwidth 2..16 and 32, over awkward data sets: zero round-trips
 * exactly, error ≤ scale/2 inside the encoding range, the minimum range holds, and bad input is refused.
 */
class EncoderPropertiesTest {
    private static final Map<String, float[]> DATA = Map.of(
            "gaussian", gaussian(2000, 1, 0.3),
            "constant 3", new float[] {3f, 3f, 3f, 3f},
            "constant 0", new float[] {0f, 0f, 0f},
            "single -2.5", new float[] {-2.5f},
            "all negative", new float[] {-9f, -4.25f, -1e-3f, -7f},
            "all positive", new float[] {1e-3f, 0.4f, 12f, 6f},
            "tiny range", new float[] {1e-6f, -2e-6f},
            "long tail", EnhancedEncoderTest.laplace(5000, 3));

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        List<Integer> bitwidths = new ArrayList<>();
        for (int bw = 2; bw <= 16; bw++) {
            bitwidths.add(bw);
        }
        bitwidths.add(32);
        for (QuantMode m : QuantMode.values()) {
            for (int bw : bitwidths) {
                for (String d : DATA.keySet()) {
                    out.add(Arguments.of(m, bw, d));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} bits {2}")
    @MethodSource("cases")
    void encodingProperties(QuantMode mode, int bw, String dataName) {
        float[] x = DATA.get(dataName);
        Encoding e = Encoders.encode(mode, x, bw, EncoderOptions.DEFAULTS, Explanation.NONE);
        assertEquals(bw, e.bitwidth());
        assertTrue(e.max() - e.min() >= EncoderOptions.SPEC_MIN_RANGE * (1 - 1e-9), "min range: " + e);
        assertTrue(e.min() <= 0 && e.max() >= 0, "range contains 0: " + e);
        assertEquals(0.0, e.min() + e.zeroPoint() * e.scale(), Math.ulp(e.scale()) * e.qmax(), "zero on the grid: " + e);
        if (mode == QuantMode.TF || mode == QuantMode.ADJUSTED || mode == QuantMode.SYMMETRIC) {
            // these never drop the true range (tf may shift it by at most half a step)
            for (float v : x) {
                assertTrue(v >= e.min() - e.scale() / 2 - 1e-12 && v <= e.max() + e.scale() / 2 + 1e-12, v + " outside " + e);
            }
        }
        float[] probe = probes(x, e);
        if (bw <= 16) {
            int[] q = new int[probe.length];
            QuantKernels.quantize(probe, 0, probe.length, e, Rounding.HALF_EVEN, q, 0);
            float[] back = new float[probe.length];
            QuantKernels.dequantize(q, 0, probe.length, e, back, 0);
            checkRoundTrip(probe, back, e, 0.01);
        } else {
            long[] q = new long[probe.length];
            QuantKernels.quantize32(probe, 0, probe.length, e, Rounding.HALF_EVEN, q, 0);
            float[] back = new float[probe.length];
            QuantKernels.dequantize32(q, 0, probe.length, e, back, 0);
            checkRoundTrip(probe, back, e, 0);
        }
    }

    /** probe[0] = 0; then the data and evenly spaced points, all inside the encoding range. */
    private static float[] probes(float[] x, Encoding e) {
        float[] p = new float[1 + x.length + 101];
        int k = 1;
        for (float v : x) {
            p[k++] = (float) Math.max(e.min(), Math.min(e.max(), v));
        }
        for (int i = 0; i <= 100; i++) {
            float v = (float) (e.min() + (e.max() - e.min()) * i / 100);
            p[k++] = (float) Math.max(e.min(), Math.min(e.max(), v));
        }
        return p;
    }

    /**
     * x̂(0) must be exactly 0.0; elsewhere |x - x̂| ≤ scale/2, plus the float32 slack of x/s (v up to 2^16 has an
     * ulp of 2^-8 steps: {@code stepSlack}) and of storing the float result.
     */
    private static void checkRoundTrip(float[] x, float[] back, Encoding e, double stepSlack) {
        assertEquals(0.0f, back[0], 0.0f, "zero must round-trip exactly with " + e);
        for (int i = 1; i < x.length; i++) {
            double err = Math.abs((double) x[i] - back[i]);
            double bound = e.scale() * (0.5 + stepSlack) + Math.ulp(Math.abs(x[i])) * 2 + Math.ulp((float) e.max()) * 2;
            assertTrue(err <= bound, "x = " + x[i] + " -> " + back[i] + " error " + err + " > " + bound + " with " + e);
        }
    }

    static Stream<Arguments> modes() {
        return Stream.of(QuantMode.values()).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void refusesNaNInfEmptyAndBadBitwidths(QuantMode mode) {
        Encoder enc = Encoders.forMode(mode);
        EncoderOptions o = EncoderOptions.DEFAULTS;
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class, () -> enc.encode(new float[] {1f, 2f, Float.NaN}, 8, o));
        assertTrue(nan.getMessage().contains("index 2"), nan.getMessage());
        assertThrows(IllegalArgumentException.class, () -> enc.encode(new float[] {Float.NEGATIVE_INFINITY, 0f}, 8, o));
        assertThrows(IllegalArgumentException.class, () -> enc.encode(new float[] {Float.POSITIVE_INFINITY}, 8, o));
        assertThrows(IllegalArgumentException.class, () -> enc.encode(new float[0], 8, o));
        assertThrows(IllegalArgumentException.class, () -> enc.encode(new float[] {1f}, 1, o));
        assertThrows(IllegalArgumentException.class, () -> enc.encode(new float[] {1f}, 17, o));
        assertEquals(mode, enc.mode());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void everyEncoderExplainsItself(QuantMode mode) {
        Explanation ex = new Explanation();
        float[] x = gaussian(100, 2, 0);
        Encoding e = Encoders.encode(mode, x, 8, EncoderOptions.DEFAULTS, ex);
        assertTrue(ex.steps().size() >= 3, mode + " explained " + ex.steps());
        assertEquals(e, Encoders.encode(mode, x, 8, EncoderOptions.DEFAULTS, Explanation.NONE), "explaining must not change the result");
    }

    private static float[] gaussian(int n, long seed, double mean) {
        Random rnd = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (mean + rnd.nextGaussian());
        }
        return x;
    }
}
