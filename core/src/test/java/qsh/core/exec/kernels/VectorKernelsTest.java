package qsh.core.exec.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import qsh.core.tensor.Tensor;

/**
 * The Vector API kernels (tiled over packed B, and reading B in place with 8- and 4-row tiles) give the packed
 * kernel's results bit for bit (same fused multiply-adds in the same order from the same start): products from a stored matrix (read in place) and from a transposed one (packed),
 * with row bias, an epilogue, depths beyond one panel, row counts off the 4-row block and column tails;
 * convolutions through the sliced input, its compact rows (small planes) and its wide rows; products and convolutions
 * with few columns and many rows through the channel kernel ({@link ChannelGemm}); and depthwise convolutions (the
 * depthwise kernel).
 */
class VectorKernelsTest {
    @BeforeAll
    static void waitForCompiledKernel() throws InterruptedException {
        // surefire runs with --add-modules jdk.incubator.vector; only a CPU without 8-float vectors skips this
        Assumptions.assumeTrue(VectorSupport.ENABLED, "Vector API kernel not enabled on this JVM/CPU");
        // its speed is the benchmarks' business (bench/), not a test's: on a busy machine the warm-up may
        // measure it below the threshold, and these tests check its results all the same
        WarmUps.awaitAndUse(VectorKernels.WARM_UP);
        VectorDepthwise.compiled(true, true); // the unrolled depthwise kernels too, whatever the warm-up measured
        VectorDepthwiseChannels.compiled(true); // and the channel-vector one
    }

    @AfterEach
    void resume() {
        VectorSupport.suspend(false);
    }

    static Stream<Arguments> shapes() {
        Random rnd = new Random(7);
        Stream.Builder<Arguments> s = Stream.builder();
        int[][] fixed = {{1, 1, 1}, {4, 32, 8}, {5, 49, 3}, {24, 6560, 864}, {7, 300, 600}, {13, 17, 257}, {3, 1030, 40},
            {200, 1, 50}, {50, 1, 200}, {13, 2, 40}, {9, 19, 300},
            // one strip split by rows over both threads, B packed once and shared (TiledGemm.shared)
            {130, 35, 1200}, {517, 25, 600}, {64, 100, 515},
            // a last tile of one or two vectors (VectorNarrowTiles), from C after a first chunk, odd row blocks
            // (and for VectorTile6, from 64 columns: 6-row tiles ending inside a block, a last piece of 1-5 rows at
            // either half of a block)
            {72, 116, 300}, {13, 62, 520}, {30, 209, 100}, {70, 80, 300}, {11, 70, 90}, {69, 64, 8}, {23, 1000, 33},
            // output channels along the lanes (ChannelGemm): partial panels and column groups, depth chunks, few panels
            {96, 8, 128}, {100, 64, 300}, {200, 57, 129}, {1000, 9, 700}, {145, 1, 260}, {97, 63, 513},
            // one column (ChannelGemm.column): one panel, many, a partial one
            {48, 1, 1152}, {1152, 1, 48}, {3, 1, 5}};
        int i = 0;
        for (int[] f : fixed) {
            s.add(Arguments.of(f[0], f[1], f[2], i % 2 == 1, i++));
        }
        for (int r = 0; r < 16; r++) {
            s.add(Arguments.of(1 + rnd.nextInt(40), 1 + rnd.nextInt(1500), 1 + rnd.nextInt(700), rnd.nextBoolean(), i++));
        }
        return s.build();
    }

    @ParameterizedTest(name = "{0}x{1}x{2} transB={3}")
    @MethodSource("shapes")
    void sameBitsAsThePackedKernel(int m, int n, int k, boolean transB, int seed) {
        Random rnd = new Random(seed);
        float[] a = fill(rnd, m * k);
        int ldb = (transB ? k : n) + seed % 3;
        int bOff = seed % 5;
        float[] b = fill(rnd, bOff + (transB ? n : k) * ldb);
        float[] bias = fill(rnd, m + 2);
        Epilogue ep = seed % 2 == 0 ? Epilogue.NONE
                : new Epilogue.Builder().affine(fill(rnd, m + 2), fill(rnd, m + 2)).then(Activation.clip(-1f, 6f));
        PackedA pa = Sgemm.pack(m, k, 1f, a, 0, k, false);
        float[] vec = new float[m * n];
        Sgemm.multiply(pa, n, Sgemm.matrix(b, bOff, ldb, transB), 0f, vec, 0, n, bias, 2, ep);
        float[] tiled = new float[m * n]; // without the channel kernel (ChannelGemm), where it would take the product
        ChannelGemm.use(false);
        ChannelGemm.useColumns(false);
        try {
            Sgemm.multiply(pa, n, Sgemm.matrix(b, bOff, ldb, transB), 0f, tiled, 0, n, bias, 2, ep);
        } finally {
            ChannelGemm.use(true);
            ChannelGemm.useColumns(true);
        }
        float[] four = new float[m * n];
        Sgemm.eightRowTile(false);
        Sgemm.multiply(pa, n, Sgemm.matrix(b, bOff, ldb, transB), 0f, four, 0, n, bias, 2, ep);
        Sgemm.eightRowTile(true);
        java.util.function.Supplier<float[]> product = () -> {
            float[] out = new float[m * n];
            Sgemm.multiply(pa, n, Sgemm.matrix(b, bOff, ldb, transB), 0f, out, 0, n, bias, 2, ep);
            return out;
        };
        boolean wide = VectorTile8.wideRegisters();
        // the other tiled kernel than this machine's default (wide 8-row or 4-row)
        float[] eight = with(() -> TiledGemm.wideTiles(!wide), () -> TiledGemm.wideTiles(wide), product);
        // tiles of NR columns six rows at a time (VectorTile6), and the same tiles four rows at a time
        float[] sixRows = with(() -> TiledGemm.wideTiles(false), () -> TiledGemm.wideTiles(wide), product);
        float[] fourRows = with(() -> {
            TiledGemm.wideTiles(false);
            TiledGemm.sixRowTiles(false);
        }, () -> {
            TiledGemm.sixRowTiles(true);
            TiledGemm.wideTiles(wide);
        }, product);
        // the six-row strips copied per call instead of kept (SixRowStrips: the products above from the second on)
        float[] copied = withCopiedStrips(product);
        float[] inPlace = new float[m * n];
        Sgemm.packedTiles(false);
        try {
            Sgemm.multiply(pa, n, Sgemm.matrix(b, bOff, ldb, transB), 0f, inPlace, 0, n, bias, 2, ep);
            Sgemm.eightRowTile(false);
            Sgemm.multiply(pa, n, Sgemm.matrix(b, bOff, ldb, transB), 0f, four, 0, n, bias, 2, ep);
        } finally {
            Sgemm.eightRowTile(true);
            Sgemm.packedTiles(true);
        }
        for (int i = 0; i < vec.length; i++) {
            assertEquals(Float.floatToIntBits(tiled[i]), Float.floatToIntBits(vec[i]), "element " + i + ": channel kernel");
            assertEquals(Float.floatToIntBits(inPlace[i]), Float.floatToIntBits(vec[i]), "element " + i + ": tiled vs in place");
            assertEquals(Float.floatToIntBits(four[i]), Float.floatToIntBits(vec[i]), "element " + i + ": 4-row vs tiled");
            assertEquals(Float.floatToIntBits(eight[i]), Float.floatToIntBits(vec[i]), "element " + i + ": other tiled kernel");
            assertEquals(Float.floatToIntBits(sixRows[i]), Float.floatToIntBits(vec[i]), "element " + i + ": 6-row tiles");
            assertEquals(Float.floatToIntBits(fourRows[i]), Float.floatToIntBits(vec[i]), "element " + i + ": 4-row tiles");
            assertEquals(Float.floatToIntBits(copied[i]), Float.floatToIntBits(vec[i]), "element " + i + ": strips copied");
        }
        VectorSupport.suspend(true);
        float[] packed = new float[m * n];
        Sgemm.multiply(pa, n, Sgemm.matrix(b, bOff, ldb, transB), 0f, packed, 0, n, bias, 2, ep);
        for (int i = 0; i < vec.length; i++) {
            assertEquals(Float.floatToIntBits(packed[i]), Float.floatToIntBits(vec[i]),
                    "element " + i + ": packed " + packed[i] + ", vector " + vec[i]);
        }
    }

    /**
     * One prepared weight run at several widths (so with several row splits between the threads, each its own kept
     * strips), each twice (the strips made, then read back), gives the bits of the strips copied per call; and the
     * kept strips stop at {@link SixRowStrips#MAX_COPIES} times A.
     */
    @Test
    void keptSixRowStripsGiveTheCopiedStripsBits() {
        Random rnd = new Random(3);
        int m = 150;
        int k = 700;
        float[] a = fill(rnd, m * k);
        float[] bias = fill(rnd, m);
        PackedA pa = Sgemm.pack(m, k, 1f, a, 0, k, false);
        boolean wide = VectorTile8.wideRegisters();
        for (int n : new int[] {64, 100, 515, 1000, 64}) {
            float[] b = fill(rnd, k * n);
            java.util.function.Supplier<float[]> product = () -> {
                float[] out = new float[m * n];
                Sgemm.multiply(pa, n, Sgemm.matrix(b, 0, n, false), 0f, out, 0, n, bias, 0, Epilogue.NONE);
                return out;
            };
            float[] want = withCopiedStrips(product);
            for (int twice = 0; twice < 2; twice++) {
                float[] got = with(() -> TiledGemm.wideTiles(false), () -> TiledGemm.wideTiles(wide), product);
                for (int i = 0; i < want.length; i++) {
                    assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]), "n " + n + " element " + i);
                }
            }
        }
        SixRowStrips kept = new SixRowStrips(100, 600);
        assertEquals(null, kept.get(0, 12, 0));
        float[] first = kept.reserve(150);
        kept.put(0, 12, 0, first);
        assertTrue(kept.get(0, 12, 0) == first);
        assertEquals(null, kept.get(0, 12, 256)); // another depth chunk
        assertEquals(null, kept.get(4, 12, 0)); // another group
        assertTrue(kept.reserve(150) != null);
        assertEquals(null, kept.reserve(1)); // 300 floats kept: three times A
        assertTrue(!kept.reused() && kept.reused() && kept.reused());
    }

    /** The product with 6-row tiles whose strips are copied per call, not kept (the machine's choice restored). */
    private static float[] withCopiedStrips(java.util.function.Supplier<float[]> product) {
        boolean wide = VectorTile8.wideRegisters();
        return with(() -> {
            TiledGemm.wideTiles(false);
            Sgemm.keepSixRowStrips(false);
        }, () -> {
            Sgemm.keepSixRowStrips(true);
            TiledGemm.wideTiles(wide);
        }, product);
    }

    /** The product computed with setUp's kernel choice, restored by tearDown whatever happens. */
    private static float[] with(Runnable setUp, Runnable tearDown, java.util.function.Supplier<float[]> product) {
        setUp.run();
        try {
            return product.get();
        } finally {
            tearDown.run();
        }
    }

    static Stream<Arguments> convs() {
        return Stream.of( // C, H, W, M, kernel, stride, pad, group
                Arguments.of(96, 20, 20, 24, 3, 1, 1, 1),
                Arguments.of(3, 33, 31, 8, 3, 2, 1, 1),
                Arguments.of(16, 12, 40, 40, 1, 1, 0, 1),
                Arguments.of(12, 9, 11, 6, 5, 2, 2, 2),
                Arguments.of(8, 7, 70, 20, 3, 1, 0, 1),
                // small planes: compact im2col rows, one strip split by rows (B shared), chunks of depth
                Arguments.of(300, 5, 5, 90, 3, 1, 1, 1),
                Arguments.of(64, 10, 10, 130, 3, 1, 1, 1),
                Arguments.of(40, 9, 9, 64, 3, 2, 1, 1),
                // a first layer: fewer im2col rows (27) than output channels, so compact rows on a large plane
                Arguments.of(3, 41, 39, 32, 3, 2, 1, 1),
                // small planes with many channels: output channels along the lanes (ChannelGemm)
                Arguments.of(160, 5, 5, 200, 1, 1, 0, 1),
                Arguments.of(64, 7, 7, 100, 3, 1, 1, 1),
                Arguments.of(30, 8, 6, 97, 3, 1, 1, 1),
                // a 1 x 1 plane (squeeze-and-excitation): one column (ChannelGemm.column), partial panels
                Arguments.of(1152, 1, 1, 48, 1, 1, 0, 1),
                Arguments.of(20, 1, 1, 480, 1, 1, 0, 1),
                Arguments.of(7, 1, 1, 50, 1, 1, 0, 1),
                // depthwise (group = C), through the phase-split planes
                Arguments.of(32, 40, 40, 32, 3, 2, 1, 32),
                Arguments.of(48, 20, 20, 48, 5, 2, 2, 48),
                Arguments.of(30, 10, 10, 30, 5, 1, 2, 30),
                Arguments.of(8, 3, 96, 16, 5, 1, 2, 8),
                Arguments.of(5, 61, 47, 5, 3, 1, 1, 5),
                // channels along the lanes (DepthwiseChannels): a partial block, small planes, 3 x 3 and 5 x 5, strides
                Arguments.of(40, 5, 5, 40, 5, 1, 2, 40),
                Arguments.of(35, 10, 10, 35, 3, 2, 1, 35),
                Arguments.of(17, 7, 9, 17, 3, 1, 1, 17),
                Arguments.of(64, 6, 6, 64, 5, 2, 2, 64),
                // 3 x 3 with outputs wider than a vector, which both the rows kernel and the channel layout take
                Arguments.of(24, 12, 12, 24, 3, 1, 1, 24),
                Arguments.of(20, 20, 20, 20, 3, 2, 1, 20));
    }

    @ParameterizedTest(name = "C{0} {1}x{2} -> M{3} k{4} s{5} p{6} g{7}")
    @MethodSource("convs")
    void convolutionsSameBitsAsThePackedKernel(int c, int h, int w, int m, int ks, int stride, int pad, int group) {
        Random rnd = new Random(c * 31 + m);
        Tensor x = Tensor.of(new int[] {1, c, h, w}, fill(rnd, c * h * w));
        Tensor wt = Tensor.of(new int[] {m, c / group, ks, ks}, fill(rnd, m * (c / group) * ks * ks));
        Tensor bias = Tensor.of(new int[] {m}, fill(rnd, m));
        int[] strides = {stride, stride};
        int[] pads = {pad, pad, pad, pad};
        Tensor vec = Conv.conv(x, wt, bias, strides, pads, null, group);
        Tensor inPlace;
        Tensor wide;
        Sgemm.packedTiles(false);
        try {
            inPlace = Conv.conv(x, wt, bias, strides, pads, null, group);
            Sgemm.packedTiles(true);
            Conv.compactRows(false);
            wide = Conv.conv(x, wt, bias, strides, pads, null, group);
        } finally {
            Sgemm.packedTiles(true);
            Conv.compactRows(true);
        }
        Tensor tiled;
        ChannelGemm.use(false);
        ChannelGemm.useColumns(false);
        try {
            tiled = Conv.conv(x, wt, bias, strides, pads, null, group);
        } finally {
            ChannelGemm.use(true);
            ChannelGemm.useColumns(true);
        }
        Tensor general;
        Tensor planes;
        DepthwiseChannels.use(false); // depthwise: one channel at a time (DepthwisePlanes) instead of channel vectors
        try {
            planes = Conv.conv(x, wt, bias, strides, pads, null, group);
            VectorDepthwise.unrolled = false; // and the general tap loop instead of the 9- and 25-tap kernels
            general = Conv.conv(x, wt, bias, strides, pads, null, group);
        } finally {
            VectorDepthwise.unrolled = true;
            DepthwiseChannels.use(true);
        }
        Tensor channelsFirst; // depthwise: the channel layout also where the 3 x 3 rows kernel would take it
        Tensor otherScatter; // and its channels moved the other way (vector gathers and scatters or plane by plane)
        boolean byVectors = VectorDepthwiseChannels.gathersAndScatters;
        Conv.depthwiseRowsFirst(false);
        try {
            channelsFirst = Conv.conv(x, wt, bias, strides, pads, null, group);
            VectorDepthwiseChannels.gathersAndScatters(!byVectors);
            otherScatter = Conv.conv(x, wt, bias, strides, pads, null, group);
        } finally {
            Conv.depthwiseRowsFirst(true);
            VectorDepthwiseChannels.gathersAndScatters(byVectors);
        }
        for (int i = 0; i < vec.size(); i++) {
            assertEquals(Float.floatToIntBits(tiled.data()[i]), Float.floatToIntBits(vec.data()[i]), "channel kernel, " + i);
            assertEquals(Float.floatToIntBits(inPlace.data()[i]), Float.floatToIntBits(vec.data()[i]), "in place, " + i);
            assertEquals(Float.floatToIntBits(wide.data()[i]), Float.floatToIntBits(vec.data()[i]), "wide rows, " + i);
            assertEquals(Float.floatToIntBits(general.data()[i]), Float.floatToIntBits(vec.data()[i]), "general taps, " + i);
            assertEquals(Float.floatToIntBits(planes.data()[i]), Float.floatToIntBits(vec.data()[i]), "depthwise planes, " + i);
            assertEquals(Float.floatToIntBits(channelsFirst.data()[i]), Float.floatToIntBits(vec.data()[i]),
                    "depthwise channel layout first, " + i);
            assertEquals(Float.floatToIntBits(otherScatter.data()[i]), Float.floatToIntBits(vec.data()[i]),
                    "depthwise channel layout, other scatter, " + i);
        }
        VectorSupport.suspend(true);
        Tensor packed = Conv.conv(x, wt, bias, strides, pads, null, group);
        for (int i = 0; i < vec.size(); i++) {
            assertEquals(Float.floatToIntBits(packed.data()[i]), Float.floatToIntBits(vec.data()[i]), "element " + i);
        }
    }

    private static float[] fill(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }
}
