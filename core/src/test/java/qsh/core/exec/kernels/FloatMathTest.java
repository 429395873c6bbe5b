package qsh.core.exec.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import qsh.core.tensor.Tensor;

/**
 * FloatMath's error bounds against Math in double (erf against a double series / continued fraction), over a
 * sweep of the whole float range (every 4099th bit pattern of all 2^32, so every exponent of both signs), dense
 * samples near 0, near 1 and at the saturation points, subnormals, ±0, ±Inf and NaN; and the Vector API kernels
 * (vector lanes and scalar tail) against the scalar functions bit for bit. Softmax and LogSoftmax against double
 * references, along the last axis and a strided one.
 */
class FloatMathTest {
    private interface F {
        float apply(float x);
    }

    private record Fn(String name, F scalar, DoubleUnaryOperator reference, int ulps, int kind) {
    }

    private static final List<Fn> FNS = List.of(
            new Fn("exp", FloatMath::exp, Math::exp, 1, FloatMath.EXP),
            new Fn("sigmoid", FloatMath::sigmoid, FloatMathTest::sigmoid, 2, FloatMath.SIGMOID),
            new Fn("tanh", FloatMath::tanh, Math::tanh, 2, FloatMath.TANH),
            new Fn("erf", FloatMath::erf, FloatMathTest::erf, 2, FloatMath.ERF),
            new Fn("log", FloatMath::log, Math::log, 1, FloatMath.LOG));

    @AfterEach
    void resume() {
        VectorSupport.suspend(false);
    }

    /** 1 / (1 + e^-x) in double, 0 below the smallest normal float (qsh's Sigmoid flushes such results to 0). */
    static double sigmoid(double x) {
        double r = 1 / (1 + Math.exp(-x));
        return r < Float.MIN_NORMAL ? 0 : r;
    }

    /** erf in double: its Taylor series below 3 (terms of at most e^9, so 1e-12 relative), else 1 - erfc by its continued fraction. */
    static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        double r;
        if (ax < 3) {
            double sum = 0;
            double p = ax;
            for (int n = 0; n < 200; n++) {
                double t = p / (2 * n + 1);
                sum += t;
                if (Math.abs(t) <= 1e-18 * Math.abs(sum)) {
                    break;
                }
                p = -p * ax * ax / (n + 1);
            }
            r = sum * 2 / Math.sqrt(Math.PI);
        } else if (ax < 10) {
            double f = 0;
            for (int k = 80; k >= 1; k--) {
                f = (k / 2.0) / (ax + f);
            }
            r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
        } else {
            r = 1;
        }
        return Math.copySign(r, x);
    }

    /** The float bit patterns in order of value, so that ulp distance is a difference. */
    private static long ordered(float f) {
        int b = Float.floatToRawIntBits(f);
        return b >= 0 ? b : (long) Integer.MIN_VALUE - b;
    }

    private static float[] inputs() {
        List<Float> v = new ArrayList<>();
        for (long b = 0; b < 1L << 32; b += 4099) {
            v.add(Float.intBitsToFloat((int) b));
        }
        float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL,
            0x1p-127f, -0x1p-127f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0xffc00001), 1f, -1f, 0.625f, -0.625f, 3.95f,
            88.72283f, 88.72284f, -87.33655f, -87.33654f, 87.33654f, 87.33655f, -103.97208f, -103.2789f, 9.01f, 0.5f, 2f};
        for (float f : special) {
            v.add(f);
        }
        SplittableRandom r = new SplittableRandom(15);
        // dense: near 0, the unit range, and the points where exp, sigmoid, tanh and erf saturate
        double[][] ranges = {{-1e-3, 1e-3}, {-1.5, 1.5}, {-6, 6}, {87, 90}, {-105, -86}, {-20, 20}, {3.5, 4.5},
            {8.5, 9.5}, {0.5, 2}};
        for (double[] range : ranges) {
            for (int i = 0; i < 20_000; i++) {
                v.add((float) (range[0] + (range[1] - range[0]) * r.nextDouble()));
            }
        }
        for (int i = 0; i < 20_000; i++) { // subnormals
            v.add(Float.intBitsToFloat(r.nextInt(1, 0x00800000) | (r.nextBoolean() ? 0x80000000 : 0)));
        }
        float[] a = new float[v.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = v.get(i);
        }
        return a;
    }

    @Test
    void withinTheStatedUlpsOverTheFloatRange() {
        float[] x = inputs();
        for (Fn f : FNS) {
            long worst = 0;
            float at = 0;
            for (float v : x) {
                float got = f.scalar.apply(v);
                float ref = (float) f.reference.applyAsDouble(v);
                if (Float.isNaN(ref) || Float.isNaN(got)) {
                    assertEquals(Float.isNaN(ref), Float.isNaN(got), f.name + "(" + v + ") = " + got + ", expected " + ref);
                    continue;
                }
                long d = Math.abs(ordered(got) - ordered(ref));
                if ((got == 0) != (ref == 0) && Math.max(got, ref) <= Math.nextUp(Math.nextUp(Float.MIN_NORMAL))) {
                    d = 0; // the flush boundary: a value within the bound of the smallest normal on either side
                }
                if (d > worst) {
                    worst = d;
                    at = v;
                }
            }
            assertTrue(worst <= f.ulps, f.name + ": " + worst + " ulp at " + at + " (bound " + f.ulps + ")");
        }
    }

    @Test
    void limitsAndSignedZeros() {
        assertEquals(Float.POSITIVE_INFINITY, FloatMath.exp(Float.POSITIVE_INFINITY));
        assertEquals(0f, FloatMath.exp(Float.NEGATIVE_INFINITY));
        assertEquals(Float.POSITIVE_INFINITY, FloatMath.exp(89f));
        assertEquals(1f, FloatMath.exp(-0f));
        assertEquals(Float.MIN_VALUE, FloatMath.exp(-103.5f)); // the smallest subnormal, rounded once
        assertEquals(1f, FloatMath.sigmoid(Float.POSITIVE_INFINITY));
        assertEquals(0f, FloatMath.sigmoid(Float.NEGATIVE_INFINITY));
        // a result under the smallest normal float is 0 (flushed, as ORT's Sigmoid gives 0 there), in both forms
        assertEquals(0f, FloatMath.sigmoid(-90f));
        assertTrue(FloatMath.sigmoid(-87.33f) >= Float.MIN_NORMAL); // 1.18e-38, just above: kept
        float[] tiny = new float[40];
        java.util.Arrays.fill(tiny, -90f);
        float[] out = new float[40];
        FloatMath.sigmoid(tiny, out, 0, 40);
        for (float o : out) {
            assertEquals(0f, o);
        }
        assertEquals(0.5f, FloatMath.sigmoid(-0f));
        assertEquals(-0f, FloatMath.tanh(-0f));
        assertEquals(-1f, FloatMath.tanh(Float.NEGATIVE_INFINITY));
        assertEquals(-0f, FloatMath.erf(-0f));
        assertEquals(1f, FloatMath.erf(Float.POSITIVE_INFINITY));
        assertEquals(-1f, FloatMath.erf(-4f));
        assertEquals(Float.NEGATIVE_INFINITY, FloatMath.log(0f));
        assertEquals(Float.NEGATIVE_INFINITY, FloatMath.log(-0f));
        assertEquals(Float.POSITIVE_INFINITY, FloatMath.log(Float.POSITIVE_INFINITY));
        assertTrue(Float.isNaN(FloatMath.log(-1f)));
        assertTrue(Float.isNaN(FloatMath.log(Float.NEGATIVE_INFINITY)));
        assertEquals(0f, FloatMath.log(1f));
        for (Fn f : FNS) {
            assertTrue(Float.isNaN(f.scalar.apply(Float.NaN)), f.name + "(NaN)");
        }
        assertEquals(0.8427007929497149, FloatMathTest.erf(1), 1e-15); // the reference itself
        assertEquals(0.9953222650189527, FloatMathTest.erf(2), 1e-15);
        assertEquals(0.9999779095030014, FloatMathTest.erf(3), 1e-15);
    }

    /** Waits for the Vector API kernels' warm-up, then uses them whatever speed it measured. */
    private static boolean vectorKernels() throws InterruptedException {
        if (!VectorSupport.ENABLED) {
            return false;
        }
        WarmUps.awaitAndUse(VectorKernels.WARM_UP, VectorMath.WARM_UP);
        return true;
    }

    @Test
    void vectorKernelsGiveTheScalarBits() throws InterruptedException {
        float[] x = inputs();
        boolean vector = vectorKernels();
        for (int kind = 0; kind < FloatMath.UNARY_KINDS; kind++) {
            float[] scalar = new float[x.length];
            float[] lanes = new float[x.length];
            VectorSupport.suspend(true);
            FloatMath.unaryScalar(kind, x, scalar, 1, x.length, 0.2f, 0.5f);
            VectorSupport.suspend(false);
            assertEquals(vector, FloatMath.vectorReady());
            // from 1 to an odd end: whole vectors and a scalar tail
            if (vector) {
                VectorMath.unary(kind, x, lanes, 1, x.length, 0.2f, 0.5f);
            } else {
                FloatMath.unaryScalar(kind, x, lanes, 1, x.length, 0.2f, 0.5f);
            }
            for (int i = 1; i < x.length; i++) {
                if (Float.floatToIntBits(scalar[i]) != Float.floatToIntBits(lanes[i])) {
                    throw new AssertionError("kind " + kind + " at x = " + x[i] + ": scalar " + scalar[i] + ", vector "
                            + lanes[i]);
                }
            }
        }
        float[] a = new float[x.length];
        float[] b = new float[x.length];
        SplittableRandom r = new SplittableRandom(3);
        float[] row = new float[1001];
        for (int i = 0; i < row.length; i++) {
            row[i] = (float) (r.nextGaussian() * 30);
        }
        row[7] = Float.NEGATIVE_INFINITY;
        VectorSupport.suspend(true);
        float m1 = FloatMath.max(row, 0, row.length);
        FloatMath.expShifted(row, a, 0, row.length, m1);
        VectorSupport.suspend(false);
        float m2 = FloatMath.max(row, 0, row.length);
        FloatMath.expShifted(row, b, 0, row.length, m2);
        assertEquals(m1, m2);
        for (int i = 0; i < row.length; i++) {
            assertEquals(Float.floatToIntBits(a[i]), Float.floatToIntBits(b[i]), "expShifted at " + i);
        }
    }

    @ParameterizedTest(name = "log {0}")
    @ValueSource(booleans = {false, true})
    void softmaxWithinThreeUlpsOfDoubleLogSoftmaxWithin2e7(boolean log) throws InterruptedException {
        vectorKernels();
        SplittableRandom r = new SplittableRandom(4);
        int[] shape = {3, 5, 1037};
        Tensor x = Tensor.zeros(shape);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = (float) (r.nextGaussian() * (i % 3 == 0 ? 40 : 3));
        }
        x.data()[11] = Float.NEGATIVE_INFINITY; // a masked entry: probability 0
        for (int axis : new int[] {2, 1}) {
            Tensor y = log ? Softmax.logSoftmax(x, axis) : Softmax.softmax(x, axis);
            VectorSupport.suspend(true);
            Tensor ys = log ? Softmax.logSoftmax(x, axis) : Softmax.softmax(x, axis);
            VectorSupport.suspend(false);
            int len = shape[axis];
            int inner = axis == 2 ? 1 : shape[2];
            for (int o = 0; o < shape[0] * (axis == 2 ? shape[1] : 1); o++) {
                for (int i = 0; i < inner; i++) {
                    int base = o * len * inner + i;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k < len; k++) {
                        max = Math.max(max, x.data()[base + k * inner]);
                    }
                    double sum = 0;
                    for (int k = 0; k < len; k++) {
                        sum += Math.exp(x.data()[base + k * inner] - max);
                    }
                    for (int k = 0; k < len; k++) {
                        int at = base + k * inner;
                        double z = x.data()[at] - max;
                        float ref = (float) (log ? z - Math.log(sum) : Math.exp(z) / sum);
                        assertEquals(Float.floatToIntBits(ys.data()[at]), Float.floatToIntBits(y.data()[at]), "paths at " + at);
                        long d = Math.abs(ordered(y.data()[at]) - ordered(ref));
                        // LogSoftmax: the sum's float error (1 ulp relative) is an absolute error of ln(sum)
                        boolean ok = log ? d <= 1 || Math.abs(y.data()[at] - ref) <= 0x1p-22 : d <= 3;
                        assertTrue(ok, "axis " + axis + " at " + at + ": " + y.data()[at] + " vs " + ref
                                + " (" + d + " ulp)");
                    }
                }
            }
        }
    }
}
