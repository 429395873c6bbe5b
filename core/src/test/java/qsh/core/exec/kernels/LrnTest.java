package qsh.core.exec.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import qsh.core.tensor.Tensor;

/**
 * LRN at beta 0.75 without Math.pow ({@link Lrn#threeQuarters}) gives the general path's bits: over millions of
 * quotients across magnitudes, at float rounding boundaries, for zeros, infinities, NaN and non-positive bases, and
 * for whole tensors. (Its fallback near a float rounding boundary guards quotients within 64 ulp of a float midpoint,
 * about 1 in 4 million, and decides only where the two quotients straddle it: sampling does not reach such a case,
 * so the fallback rests on the error bound in threeQuarters' javadoc; removing it leaves these tests green.)
 */
class LrnTest {
    private static float general(float x, double d) {
        return (float) (x / Math.pow(d, 0.75));
    }

    @Test
    void threeQuartersIsTheGeneralPathsBits() {
        Random rnd = new Random(5);
        for (int i = 0; i < 3_000_000; i++) {
            float x = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(60) - 30));
            double d = Math.pow(10, rnd.nextDouble() * 40 - 20);
            if (i % 3 == 0) {
                d = 1 + rnd.nextDouble() * 1e-3; // LRN's usual base: bias 1 plus a small sum
            }
            assertEquals(Float.floatToRawIntBits(general(x, d)), Float.floatToRawIntBits(Lrn.threeQuarters(x, d)),
                    "x = " + x + ", d = " + d);
        }
    }

    @Test
    void boundariesAndSpecialValues() {
        Random rnd = new Random(6);
        // quotients on and next to float rounding boundaries: x chosen so that x / d^0.75 is a float midpoint
        for (int i = 0; i < 200_000; i++) {
            double d = 1 + rnd.nextDouble();
            float f = (float) (rnd.nextGaussian() * 10);
            double mid = (f + (double) Math.nextUp(f)) / 2;
            float x = (float) (mid * Math.pow(d, 0.75));
            for (float xx : new float[] {x, Math.nextUp(x), Math.nextDown(x)}) {
                assertEquals(Float.floatToRawIntBits(general(xx, d)), Float.floatToRawIntBits(Lrn.threeQuarters(xx, d)),
                        "x = " + xx + ", d = " + d);
            }
        }
        float[] xs = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
            -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 1e-38f, 3f};
        double[] ds = {0, -0.0, -1, 1e-320, 1e-300, 1, 1e300, Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NaN};
        for (float x : xs) {
            for (double d : ds) {
                assertEquals(Float.floatToRawIntBits(general(x, d)), Float.floatToRawIntBits(Lrn.threeQuarters(x, d)),
                        "x = " + x + ", d = " + d);
            }
        }
    }

    @Test
    void wholeTensorsAreTheSameBitsEitherWay() {
        Random rnd = new Random(7);
        float[] v = new float[2 * 16 * 7 * 5];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextGaussian() * 30);
        }
        Tensor x = Tensor.of(new int[] {2, 16, 7, 5}, v);
        Tensor fast = Lrn.lrn(x, 5, 1e-4f, 0.75f, 1f);
        Lrn.fastPower(false);
        Tensor slow;
        try {
            slow = Lrn.lrn(x, 5, 1e-4f, 0.75f, 1f);
        } finally {
            Lrn.fastPower(true);
        }
        float[] want = windowLoop(v, 2, 16, 35, 5, 1e-4f, 0.75f, 1f);
        for (int i = 0; i < v.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(slow.data()[i]), "element " + i);
            assertEquals(Float.floatToRawIntBits(slow.data()[i]), Float.floatToRawIntBits(fast.data()[i]), "element " + i);
        }
    }

    /** The element-at-a-time loop (the kernel's order: squares of the window's channels in double from 0, then pow). */
    private static float[] windowLoop(float[] x, int n, int c, int plane, int size, float alpha, float beta, float bias) {
        float[] y = new float[x.length];
        int before = (size - 1) / 2;
        int after = size - 1 - before;
        double k = (double) alpha / size;
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int s = 0; s < plane; s++) {
                    double sum = 0;
                    for (int q = Math.max(0, ch - before); q <= Math.min(c - 1, ch + after); q++) {
                        double v = x[(b * c + q) * plane + s];
                        sum += v * v;
                    }
                    int i = (b * c + ch) * plane + s;
                    y[i] = (float) (x[i] / Math.pow(bias + k * sum, beta));
                }
            }
        }
        return y;
    }
}
