package qsh.core.calib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import qsh.core.tensor.Tensor;

class CalibrationStatisticsTest {
    @Test
    void rangesOnlyAcrossTwoWorkers() {
        CalibrationStatistics a = CalibrationStatistics.rangesOnly();
        CalibrationStatistics b = CalibrationStatistics.rangesOnly();
        a.observe("conv1", Tensor.vector(-1f, 2f));
        a.observe("relu1", Tensor.vector(0f, 2f));
        b.observe("conv1", Tensor.vector(-3f, 1f));
        b.observe("fc", Tensor.vector(5f));
        a.merge(b);
        assertEquals(List.of("conv1", "relu1", "fc"), List.copyOf(a.tensors()));
        assertEquals(-3f, a.range("conv1").min());
        assertEquals(2f, a.range("conv1").max());
        assertEquals(4, a.range("conv1").count());
        assertFalse(a.hasHistograms());
        assertThrows(IllegalStateException.class, () -> a.histogram("conv1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.range("nope"));
        assertTrue(e.getMessage().startsWith("tensor 'nope' was not observed"), e.getMessage());
    }

    @Test
    void histogramsShareTheirRange() {
        CalibrationStatistics s = CalibrationStatistics.withHistograms(64);
        s.observe("t", Tensor.vector(-1f, 0f, 1f));
        s.observe("t", Tensor.vector(4f));
        assertSame(s.histogram("t").range(), s.range("t"));
        assertEquals(4f, s.range("t").max());
        assertEquals(4, s.range("t").count());
        CalibrationStatistics other = CalibrationStatistics.withHistograms(64);
        other.observe("t", Tensor.vector(-8f));
        other.observe("u", Tensor.vector(1f));
        s.merge(other);
        assertEquals(-8f, s.range("t").min());
        assertEquals(5, s.range("t").count());
        assertEquals(1, s.range("u").count());
        assertThrows(IllegalArgumentException.class, () -> s.merge(CalibrationStatistics.rangesOnly()));
    }
}
