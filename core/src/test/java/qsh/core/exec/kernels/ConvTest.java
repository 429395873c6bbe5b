package qsh.core.exec.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.core.shape.ConvGeometry;
import qsh.core.tensor.Tensor;

class ConvTest {
    @ParameterizedTest(name = "N{0} C{1} {2}x{3} M{4} k{5}x{6} s{7},{8} p{9},{10},{11},{12} d{13},{14} g{15}")
    @CsvSource({
        // n, c, h, w, m, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, group
        "1, 3, 7, 9, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1",
        "2, 4, 8, 8, 6, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1",
        "1, 5, 11, 6, 3, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1",
        "2, 8, 9, 10, 8, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 2",
        "1, 4, 10, 10, 6, 3, 2, 1, 3, 2, 0, 1, 3, 2, 2, 2",
        "1, 6, 12, 13, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 6",
        "2, 6, 12, 13, 6, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 6",
        "1, 4, 9, 7, 8, 5, 5, 2, 1, 2, 2, 2, 2, 1, 2, 4",
        "1, 3, 10, 10, 6, 3, 3, 1, 1, 0, 2, 3, 0, 3, 1, 3",
        "1, 64, 20, 20, 96, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1",
    })
    void matchesDoubleReference(int n, int c, int h, int w, int m, int kh, int kw, int sh, int sw,
                                int pt, int pl, int pb, int pr, int dh, int dw, int group) {
        Random rnd = new Random(n * 31 + c * 7 + h + m);
        Tensor x = Reference.random(rnd, n, c, h, w);
        Tensor wt = Reference.random(rnd, m, c / group, kh, kw);
        Tensor b = Reference.random(rnd, m);
        int[] s = {sh, sw};
        int[] p = {pt, pl, pb, pr};
        int[] d = {dh, dw};
        Tensor want = Reference.conv2d(x, wt, b, s, p, d, group);
        float[] xCopy = x.data().clone();
        double atol = 1e-7 * (c / group) * kh * kw;
        Reference.assertClose(want, Conv.conv(x, wt, b, s, p, d, group), 1e-5, atol);
        Reference.assertClose(Reference.conv2d(x, wt, null, s, p, d, group), Conv.conv(x, wt, null, s, p, d, group),
                1e-5, atol);
        assertArrayEquals(xCopy, x.data(), "input untouched");
    }

    /**
     * Random geometries (strides up to 3, dilations, asymmetric pads, groups, kernels wider than the stride and
     * narrower) against the double reference: exercises the phase-split slice layout's garbage columns and tails.
     */
    @Test
    void randomGeometriesMatchDoubleReference() {
        Random rnd = new Random(11);
        for (int t = 0; t < 200; t++) {
            int group = rnd.nextInt(4) == 0 ? 2 : 1;
            int c = group * (1 + rnd.nextInt(3));
            int m = group * (1 + rnd.nextInt(3));
            int kh = 1 + rnd.nextInt(4);
            int kw = 1 + rnd.nextInt(4);
            int[] s = {1 + rnd.nextInt(3), 1 + rnd.nextInt(3)};
            int[] d = {1 + rnd.nextInt(2), 1 + rnd.nextInt(2)};
            int[] p = {rnd.nextInt(3), rnd.nextInt(3), rnd.nextInt(3), rnd.nextInt(3)};
            int h = (kh - 1) * d[0] + 1 + rnd.nextInt(9);
            int w = (kw - 1) * d[1] + 1 + rnd.nextInt(9);
            Tensor x = Reference.random(rnd, 1 + rnd.nextInt(2), c, h, w);
            Tensor wt = Reference.random(rnd, m, c / group, kh, kw);
            Tensor b = rnd.nextBoolean() ? Reference.random(rnd, m) : null;
            Tensor want = Reference.conv2d(x, wt, b, s, p, d, group);
            Reference.assertClose(want, Conv.conv(x, wt, b, s, p, d, group), 1e-5, 1e-6 * c * kh * kw);
        }
    }

    /** The two depthwise kernels (rows for very wide outputs, planes otherwise) agree, and match the reference. */
    @Test
    void depthwiseKernelsAgree() {
        Random rnd = new Random(17);
        for (int t = 0; t < 100; t++) {
            int c = 1 + rnd.nextInt(4);
            int mult = 1 + rnd.nextInt(2);
            int kh = 1 + rnd.nextInt(5);
            int kw = 1 + rnd.nextInt(5);
            int sh = 1 + rnd.nextInt(3);
            int sw = 1 + rnd.nextInt(3);
            int dh = 1 + rnd.nextInt(2);
            int dw = 1 + rnd.nextInt(2);
            int[] p = {rnd.nextInt(3), rnd.nextInt(3), rnd.nextInt(3), rnd.nextInt(3)};
            int h = (kh - 1) * dh + 1 + rnd.nextInt(12);
            int w = (kw - 1) * dw + 1 + rnd.nextInt(12);
            int n = 1 + rnd.nextInt(2);
            Tensor x = Reference.random(rnd, n, c, h, w);
            Tensor wt = Reference.random(rnd, c * mult, 1, kh, kw);
            Tensor b = Reference.random(rnd, c * mult);
            int[] o = ConvGeometry.outputSize(new int[] {h, w}, new int[] {kh, kw}, new int[] {sh, sw}, p,
                    new int[] {dh, dw}, false);
            float[] rows = new float[n * c * mult * o[0] * o[1]];
            float[] planes = new float[rows.length];
            Depthwise.run(x.data(), wt.data(), b.data(), Epilogue.NONE, rows, n, c, h, w, mult, kh, kw, o[0], o[1], sh, sw,
                    p[0], p[1], dh, dw);
            DepthwisePlanes.run(x.data(), wt.data(), b.data(), Epilogue.NONE, planes, n, c, h, w, mult, kh, kw, o[0], o[1],
                    sh, sw, p[0], p[1], dh, dw);
            for (int i = 0; i < rows.length; i++) {
                assertTrue(rows[i] == planes[i], "case " + t + " element " + i + ": " + rows[i] + " vs " + planes[i]);
            }
            Tensor want = Reference.conv2d(x, wt, b, new int[] {sh, sw}, p, new int[] {dh, dw}, c);
            Reference.assertClose(want, Tensor.of(want.shape(), planes), 1e-5, 1e-6 * kh * kw);
        }
    }

    /** A prepared Conv with an epilogue equals the Conv followed by the same ops, bit for bit. */
    @ParameterizedTest(name = "group {0}")
    @CsvSource({"1", "4"})
    void epilogueEqualsSeparateOps(int group) {
        Random rnd = new Random(3);
        Tensor x = Reference.random(rnd, 1, 4, 9, 11);
        Tensor wt = Reference.random(rnd, 8, 4 / group, 3, 3);
        Tensor b = Reference.random(rnd, 8);
        int[] one = {1, 1};
        int[] pads = {1, 1, 1, 1};
        Tensor plain = Conv.conv(x, wt, b, one, pads, one, group);
        for (Activation act : new Activation[] {Activation.RELU_ACT, Activation.clip(-0.5f, 0.5f),
            Activation.hardSigmoid(0.2f, 0.5f), Activation.hardSwishChain(3f, 0f, 6f, 6f)}) {
            float[] mul = Reference.random(rnd, 8).data();
            float[] add = Reference.random(rnd, 8).data();
            float[] want = plain.data().clone();
            int plane = want.length / 8;
            for (int c = 0; c < 8; c++) {
                for (int i = c * plane; i < (c + 1) * plane; i++) {
                    want[i] = want[i] * mul[c] + add[c];
                    want[i] = want[i] + add[7 - c];
                }
                act.apply(want, c * plane, (c + 1) * plane);
            }
            float[] add2 = new float[8];
            for (int c = 0; c < 8; c++) {
                add2[c] = add[7 - c];
            }
            Epilogue ep = new Epilogue.Builder().affine(mul, add).add(add2).then(act);
            Tensor got = Conv.run(Conv.prepare(wt, b, group, ep), x, one, pads, one);
            assertArrayEquals(want, got.data(), act.toString());
        }
    }

    @Test
    void oneDimensionalMatchesHeightOneTwoD() {
        Random rnd = new Random(5);
        Tensor x = Reference.random(rnd, 2, 4, 17);
        Tensor w = Reference.random(rnd, 6, 2, 3);
        Tensor want = Reference.conv2d(x.reshape(2, 4, 1, 17), w.reshape(6, 2, 1, 3), null,
                new int[] {1, 2}, new int[] {0, 2, 0, 1}, new int[] {1, 2}, 2);
        Tensor got = Conv.conv(x, w, null, new int[] {2}, new int[] {2, 1}, new int[] {2}, 2);
        Reference.assertClose(want.reshape(2, 6, want.dim(3)), got, 1e-5);
    }

    @Test
    void badGroupIsRefusedWithShapes() {
        Tensor x = Tensor.zeros(1, 3, 4, 4);
        Tensor w = Tensor.zeros(4, 3, 1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Conv.conv(x, w, null, null, null, null, 2));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("group 2"), e.getMessage());
    }

    @ParameterizedTest(name = "{0} in{1} k{2} s{3} -> pads {4},{5}")
    @CsvSource({
        "SAME_UPPER, 7, 3, 2, 1, 1",
        "SAME_UPPER, 8, 3, 2, 0, 1",
        "SAME_LOWER, 8, 3, 2, 1, 0",
        "SAME_UPPER, 5, 4, 1, 1, 2",
        "SAME_LOWER, 5, 4, 1, 2, 1",
        "VALID, 5, 3, 1, 0, 0",
    })
    void autoPad(String mode, int in, int k, int s, int begin, int end) {
        assertArrayEquals(new int[] {begin, end}, ConvGeometry.resolvePads(mode, new int[] {in}, new int[] {k},
                new int[] {s}, null, null));
    }
}
