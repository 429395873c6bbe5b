package qsh.core.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Histogram binning, edges, quantiles and merging, checked against direct counting. */
class HistogramTest {
    @Test
    void countsMatchDirectBinningIncludingTheTwoThreadPath() {
        Random rnd = new Random(2);
        float[] x = new float[(1 << 21) + 7];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        x[0] = -100f; // below the range → bin 0
        x[1] = 100f;  // above → last bin
        Histogram h = Histogram.of(x, 0, x.length, -4, 4, 64);
        long[] direct = new long[64];
        for (float v : x) {
            direct[Math.max(0, Math.min(63, (int) Math.floor((v + 4.0) / (8.0 / 64))))]++;
        }
        for (int i = 0; i < 64; i++) {
            // a value on an inner edge may fall either side (reciprocal multiply); none of these Gaussians do in practice
            assertEquals(direct[i], h.count(i), 2, "bin " + i);
        }
        assertEquals(x.length, h.total(), 0);
    }

    @Test
    void edgesAndMidpoints() {
        Histogram h = new Histogram(-1, 3, 8);
        assertEquals(0.5, h.binWidth(), 0);
        assertEquals(-1, h.edge(0), 0);
        assertEquals(3, h.edge(8), 0);
        assertEquals(-0.75, h.midpoint(0), 0);
        assertEquals(2.75, h.midpoint(7), 0);
    }

    @ParameterizedTest(name = "quantile {0} of a uniform ramp is {1}")
    @CsvSource({"0, 0", "0.25, 25", "0.5, 50", "0.999, 99.9", "1, 100"})
    void quantilesInterpolateInsideBins(double f, double expected) {
        float[] x = new float[100_000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i + 0.5f) * 100f / x.length; // uniform over [0, 100]
        }
        Histogram h = Histogram.of(x, 0, x.length, 0, 100, 100);
        assertEquals(expected, h.quantile(f), 1e-3);
    }

    @Test
    void mergeWidensTheRangeAndKeepsTheMass() {
        float[] a = {0f, 0.1f, 0.9f, 0.95f};
        float[] b = {-1f, 1.5f, 2f};
        Histogram ha = Histogram.of(a, 0, a.length, 0, 1, 10);
        Histogram hb = Histogram.of(b, 0, b.length, -1, 2, 10);
        Histogram m = ha.merge(hb);
        // a's grid [0, 1] (width 0.1) grows by whole bins: 10 prepended, width ×4 → [-1, 3]
        assertEquals(-1, m.min(), 1e-12);
        assertEquals(3, m.max(), 1e-12);
        assertEquals(10, m.bins());
        assertEquals(4, ha.total(), 0); // the operands are unchanged
        assertEquals(7, m.total(), 1e-12);
        // the mass below 0 is exactly b's -1 (one value); mass in [0, 1] is a's four values
        double below0 = 0;
        double in01 = 0;
        for (int i = 0; i < m.bins(); i++) {
            double mid = m.midpoint(i);
            if (mid < 0) {
                below0 += m.count(i);
            } else if (mid < 1) {
                in01 += m.count(i);
            }
        }
        assertEquals(1, below0, 1e-12);
        assertEquals(4, in01, 1e-12);
    }

    /** Widening moves whole old bins: the result equals binning the same values on the wider grid directly. */
    @Test
    void widenedToCoverEqualsDirectBinning() {
        // (not the max itself: the last bin is closed at max, so max moves with that bin, not to the next one)
        float[] x = {0f, 0.125f, 0.25f, 0.5f, 0.75f, 0.875f, 0.9375f};
        Histogram h = Histogram.of(x, 0, x.length, 0, 1, 8);
        Histogram w = h.widenedToCover(-1, 3);
        assertEquals(-1, w.min(), 0);
        assertEquals(8, w.bins());
        assertEquals(0.5, w.binWidth(), 0); // 0.125 · 2^2
        Histogram direct = Histogram.of(x, 0, x.length, w.min(), w.max(), 8);
        for (int i = 0; i < 8; i++) {
            assertEquals(direct.count(i), w.count(i), 0, "bin " + i);
        }
        assertEquals(h, h.widenedToCover(0.2, 0.8), "already covering: the same histogram");
        // a degenerate grid (min == max) widens too, keeping its point mass
        Histogram point = Histogram.of(new float[] {2f, 2f}, 0, 2, 2, 2, 16).widenedToCover(0, 4);
        assertEquals(2, point.total(), 0);
        assertEquals(2, point.quantile(0.5), point.binWidth());
    }

    @Test
    void refusesBadRanges() {
        assertThrows(IllegalArgumentException.class, () -> new Histogram(1, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> new Histogram(0, Double.NaN, 4));
        assertThrows(IllegalArgumentException.class, () -> new Histogram(0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Histogram(0, 1, 4).quantile(0.5));
    }

    @Test
    void degenerateRangePutsEverythingInBinZero() {
        Histogram h = Histogram.of(new float[] {2f, 2f}, 0, 2, 2, 2, 16);
        assertEquals(2, h.count(0), 0);
        assertEquals(2, h.quantile(0.5), 0);
    }

    @Test
    void inRangeFastPathAgreesWithTheClampingPath() {
        Random rnd = new Random(8);
        for (int n : new int[] {1000, (1 << 21) + 1}) {
            float[] x = new float[n];
            float mn = Float.MAX_VALUE;
            float mx = -Float.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                x[i] = (float) (rnd.nextGaussian() * 3 + 1);
                mn = Math.min(mn, x[i]);
                mx = Math.max(mx, x[i]);
            }
            Histogram fast = Histogram.ofInRange(x, 0, n, mn, mx, 512);
            Histogram slow = Histogram.of(x, 0, n, mn, mx, 512);
            for (int i = 0; i < 512; i++) {
                assertEquals(slow.count(i), fast.count(i), 0, "bin " + i);
            }
            assertEquals(n, fast.total(), 0);
        }
    }

    @Test
    void inRangeRefusesValuesFarOutside() {
        float[] x = {0f, 1f, 50f};
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Histogram.ofInRange(x, 0, 3, 0, 1, 16));
        assertEquals(true, ex.getMessage().contains("outside the histogram range"), ex.getMessage());
    }

    @Test
    void rangesTooNarrowForFloatStillBin() {
        // subnormal floats at bin centres plus the max: bins/(range) overflows float32
        float[] x = {0.5e-39f, 1.5e-39f, 2.5e-39f, 3.5e-39f, 4e-39f};
        Histogram h = Histogram.ofInRange(x, 0, 5, 0, 4e-39f, 4);
        assertEquals(5, h.total(), 0);
        assertEquals(1, h.count(0), 0);
        assertEquals(1, h.count(1), 0);
        assertEquals(1, h.count(2), 0);
        assertEquals(2, h.count(3), 0); // 3.5e-39 and the max itself
    }
}
