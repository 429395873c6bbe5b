package qsh.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TensorTest {
    @Test
    void stridesAreRowMajor() {
        Tensor t = Tensor.zeros(2, 3, 4);
        assertArrayEquals(new int[] {12, 4, 1}, t.strides());
        assertEquals(24, t.size());
        assertEquals(4, t.dim(-1));
    }

    @Test
    void refusesMismatchedAndAbsurdShapes() {
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new int[] {2, 2}, new float[3]));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(1 << 20, 1 << 20));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(-1));
    }

    @Test
    void reshapeSharesData() {
        Tensor t = Tensor.vector(1, 2, 3, 4);
        Tensor r = t.reshape(2, 2);
        r.data()[3] = 9;
        assertEquals(9, t.get(3));
    }
}
