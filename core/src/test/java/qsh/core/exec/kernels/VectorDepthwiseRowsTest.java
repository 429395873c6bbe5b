package qsh.core.exec.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import qsh.core.shape.ConvGeometry;
import qsh.core.tensor.Tensor;

/**
 * The depthwise 3 x 3 kernel that reads the planes in place ({@link VectorDepthwiseRows}) gives the padded-layout
 * kernel's results ({@link DepthwisePlanes}) bit for bit: both strides, every top / left / bottom / right pad it takes,
 * rows one vector wide (one block), a few vectors (edge blocks only) and many (middle blocks), odd and even heights,
 * two images, with and without a bias, with a fused activation; inputs with signed zeros, infinities and NaN, where a
 * changed summation order or a dropped padding tap would show, and infinite weights (a padding tap's 0 * Inf is
 * NaN); NaNs are compared as NaN (their payload is not specified).
 */
class VectorDepthwiseRowsTest {
    private static final int L = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();

    @BeforeAll
    static void waitForCompiledKernel() throws InterruptedException {
        Assumptions.assumeTrue(VectorSupport.ENABLED, "Vector API kernel not enabled on this JVM/CPU");
        WarmUps.awaitAndUse(VectorKernels.WARM_UP, VectorDepthwiseRows.WARM_UP); // checked whatever their speed
        VectorDepthwise.compiled(true, true);
    }

    @AfterEach
    void restore() {
        VectorDepthwiseRows.use(true);
        DepthwiseChannels.use(true);
    }

    static Stream<Arguments> geometries() {
        Stream.Builder<Arguments> s = Stream.builder();
        // n, c, h, w, stride, pads {top, left, bottom, right}
        int[][] fixed = {
            {1, 3, 2, L + 1, 1, 1, 1, 1, 1}, {1, 2, 5, L + 2, 1, 1, 1, 1, 1}, {2, 3, 7, 2 * L - 1, 1, 1, 1, 1, 1},
            {1, 2, 9, 2 * L, 1, 1, 1, 1, 1}, {1, 2, 6, 3 * L + 5, 1, 1, 1, 1, 1}, {2, 5, 11, 7 * L + 3, 1, 1, 1, 1, 1},
            {1, 3, 2 * L + 2, 2 * L + 2, 2, 1, 1, 1, 1}, {1, 2, 2 * L + 4, 2 * L + 6, 2, 1, 1, 1, 1},
            {2, 3, 10, 4 * L + 2, 2, 1, 1, 1, 1}, {1, 2, 8, 8 * L + 1, 2, 0, 0, 0, 0},
            {1, 2, 9, 8 * L + 1, 2, 0, 0, 0, 0},
            {1, 2, 10, 6 * L + 3, 2, 1, 0, 0, 1}, {1, 2, 7, 6 * L, 2, 0, 1, 1, 0}, {1, 1, 3, 2 * L + 2, 2, 0, 1, 0, 1},
            {2, 4, 24, 14 * L, 2, 1, 1, 1, 1}, {1, 3, 4, 14 * L + 1, 2, 1, 1, 0, 0}};
        int i = 0;
        for (int[] f : fixed) {
            s.add(Arguments.of(f[0], f[1], f[2], f[3], f[4], new int[] {f[5], f[6], f[7], f[8]}, i++));
        }
        return s.build();
    }

    @ParameterizedTest(name = "n{0} c{1} {2}x{3} s{4} pads {5}")
    @MethodSource("geometries")
    void sameBitsAsThePaddedLayout(int n, int c, int h, int w, int stride, int[] pads, int seed) {
        Random rnd = new Random(seed);
        float[] xd = new float[n * c * h * w];
        for (int i = 0; i < xd.length; i++) {
            int k = rnd.nextInt(40);
            // signed zeros, infinities and NaN among Gaussians: a changed order or a dropped zero tap shows in them
            xd[i] = k == 0 ? 0f : k == 1 ? -0f : k == 2 ? Float.POSITIVE_INFINITY : k == 3 ? Float.NEGATIVE_INFINITY
                    : k == 4 && seed % 3 == 0 ? Float.NaN : (float) rnd.nextGaussian();
        }
        float[] wd = new float[c * 9];
        for (int i = 0; i < wd.length; i++) {
            wd[i] = i % 7 == 0 ? -0f : (float) rnd.nextGaussian();
        }
        if (seed % 2 == 1) {
            // infinite weights in the bottom row of channel 0's kernel and the top row of the last channel's: a
            // padding tap then adds 0 * Inf = NaN, so a padding row or column left out shows
            wd[6 + seed % 3] = seed % 4 == 1 ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
            wd[(c - 1) * 9 + seed % 3] = Float.POSITIVE_INFINITY;
        }
        Tensor x = Tensor.of(new int[] {n, c, h, w}, xd);
        Tensor wt = Tensor.of(new int[] {c, 1, 3, 3}, wd);
        Tensor bias = seed % 2 == 0 ? null : Tensor.of(new int[] {c}, fill(rnd, c));
        int[] strides = {stride, stride};
        int[] o = ConvGeometry.outputSize(new int[] {h, w}, new int[] {3, 3}, strides, pads, new int[] {1, 1}, false);
        assertTrue(VectorDepthwiseRows.suits(1, h, w, 3, 3, stride, stride, pads[0], pads[1], pads[2], pads[3], 1, 1,
                o[0], o[1]), "the geometry takes the kernel under test");
        for (Activation act : new Activation[] {Activation.NONE, Activation.clip(-1f, 6f)}) {
            Conv.Prepared p = Conv.prepare(wt, bias, c, new Epilogue.Builder().then(act));
            DepthwiseChannels.use(false);
            Tensor rows = Conv.run(p, x, strides, pads, null);
            VectorDepthwiseRows.use(false);
            Tensor planes = Conv.run(p, x, strides, pads, null);
            VectorDepthwiseRows.use(true);
            assertEquals(planes.shapeString(), rows.shapeString());
            for (int i = 0; i < planes.size(); i++) {
                // floatToIntBits: NaN payloads and signs are not specified (C2 may swap a commutative add's operands,
                // and x86 returns the first NaN operand); signed zeros and infinities are compared bit for bit
                assertEquals(Float.floatToIntBits(planes.data()[i]), Float.floatToIntBits(rows.data()[i]),
                        act + ", element " + i + " of " + rows.shapeString() + ": " + planes.data()[i] + " vs "
                                + rows.data()[i]);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void windowsReadingTheBottomOrRightPaddingAtStride2GoElsewhere() {
        // TF-style "same" pads on even sizes (bottom and right 1): the last window reads the padding
        assertFalse(VectorDepthwiseRows.suits(1, 8, 4 * L, 3, 3, 2, 2, 0, 0, 1, 1, 1, 1, 4, 2 * L));
        // an odd size with pads of 1: the last row's window reads the bottom padding
        assertFalse(VectorDepthwiseRows.suits(1, 2 * L + 1, 2 * L, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, L + 1, L));
        assertTrue(VectorDepthwiseRows.suits(1, 2 * L + 2, 2 * L + 2, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, L + 1, L + 1));
        // too narrow (stride 1: one vector; stride 2: one vector of outputs), dilated, 5 x 5, a channel multiplier,
        // stride 1 without pads of 1
        assertFalse(VectorDepthwiseRows.suits(1, 8, L, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 8, L));
        assertFalse(VectorDepthwiseRows.suits(1, 2 * L, 2 * L, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, L, L));
        assertFalse(VectorDepthwiseRows.suits(1, 8, 2 * L, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 8, 2 * L));
        assertFalse(VectorDepthwiseRows.suits(1, 8, 2 * L, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 8, 2 * L));
        assertFalse(VectorDepthwiseRows.suits(2, 8, 2 * L, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 8, 2 * L));
        assertFalse(VectorDepthwiseRows.suits(1, 8, 2 * L, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 6, 2 * L - 2));
    }

    private static float[] fill(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }
}
