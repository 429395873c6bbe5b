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
        for (int i = 0; i < v.length; i++) {
            assertEquals(Float.floatToRawIntBits(slow.data()[i]), Float.floatToRawIntBits(fast.data()[i]), "element " + i);
        }
    }
}
