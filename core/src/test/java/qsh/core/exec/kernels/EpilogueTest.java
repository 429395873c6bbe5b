package qsh.core.exec.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Epilogue#applyPlanes} (planes in groups that fit L1, channel-independent stages in one call over a group, long
 * planes in pieces) gives the bits of {@link Epilogue#apply} plane by plane, for per-channel stages, per-tensor ones and
 * mixes of the two.
 */
class EpilogueTest {
    private static final int CHANNELS = 7;

    static Stream<Arguments> epilogues() {
        Random rnd = new Random(3);
        FakeQuant perTensor = new FakeQuant(new float[] {0.05f}, new long[] {3}, 0, 255);
        float[] scales = new float[CHANNELS];
        long[] zeros = new long[CHANNELS];
        for (int c = 0; c < CHANNELS; c++) {
            scales[c] = 0.01f + 0.02f * c;
            zeros[c] = c * 5;
        }
        FakeQuant perChannel = new FakeQuant(scales, zeros, -128, 127);
        return Stream.of(
                Arguments.of("affine, swish", new Epilogue.Builder().affine(fill(rnd), fill(rnd)).swish(null)
                        .then(Activation.NONE)),
                Arguments.of("swish with a per-tensor pair, relu", new Epilogue.Builder().swish(perTensor)
                        .then(Activation.RELU_ACT)),
                Arguments.of("per-channel pair, clip", new Epilogue.Builder().fakeQuant(perChannel)
                        .then(Activation.clip(-1f, 6f))),
                Arguments.of("mul, add, per-tensor pair", new Epilogue.Builder().mul(fill(rnd)).add(fill(rnd))
                        .fakeQuant(perTensor).then(Activation.NONE)),
                Arguments.of("hard-swish chains", new Epilogue.Builder()
                        .quantizedHardSwish(new QuantizedHardSwish(3f, 0f, 6f, 6f, perTensor, null, perTensor))
                        .quantizedHardSwish(new QuantizedHardSwish(3f, 0f, 6f, 6f, perChannel, perTensor, null))
                        .then(Activation.NONE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("epilogues")
    void planesInOneCallAreThePlaneByPlaneBits(String name, Epilogue ep) {
        check(name, ep, 1); // a column of channels (ChannelGemm's one-column output)
        check(name, ep, 25); // small planes: stage by stage over all of them
        check(name, ep, 1000); // groups of four planes, then the last one alone
        check(name, ep, 3000); // one plane a group
        check(name, ep, 9000); // long planes in pieces (two of Epilogue.STAGED_FLOATS, then the rest)
    }

    private static void check(String name, Epilogue ep, int size) {
        Random rnd = new Random(name.hashCode());
        int from = 3;
        int c0 = 2;
        int count = CHANNELS - c0;
        float[] y = new float[from + size * count + 4];
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) (rnd.nextGaussian() * 4);
        }
        float[] byPlane = y.clone();
        for (int i = 0; i < count; i++) {
            ep.apply(byPlane, from + i * size, from + (i + 1) * size, c0 + i);
        }
        float[] together = y.clone();
        ep.applyPlanes(together, from, size, c0, count);
        for (int i = 0; i < y.length; i++) {
            assertEquals(Float.floatToIntBits(byPlane[i]), Float.floatToIntBits(together[i]), "planes of " + size
                    + ", element " + i);
        }
    }

    /**
     * A chain whose last stages a table gives (a per-tensor pair followed only by stages the same for every channel)
     * gives, with the table, the bits of its stages run one by one: for EfficientNet's simulated swish, PP-OCR's
     * eleven-stage chain with scalar Mul and Add, a 12-bit grid, a table after a per-channel stage, and a chain whose
     * last stage is per channel (no table); over ordinary values, values next to the first pair's rounding boundaries,
     * zeros, subnormals, NaN and the infinities; apply and applyPlanes, with the Vector API's lookup and without.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("tableChains")
    void aTableGivesTheStagesBits(String name, Epilogue ep, float firstScale) throws InterruptedException {
        if (VectorSupport.ENABLED) {
            WarmUps.awaitAndUse(VectorKernels.WARM_UP, VectorMath.WARM_UP);
        }
        Random rnd = new Random(name.hashCode());
        int size = 97;
        int count = CHANNELS;
        float[] x = new float[size * count];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 3 == 0 ? (float) ((rnd.nextInt(600) - 300 + 0.5) * firstScale) // a rounding boundary of the
                    : (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(6) - 3)); // first pair, then ulps away
            if (i % 3 == 0) {
                for (int k = rnd.nextInt(7) - 3; k != 0; k -= Integer.signum(k)) {
                    x[i] = k > 0 ? Math.nextUp(x[i]) : Math.nextDown(x[i]);
                }
            }
        }
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f, 1e-40f, -1e-40f,
            Float.MAX_VALUE, -Float.MAX_VALUE, 3f, -3f, 6f};
        for (int i = 0; i < specials.length; i++) {
            x[7 + 53 * i] = specials[i];
        }
        for (boolean vectors : new boolean[] {true, false}) {
            VectorSupport.suspend(!vectors);
            try {
                Epilogue.tables(false);
                float[] byStage = x.clone();
                for (int p = 0; p < count; p++) {
                    ep.apply(byStage, p * size, (p + 1) * size, p);
                }
                Epilogue.tables(true);
                float[] byApply = x.clone();
                for (int p = 0; p < count; p++) {
                    ep.apply(byApply, p * size, (p + 1) * size, p);
                }
                float[] byPlanes = x.clone();
                ep.applyPlanes(byPlanes, 0, size, 0, count);
                for (int i = 0; i < x.length; i++) {
                    String at = name + (vectors ? "" : ", plain loops") + ", x = " + x[i];
                    assertEquals(Float.floatToRawIntBits(byStage[i]), Float.floatToRawIntBits(byApply[i]), at);
                    assertEquals(Float.floatToRawIntBits(byStage[i]), Float.floatToRawIntBits(byPlanes[i]), at);
                }
            } finally {
                Epilogue.tables(true);
                VectorSupport.suspend(false);
            }
        }
    }

    static Stream<Arguments> tableChains() {
        FakeQuant u8 = new FakeQuant(new float[] {0.05f}, new long[] {128}, 0, 255);
        FakeQuant sigmoid = new FakeQuant(new float[] {1f / 255}, new long[] {0}, 0, 255);
        FakeQuant s8 = new FakeQuant(new float[] {0.0371f}, new long[] {-7}, -128, 127);
        FakeQuant twelveBits = new FakeQuant(new float[] {0.0013f}, new long[] {2000}, 0, 4095);
        float[] scalar = new float[CHANNELS];
        float[] shift = new float[CHANNELS];
        float[] perChannel = new float[CHANNELS];
        for (int c = 0; c < CHANNELS; c++) {
            scalar[c] = 0.83f;
            shift[c] = -0.21f;
            perChannel[c] = 0.5f + 0.1f * c;
        }
        QuantizedHardSwish hardSwish = new QuantizedHardSwish(3f, 0f, 6f, 6f, s8, u8, s8);
        return Stream.of(
                Arguments.of("pair, swish with a pair, pair", new Epilogue.Builder().fakeQuant(u8).swish(sigmoid)
                        .fakeQuant(u8).then(Activation.NONE), 0.05f),
                Arguments.of("PP-OCR's chain, scalar mul and add", new Epilogue.Builder().fakeQuant(s8).mul(scalar)
                        .fakeQuant(s8).add(shift).fakeQuant(u8).quantizedHardSwish(hardSwish).fakeQuant(s8)
                        .mul(scalar).fakeQuant(s8).add(shift).fakeQuant(u8).then(Activation.NONE), 0.0371f),
                Arguments.of("a 12-bit grid, then relu", new Epilogue.Builder().fakeQuant(twelveBits)
                        .fakeQuant(s8).then(Activation.RELU_ACT), 0.0013f),
                Arguments.of("per-channel mul, then a table", new Epilogue.Builder().mul(perChannel).fakeQuant(s8)
                        .add(shift).fakeQuant(u8).then(Activation.clip(0f, 6f)), 0.0371f),
                Arguments.of("a per-channel stage last: no table", new Epilogue.Builder().fakeQuant(s8).add(shift)
                        .fakeQuant(u8).mul(perChannel).then(Activation.NONE), 0.0371f));
    }

    /**
     * Swish with a pair on its sigmoid (the simulated Sigmoid -> pair -> Mul): the vector pass over pairs of vectors
     * (VectorSwish) and the tail give, element by element, the scalar sigmoid, the pair's exact QuantizeLinear then
     * DequantizeLinear, and the product flushed where subnormal, for ordinary values, values whose sigmoid or product
     * is subnormal, NaN and the infinities.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "scale {0}, zero point {1}, [{2}, {3}]")
    @org.junit.jupiter.params.provider.CsvSource({"0.003921569, 0, 0, 255", "0.0078125, 0, -128, 127",
        "1.5e-5, 3, 0, 65535", "0.01, -20, -128, 127"})
    void quantizedSwishGivesTheOpsBits(float scale, long zero, long lo, long hi) throws InterruptedException {
        if (VectorSupport.ENABLED) {
            WarmUps.awaitAndUse(VectorKernels.WARM_UP, VectorMath.WARM_UP);
        }
        Random rnd = new Random(9);
        int n = 16 * 64 + 21; // whole pairs of vectors for any vector length up to 16, and a tail
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double m = Math.pow(10, rnd.nextInt(6) - 2);
            x[i] = (float) (rnd.nextGaussian() * m);
        }
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -87.3f, -87.4f, -90f, -0f, 0f,
            1e-38f, -1e-38f, 1e-45f, -30f, 30f};
        for (int i = 0; i < specials.length; i++) {
            x[3 + 37 * i] = specials[i];
        }
        FakeQuant fq = new FakeQuant(new float[] {scale}, new long[] {zero}, lo, hi);
        assertEquals(VectorSupport.ENABLED, FloatMath.vectorReady(), "the vector pass runs where the Vector API is");
        Epilogue ep = new Epilogue.Builder().swish(fq).then(Activation.NONE);
        float[] y = x.clone();
        ep.apply(y, 0, n, 0);
        for (int i = 0; i < n; i++) {
            float sg = FakeQuant.exact(FloatMath.sigmoid(x[i]), scale, zero, lo, hi);
            float want = FloatMath.flushSubnormal(x[i] * sg);
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(y[i]), "x = " + x[i]);
        }
    }

    /**
     * The hard-swish chain with per-tensor pairs after any of its Add, Clip and Mul (every combination, two sets of
     * constants): the one-pass vector kernel (VectorActivations) and the blocks' tail give, element by element, the
     * ops' bits: the sum, the pair's exact QuantizeLinear then DequantizeLinear, Java's clamp, the product flushed where
     * subnormal, the quotient; for ordinary values, zeros of both signs, subnormals, NaN and the infinities.
     */
    @ParameterizedTest(name = "pairs after add {0}, clip {1}, mul {2}")
    @org.junit.jupiter.params.provider.CsvSource({"false, false, false", "true, false, false", "false, true, false",
        "false, false, true", "true, true, false", "false, true, true", "true, false, true", "true, true, true"})
    void quantizedHardSwishGivesTheOpsBits(boolean afterAdd, boolean afterClip, boolean afterMul)
            throws InterruptedException {
        if (VectorSupport.ENABLED) {
            WarmUps.awaitAndUse(VectorKernels.WARM_UP, VectorMath.WARM_UP);
        }
        FakeQuant fa = afterAdd ? new FakeQuant(new float[] {0.05f}, new long[] {-3}, -128, 127) : null;
        FakeQuant fc = afterClip ? new FakeQuant(new float[] {0.023529412f}, new long[] {0}, 0, 255) : null;
        FakeQuant fm = afterMul ? new FakeQuant(new float[] {0.0078125f}, new long[] {5}, -128, 127) : null;
        float[][] constants = {{3f, 0f, 6f, 6f}, {-0.5f, -1f, -0f, 3f}};
        for (float[] k : constants) {
            Random rnd = new Random(11);
            int n = 16 * 40 + 13; // whole vectors for any vector length up to 16, and a tail
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(6) - 3));
            }
            float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f, -3f, 3f, 1e-38f,
                -1e-38f, 1e-45f, -1e-30f, 6f, -6f, 1e30f};
            for (int i = 0; i < specials.length; i++) {
                x[5 + 41 * i] = specials[i];
            }
            QuantizedHardSwish qhs = new QuantizedHardSwish(k[0], k[1], k[2], k[3], fa, fc, fm);
            assertEquals(VectorSupport.ENABLED, FloatMath.vectorReady() && MathKinds.hardSwishChainReady(),
                    "the one-pass chain runs where the Vector API is");
            float[] y = x.clone();
            qhs.apply(y, 0, n, 0);
            for (int i = 0; i < n; i++) {
                float t = x[i] + k[0];
                t = fa == null ? t : FakeQuant.exact(t, 0.05f, -3, -128, 127);
                t = Math.min(k[2], Math.max(k[1], t));
                t = fc == null ? t : FakeQuant.exact(t, 0.023529412f, 0, 0, 255);
                t = FloatMath.flushSubnormal(x[i] * t);
                t = fm == null ? t : FakeQuant.exact(t, 0.0078125f, 5, -128, 127);
                float want = t / k[3];
                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(y[i]), "x = " + x[i] + ", constants "
                        + java.util.Arrays.toString(k));
            }
        }
    }

    private static float[] fill(Random rnd) {
        float[] a = new float[CHANNELS];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }
}
