package qsh.core.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import qsh.core.tensor.Tensor;

/** The fast kernels against the spec's worked example and, bit for bit, against {@link ReferenceQuantizer}. */
class QuantKernelsTest {
    @Test
    void specQuantizationExample() {
        float[] x = {-1.8f, -1.0f, 0f, 0.5f};
        Encoding e = Encoders.encode(QuantMode.TF, x, 8, EncoderOptions.DEFAULTS, Explanation.NONE);
        int[] q = new int[4];
        QuantKernels.quantize(x, 0, 4, e, Rounding.HALF_EVEN, q, 0);
        assertArrayEquals(new int[] {0, 89, 200, 255}, q);
        float[] back = new float[4];
        QuantKernels.dequantize(q, 0, 4, e, back, 0);
        assertArrayEquals(new float[] {-1.80392f, -1.00118f, 0f, 0.49608f}, back, 1e-4f);
        assertEquals(0.0f, back[2]); // exactly
        float[] fused = new float[4];
        QuantKernels.quantizeDequantize(x, 0, 4, e, Rounding.HALF_EVEN, fused, 0);
        assertArrayEquals(back, fused, 0f);
    }

    /** Exact ties on a power-of-two grid: x/scale is exactly k + 0.5. */
    @ParameterizedTest(name = "x/scale = {0}: half-even {1}, half-away {2}")
    @CsvSource({
        "0.5, 0, 1", "1.5, 2, 2", "2.5, 2, 3", "-0.5, 0, -1", "-1.5, -2, -2", "-2.5, -2, -3", "3.25, 3, 3", "-3.75, -4, -4",
        "200.5, 127, 127", "-300.5, -128, -128",
    })
    void tiesAndSaturation(double v, int halfEven, int halfAway) {
        Encoding e = Encoding.fromScaleAndZeroPoint(8, 0.0625, 128, true);
        float[] x = {(float) (v * 0.0625)};
        int[] q = new int[1];
        QuantKernels.quantize(x, 0, 1, e, Rounding.HALF_EVEN, q, 0);
        assertEquals(halfEven + 128, q[0]);
        QuantKernels.quantize(x, 0, 1, e, Rounding.HALF_AWAY_FROM_ZERO, q, 0);
        assertEquals(halfAway + 128, q[0]);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Rounding.class)
    void bitExactAgainstReferenceOnRandomDataWithTies(Rounding r) {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 60; trial++) {
            int bw = 2 + trial % 15;
            int n = trial == 0 ? (1 << 21) + 3 : 1000 + trial; // the first trial takes the two-thread path
            Encoding e;
            if (trial % 3 == 0) { // power-of-two scale: exact .5 ties are reachable
                e = Encoding.fromScaleAndZeroPoint(bw, Math.scalb(1.0, -(trial % 7)), rnd.nextInt((int) Encoding.qmax(bw) + 1), false);
            } else {
                e = Encoding.fromRange(bw, -rnd.nextDouble() * 5, rnd.nextDouble() * 5 + 1e-3);
            }
            float[] x = new float[n];
            float s = (float) e.scale();
            for (int i = 0; i < n; i++) {
                int kind = rnd.nextInt(4);
                double grid = (rnd.nextInt((int) e.qmax() + 3) - 1 - e.zeroPoint());
                x[i] = kind == 0 ? (float) ((grid + 0.5) * s) : kind == 1 ? (float) (grid * s) : (float) (rnd.nextGaussian() * 3);
            }
            x[0] = Float.NaN;
            x[1] = Float.POSITIVE_INFINITY;
            x[2] = Float.NEGATIVE_INFINITY;
            x[3] = 0f;
            int off = 5;
            int[] q = new int[n + off];
            QuantKernels.quantize(x, 0, n, e, r, q, off);
            float[] back = new float[n + off];
            QuantKernels.dequantize(q, off, n + off, e, back, 0);
            float[] fused = new float[n];
            QuantKernels.quantizeDequantize(x, 0, n, e, r, fused, 0);
            // the same-index fast paths and the shifted-index paths must agree
            int[] qSame = new int[n];
            QuantKernels.quantize(x, 0, n, e, r, qSame, 0);
            assertArrayEquals(java.util.Arrays.copyOfRange(q, off, n + off), qSame);
            float[] backSame = new float[n];
            QuantKernels.dequantize(qSame, 0, n, e, backSame, 0);
            assertArrayEquals(java.util.Arrays.copyOf(back, n), backSame, 0f);
            float[] fusedShifted = new float[n + off];
            QuantKernels.quantizeDequantize(x, 0, n, e, r, fusedShifted, off);
            assertArrayEquals(fused, java.util.Arrays.copyOfRange(fusedShifted, off, n + off), 0f);
            for (int i = 0; i < n; i++) {
                long ref = ReferenceQuantizer.quantize(x[i], e, r);
                if (ref != q[i + off]) {
                    throw new AssertionError("quantize(" + x[i] + ") with " + e + " " + r + ": fast " + q[i + off] + ", reference " + ref);
                }
                float refBack = ReferenceQuantizer.dequantize(ref, e);
                if (Float.floatToIntBits(refBack) != Float.floatToIntBits(back[i]) && !(refBack == 0f && back[i] == 0f)) {
                    throw new AssertionError("dequantize(" + ref + "): fast " + back[i] + ", reference " + refBack);
                }
                float refFused = ReferenceQuantizer.fakeQuantize(x[i], e, r);
                if (Float.floatToIntBits(refFused) != Float.floatToIntBits(fused[i]) && !(refFused == 0f && fused[i] == 0f)) {
                    throw new AssertionError("fake-quant(" + x[i] + "): fused " + fused[i] + ", reference " + refFused);
                }
            }
            assertEquals(e.zeroPoint(), q[off + 3]);
            assertEquals(0f, back[3]);
            assertTrue(Float.isNaN(fused[0]), "fake-quant passes NaN through");
            assertEquals(e.zeroPoint(), q[off], "NaN quantizes to the zero point");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Rounding.class)
    void thirtyTwoBitBiasAgainstReference(Rounding r) {
        Random rnd = new Random(3);
        Encoding e = Encoding.fromScaleAndZeroPoint(32, 1.3e-7, 1L << 31, true);
        float[] x = new float[5000];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 5 == 0 ? (float) ((rnd.nextInt(1 << 20) + 0.5) * 0.25) : (float) (rnd.nextGaussian() * 200);
        }
        Encoding tie = Encoding.fromScaleAndZeroPoint(32, 0.25, 1L << 31, true); // exact ties for i % 5 == 0
        for (Encoding enc : List.of(e, tie)) {
            long[] q = new long[x.length];
            QuantKernels.quantize32(x, 0, x.length, enc, r, q, 0);
            float[] back = new float[x.length];
            QuantKernels.dequantize32(q, 0, x.length, enc, back, 0);
            for (int i = 0; i < x.length; i++) {
                assertEquals(ReferenceQuantizer.quantize(x[i], enc, r), q[i], "x = " + x[i]);
                assertEquals(ReferenceQuantizer.dequantize(q[i], enc), back[i]);
            }
        }
    }

    @Test
    void perChannelUsesEachChannelsEncodingAlongAnyAxis() {
        Random rnd = new Random(5);
        int[] shape = {3, 4, 5};
        float[] data = new float[60];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) rnd.nextGaussian();
        }
        Tensor t = Tensor.of(shape, data);
        int[] strides = t.strides();
        for (int axis = -3; axis < 3; axis++) {
            int ax = t.normalizeAxis(axis);
            List<Encoding> encs = PerChannel.encode(t, axis, Encoders.forMode(QuantMode.SYMMETRIC), 4, EncoderOptions.DEFAULTS, Explanation.NONE);
            assertEquals(shape[ax], encs.size());
            int[] q = QuantKernels.quantizePerChannel(t, axis, encs, Rounding.HALF_EVEN);
            float[] back = QuantKernels.dequantizePerChannel(q, shape, axis, encs);
            float[] fused = QuantKernels.quantizeDequantizePerChannel(t, axis, encs, Rounding.HALF_EVEN);
            for (int i = 0; i < data.length; i++) {
                int c = (i / strides[ax]) % shape[ax];
                Encoding e = encs.get(c);
                assertEquals(ReferenceQuantizer.quantize(data[i], e, Rounding.HALF_EVEN), q[i], "axis " + axis + " index " + i);
                assertEquals(ReferenceQuantizer.dequantize(q[i], e), back[i]);
                assertEquals(back[i], fused[i]);
            }
        }
    }

    @Test
    void refusesBadCalls() {
        Encoding e8 = Encoding.fromRange(8, -1, 1);
        float[] x = new float[4];
        assertThrows(IllegalArgumentException.class, () -> QuantKernels.quantize(x, 0, 5, e8, Rounding.HALF_EVEN, new int[5], 0));
        assertThrows(IllegalArgumentException.class, () -> QuantKernels.quantize(x, 0, 4, e8, Rounding.HALF_EVEN, new int[3], 0));
        assertThrows(IllegalArgumentException.class, () -> QuantKernels.quantize(x, 0, 4, Encoding.fromScaleAndZeroPoint(32, 1, 0, false),
                Rounding.HALF_EVEN, new int[4], 0));
        assertThrows(IllegalArgumentException.class, () -> QuantKernels.quantize(x, 0, 4, Encoding.floatingPoint(16), Rounding.HALF_EVEN, new int[4], 0));
        Tensor t = Tensor.of(new int[] {2, 2}, x);
        assertThrows(IllegalArgumentException.class, () -> QuantKernels.quantizePerChannel(t, 0, List.of(e8), Rounding.HALF_EVEN));
    }

    @Test
    void largeArraysGiveTheSameResultInsideAForkJoinWorker() {
        Random rnd = new Random(12);
        int n = (1 << 21) + 5;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        Encoding e = Encoders.encode(QuantMode.ENHANCED, x, 8, EncoderOptions.DEFAULTS, Explanation.NONE);
        float[] here = new float[n];
        QuantKernels.quantizeDequantize(x, 0, n, e, Rounding.HALF_EVEN, here, 0);
        Object[] there = java.util.concurrent.ForkJoinPool.commonPool().submit(() -> {
            Encoding e2 = Encoders.encode(QuantMode.ENHANCED, x, 8, EncoderOptions.DEFAULTS, Explanation.NONE);
            float[] out = new float[n];
            QuantKernels.quantizeDequantize(x, 0, n, e2, Rounding.HALF_EVEN, out, 0);
            return new Object[] {e2, out};
        }).join();
        assertEquals(e, there[0]);
        assertArrayEquals(here, (float[]) there[1], 0f);
    }
}
