package qsh.core.exec.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import qsh.core.shape.ConvGeometry;
import qsh.core.tensor.Tensor;

/**
 * The pooling planes ({@link PoolPlanes}) give the bits of a window-at-a-time loop (the kernel's previous form:
 * MaxPool by Math.max over the valid taps from -infinity, AveragePool by a double sum over the valid taps row by
 * row from 0 and one division by the ONNX count), with the Vector API row kernels and without, over odd sizes,
 * kernels 1 to 4, strides 1 to 3, dilations, asymmetric padding and ceil mode; inputs include NaN, +-0 and
 * +-infinity.
 */
class PoolPlanesTest {
    @BeforeAll
    static void waitForVectorKernels() throws InterruptedException {
        if (!VectorSupport.ENABLED) {
            return; // the plain loops are all there is: still checked below
        }
        WarmUps.awaitAndUse(VectorKernels.WARM_UP, VectorRows.WARM_UP);
    }

    @AfterEach
    void resume() {
        VectorSupport.suspend(false);
    }

    /** The window-at-a-time loop (floor or ceil mode as {@link ConvGeometry#outputSize} says). */
    private static float[] reference(float[] x, int planes, int h, int w, int[] k, int[] s, int[] p, int[] d,
                                     boolean ceil, boolean max, boolean includePad, int[] outShape) {
        int[] o = ConvGeometry.outputSize(new int[] {h, w}, k, s, p, d, ceil);
        outShape[0] = o[0];
        outShape[1] = o[1];
        float[] y = new float[planes * o[0] * o[1]];
        for (int pl = 0; pl < planes; pl++) {
            for (int oy = 0; oy < o[0]; oy++) {
                for (int ox = 0; ox < o[1]; ox++) {
                    float best = Float.NEGATIVE_INFINITY;
                    double sum = 0;
                    int taps = 0;
                    for (int ky = 0; ky < k[0]; ky++) {
                        for (int kx = 0; kx < k[1]; kx++) {
                            int iy = oy * s[0] - p[0] + ky * d[0];
                            int ix = ox * s[1] - p[1] + kx * d[1];
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                float v = x[(pl * h + iy) * w + ix];
                                best = Math.max(best, v);
                                sum += v;
                                taps++;
                            }
                        }
                    }
                    int count = taps;
                    if (includePad) { // window clipped to [-pad_begin, in + pad_end)
                        int y0 = oy * s[0] - p[0];
                        int x0 = ox * s[1] - p[1];
                        count = (Math.min(y0 + (k[0] - 1) * d[0] + 1, h + p[2]) - Math.max(y0, -p[0]))
                                * (Math.min(x0 + (k[1] - 1) * d[1] + 1, w + p[3]) - Math.max(x0, -p[1]));
                    }
                    y[(pl * o[0] + oy) * o[1] + ox] = max ? best : count == 0 ? 0f : (float) (sum / count);
                }
            }
        }
        return y;
    }

    private static float[] input(Random rnd, int n, boolean specials) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(7) - 3));
            if (specials) {
                int r = rnd.nextInt(60);
                x[i] = r == 0 ? Float.NaN : r == 1 ? -0f : r == 2 ? 0f : r == 3 ? Float.NEGATIVE_INFINITY
                        : r == 4 ? Float.POSITIVE_INFINITY : x[i];
            }
        }
        return x;
    }

    private record Shape(int h, int w, int[] k, int[] s, int[] p, int[] d, boolean ceil) {
        @Override
        public String toString() {
            return h + "x" + w + " k" + k[0] + "x" + k[1] + " s" + s[0] + "," + s[1] + " p" + p[0] + "," + p[1] + ","
                    + p[2] + "," + p[3] + " d" + d[0] + "," + d[1] + (ceil ? " ceil" : "");
        }
    }

    /** Many geometries: the common ones by hand, the rest drawn at random (pads below the kernel extent). */
    private static List<Shape> shapes() {
        List<Shape> list = new ArrayList<>();
        // 6 x 71: rows of 35 outputs at stride 2, past the whole-plane path (picked by vectors)
        int[][] sizes = {{1, 1}, {2, 3}, {5, 7}, {7, 5}, {11, 13}, {16, 16}, {17, 31}, {9, 40}, {6, 71}};
        for (int[] hw : sizes) {
            for (int k = 2; k <= 3; k++) {
                for (int s = 1; s <= 2; s++) {
                    for (int pad = 0; pad <= 1; pad++) {
                        for (boolean ceil : new boolean[] {false, true}) {
                            if (hw[0] + 2 * pad >= k && hw[1] + 2 * pad >= k) {
                                list.add(new Shape(hw[0], hw[1], new int[] {k, k}, new int[] {s, s},
                                        new int[] {pad, pad, pad, pad}, new int[] {1, 1}, ceil));
                            }
                        }
                    }
                }
            }
        }
        // stride 1 with pads adding up to the kernel less one (the output keeps the input's size), split unevenly
        int[][] same = {{1, 1}, {1, 9}, {2, 3}, {4, 2}, {6, 6}, {7, 7}, {13, 13}, {27, 27}, {9, 40}};
        for (int[] hw : same) {
            for (int kh = 1; kh <= 5; kh++) {
                int kw = 1 + (kh + hw[1]) % 5;
                int pt = hw[0] % kh;
                int pl = (kw - 1) / 2 + hw[1] % 2 * ((kw - 1) % 2);
                list.add(new Shape(hw[0], hw[1], new int[] {kh, kw}, new int[] {1, 1},
                        new int[] {pt, pl, kh - 1 - pt, kw - 1 - pl}, new int[] {1, 1}, false));
            }
        }
        Random rnd = new Random(11);
        while (list.size() < 300) {
            int[] k = {1 + rnd.nextInt(4), 1 + rnd.nextInt(4)};
            int[] d = rnd.nextInt(3) == 0 ? new int[] {1 + rnd.nextInt(2), 1 + rnd.nextInt(2)} : new int[] {1, 1};
            int[] s = {1 + rnd.nextInt(3), 1 + rnd.nextInt(3)};
            int[] p = new int[4];
            for (int i = 0; i < 4; i++) {
                p[i] = rnd.nextInt(((k[i % 2] - 1) * d[i % 2] + 1));
            }
            int h = 1 + rnd.nextInt(20);
            int w = 1 + rnd.nextInt(45);
            if (h + p[0] + p[2] >= (k[0] - 1) * d[0] + 1 && w + p[1] + p[3] >= (k[1] - 1) * d[1] + 1) {
                list.add(new Shape(h, w, k, s, p, d, rnd.nextBoolean()));
            }
        }
        return list;
    }

    private static void check(boolean vector) {
        VectorSupport.suspend(!vector);
        Random rnd = new Random(5);
        int checked = 0;
        for (Shape sh : shapes()) {
            int planes = 1 + rnd.nextInt(3);
            float[] x = input(rnd, planes * sh.h * sh.w, checked % 3 == 0);
            Tensor t = Tensor.of(new int[] {1, planes, sh.h, sh.w}, x);
            int[] o = new int[2];
            float[] want = reference(x, planes, sh.h, sh.w, sh.k, sh.s, sh.p, sh.d, sh.ceil, true, false, o);
            Tensor got = Pool.maxPool(t, sh.k, sh.s, sh.p, sh.d, sh.ceil);
            assertArrayEquals(new int[] {1, planes, o[0], o[1]}, got.shape(), "MaxPool " + sh);
            assertBits(want, got.data(), "MaxPool " + sh);
            if (sh.d[0] == 1 && sh.d[1] == 1) { // AveragePool has no dilations here
                for (boolean includePad : new boolean[] {false, true}) {
                    want = reference(x, planes, sh.h, sh.w, sh.k, sh.s, sh.p, sh.d, sh.ceil, false, includePad, o);
                    got = Pool.averagePool(t, sh.k, sh.s, sh.p, includePad, sh.ceil);
                    assertBits(want, got.data(), "AveragePool count_include_pad=" + includePad + " " + sh);
                }
            }
            checked++;
        }
        assertTrue(checked >= 300);
    }

    private static void assertBits(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            // floatToIntBits: one NaN (which NaN wins may differ with the order), +0 and -0 apart
            assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]),
                    what + " at " + i + ": want " + want[i] + " got " + got[i]);
        }
    }

    @Test
    void planesMatchTheWindowLoopWithVectors() {
        check(true);
    }

    @Test
    void planesMatchTheWindowLoopWithPlainLoops() {
        check(false);
    }

    /** The same shapes without the size-keeping path ({@link PoolPlanes#samePlanes}): the row and padded-plane paths. */
    @Test
    void planesMatchTheWindowLoopWithoutTheSizeKeepingPath() {
        PoolPlanes.samePlanes(false);
        try {
            check(true);
        } finally {
            PoolPlanes.samePlanes(true);
        }
    }

    @Test
    void largePlanesSplitBetweenCores() {
        Random rnd = new Random(3);
        int[] k = {3, 3};
        int[] s = {2, 2};
        int[] p = {1, 1, 1, 1};
        int[] d = {1, 1};
        float[] x = input(rnd, 64 * 57 * 61, true);
        Tensor t = Tensor.of(new int[] {2, 32, 57, 61}, x);
        int[] o = new int[2];
        assertBits(reference(x, 64, 57, 61, k, s, p, d, true, true, false, o),
                Pool.maxPool(t, k, s, p, d, true).data(), "MaxPool 2x32x57x61");
        assertBits(reference(x, 64, 57, 61, k, s, p, d, true, false, true, o),
                Pool.averagePool(t, k, s, p, true, true).data(), "AveragePool 2x32x57x61");
    }

    /**
     * AveragePool adds each window's taps in the window loop's order: with +-1e20 among small values the double sums
     * cancel differently in another order (1e20 + 1 - 1e20 is 0, 1e20 - 1e20 + 1 is 1), so any other order fails here.
     */
    @Test
    void averagePoolKeepsTheWindowLoopsOrderOfAdditions() {
        Random rnd = new Random(11);
        float[] values = {1e20f, -1e20f, 1f, -3f, 0.5f};
        int[] k = {3, 3};
        int[] s = {1, 1};
        int[] d = {1, 1};
        for (int[] hw : new int[][] {{7, 7}, {14, 14}, {5, 23}, {28, 28}}) {
            float[] x = new float[3 * hw[0] * hw[1]];
            for (int i = 0; i < x.length; i++) {
                x[i] = values[rnd.nextInt(values.length)];
            }
            Tensor t = Tensor.of(new int[] {1, 3, hw[0], hw[1]}, x);
            for (int[] p : new int[][] {{1, 1, 1, 1}, {0, 0, 0, 0}, {1, 0, 0, 1}}) {
                for (boolean includePad : new boolean[] {false, true}) {
                    int[] o = new int[2];
                    assertBits(reference(x, 3, hw[0], hw[1], k, s, p, d, false, false, includePad, o),
                            Pool.averagePool(t, k, s, p, includePad, false).data(),
                            "AveragePool " + hw[0] + "x" + hw[1] + " pads " + java.util.Arrays.toString(p) + " include " + includePad);
                }
            }
        }
    }
}
