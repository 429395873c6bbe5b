package qsh.core.calib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.core.quant.EncoderOptions;
import qsh.core.quant.Encoding;
import qsh.core.quant.Explanation;
import qsh.core.tensor.Tensor;

class ObserversTest {
    @Test
    void rangeObserverMergesBatchesAndEncodesLikeTheSpecExample() {
        RangeObserver r = new RangeObserver("act");
        r.observe(Tensor.vector(-1.0f, 0.5f));
        r.observe(Tensor.vector(-1.8f, 0f));
        r.observe(new float[0], 0, 0);
        assertEquals(-1.8f, r.min());
        assertEquals(0.5f, r.max());
        assertEquals(4, r.count());
        assertEquals(2, r.batches());
        // spec worked example [-1.8, -1.0, 0, 0.5] at 8 bits: zero point 200
        Encoding e = r.tfEncoding(8, EncoderOptions.DEFAULTS, Explanation.NONE);
        assertEquals(200, e.zeroPoint());
        RangeObserver other = new RangeObserver("act");
        other.observe(Tensor.vector(3f));
        r.merge(other);
        assertEquals(3f, r.max());
        assertEquals(5, r.count());
    }

    @Test
    void nonFiniteNamesTensorAndInput() {
        RangeObserver r = new RangeObserver("conv1_out");
        r.observe(Tensor.vector(1f));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> r.observe(Tensor.vector(0f, Float.NaN)));
        assertTrue(e.getMessage().startsWith("tensor 'conv1_out', calibration input 2: value at index 1 is NaN"),
                e.getMessage());
        assertThrows(IllegalStateException.class, () -> new RangeObserver("x").tfEncoding(8, EncoderOptions.DEFAULTS,
                Explanation.NONE));
    }

    /** Values on a dyadic lattice (multiples of 1/64) with dyadic grids: widening must be exactly lossless. */
    @Test
    void widenedHistogramEqualsDirectBinningOnFinalGrid() {
        HistogramObserver h = new HistogramObserver("t", 64);
        Random rnd = new Random(7);
        float[][] batches = new float[40][];
        for (int b = 0; b < batches.length; b++) {
            double spread = Math.pow(1.25, b); // the range keeps widening, on both sides
            batches[b] = new float[257];
            for (int i = 0; i < batches[b].length; i++) {
                batches[b][i] = (float) (Math.rint((rnd.nextDouble() * 2 - 0.8) * spread * 64) / 64);
            }
            batches[b][0] = (float) (-Math.rint(0.8 * spread * 64) / 64); // hit the extremes
            batches[b][1] = (float) (Math.rint(1.2 * spread * 64) / 64);
            h.observe(batches[b], 0, batches[b].length);
        }
        assertEquals(64, h.bins());
        double[] direct = new double[64];
        for (float[] batch : batches) {
            for (float v : batch) {
                int k = (int) Math.floor((v - h.lowerEdge()) / h.binWidth());
                direct[Math.max(0, Math.min(63, k))]++;
            }
        }
        double total = 0;
        for (int i = 0; i < 64; i++) {
            assertEquals(direct[i], h.count(i), "bin " + i);
            total += h.count(i);
        }
        assertEquals(40 * 257, total);
        assertEquals(40L * 257, h.range().count());
        assertTrue(h.lowerEdge() <= h.range().min() && h.upperEdge() >= h.range().max());
    }

    /** Memory does not depend on the number of batches: the bin array never grows; mass is conserved. */
    @Test
    void thousandBatchesKeepTheBinCount() {
        HistogramObserver h = new HistogramObserver("t", 512);
        Random rnd = new Random(1);
        float[] batch = new float[784];
        for (int b = 0; b < 1000; b++) {
            for (int i = 0; i < batch.length; i++) {
                batch[i] = (float) (rnd.nextGaussian() * (1 + b / 100.0));
            }
            h.observe(batch, 0, batch.length);
        }
        assertEquals(512, h.counts().length);
        double total = 0;
        for (double c : h.counts()) {
            total += c;
        }
        assertEquals(784_000.0, total);
    }

    @ParameterizedTest(name = "q={0}")
    @CsvSource({"0.5, 0.5", "0.1, 0.1", "0.9999, 0.9999", "0, 0", "1, 1"})
    void quantileOfUniformData(double fraction, double expected) {
        HistogramObserver h = new HistogramObserver("u", 1000);
        float[] data = new float[100_001];
        for (int i = 0; i < data.length; i++) {
            data[i] = i / 100_000f;
        }
        h.observe(data, 0, 50_000);
        h.observe(data, 50_000, data.length);
        assertEquals(expected, h.histogram().quantile(fraction), h.binWidth());
    }

    @Test
    void mergeOfTwoThreadsConservesMassAndRange() {
        HistogramObserver a = new HistogramObserver("t", 128);
        HistogramObserver b = new HistogramObserver("t", 128);
        Random rnd = new Random(3);
        float[] x = new float[10_000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        a.observe(x, 0, 5_000);
        b.observe(x, 5_000, 10_000);
        HistogramObserver whole = new HistogramObserver("t", 128);
        whole.observe(x, 0, 10_000);
        a.merge(b);
        double total = 0;
        for (double c : a.counts()) {
            total += c;
        }
        assertEquals(10_000, total, 1e-6);
        assertEquals(whole.range().min(), a.range().min());
        assertEquals(whole.range().max(), a.range().max());
        assertEquals(whole.histogram().quantile(0.5), a.histogram().quantile(0.5), 4 * a.binWidth());
        HistogramObserver empty = new HistogramObserver("t", 128);
        empty.merge(a);
        assertEquals(10_000, empty.range().count());
    }

    @Test
    void constantDataThenWiderData() {
        HistogramObserver h = new HistogramObserver("c", 16);
        h.observe(Tensor.vector(0f, 0f, 0f));
        h.observe(Tensor.vector(-1f, 1f));
        assertTrue(h.lowerEdge() <= -1 && h.upperEdge() >= 1, h.lowerEdge() + " " + h.upperEdge());
        double total = 0;
        for (double c : h.counts()) {
            total += c;
        }
        assertEquals(5, total);
        assertEquals(0.0, h.histogram().quantile(0.5), h.binWidth());
    }
}
