package qsh.core.exec.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Epilogue#applyPlanes} (channel-independent stages in one call over all planes) gives the bits of
 * {@link Epilogue#apply} plane by plane, for per-channel stages, per-tensor ones and mixes of the two.
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
        check(name, ep, 25); // small planes: stage by stage
        check(name, ep, 3000); // large ones: plane by plane when there are several stages
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

    private static float[] fill(Random rnd) {
        float[] a = new float[CHANNELS];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }
}
