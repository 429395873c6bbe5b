package qsh.core.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The spec's packed 4-bit examples plus round-trip properties. */
class PackingTest {
    @Test
    void specExampleTenAndFour() {
        byte[] b = Packing.pack4(new int[] {10, 4}, 0, 2, false);
        assertEquals(1, b.length);
        assertEquals((byte) 0b0100_1010, b[0]);
        assertEquals("4a", HexFormat.of().formatHex(b));
        assertArrayEquals(new int[] {10, 4}, Packing.unpack4(b, 2, false));
    }

    @ParameterizedTest(name = "signed ({0}, {1}) -> {2}")
    @CsvSource({"-8, 7, 78", "-1, 0, 0f", "3, -2, e3", "0, -8, 80"})
    void signedNibblesAreTwosComplement(int a, int b, String hex) {
        byte[] p = Packing.pack4(new int[] {a, b}, 0, 2, true);
        assertEquals(hex, HexFormat.of().formatHex(p));
        assertArrayEquals(new int[] {a, b}, Packing.unpack4(p, 2, true));
    }

    @Test
    void specPerChannelCase() {
        // (3,3,3,32): 32 output channels along axis 3, 27 values each → 32 × 14 bytes
        int[] shape = {3, 3, 3, 32};
        int[] q = new int[27 * 32];
        Random rnd = new Random(9);
        for (int i = 0; i < q.length; i++) {
            q[i] = rnd.nextInt(16);
        }
        byte[][] packed = Packing.packPerChannel(q, shape, 3, false);
        assertEquals(32, packed.length);
        for (byte[] ch : packed) {
            assertEquals(14, ch.length);
            assertEquals(0, (ch[13] >> 4) & 0xF, "the 28th nibble is padding");
        }
        // channel c holds q[c], q[c + 32], ... (the values whose last index is c), first in the low nibble
        assertEquals(q[5] | (q[5 + 32] << 4), packed[5][0] & 0xFF);
        assertArrayEquals(q, Packing.unpackPerChannel(packed, shape, 3, false));
        assertArrayEquals(q, Packing.unpackPerChannel(packed, shape, -1, false));
    }

    @Test
    void roundTripsForAnyLengthAxisAndSign() {
        Random rnd = new Random(1);
        for (int trial = 0; trial < 100; trial++) {
            boolean signed = trial % 2 == 0;
            int n = trial;
            int[] q = new int[n];
            for (int i = 0; i < n; i++) {
                q[i] = signed ? rnd.nextInt(16) - 8 : rnd.nextInt(16);
            }
            assertArrayEquals(q, Packing.unpack4(Packing.pack4(q, 0, n, signed), n, signed));
        }
        int[] shape = {2, 3, 5};
        int[] q = new int[30];
        for (int i = 0; i < 30; i++) {
            q[i] = rnd.nextInt(16) - 8;
        }
        for (int axis = 0; axis < 3; axis++) {
            byte[][] p = Packing.packPerChannel(q, shape, axis, true);
            assertEquals(shape[axis], p.length);
            assertArrayEquals(q, Packing.unpackPerChannel(p, shape, axis, true));
        }
    }

    @Test
    void refusesOutOfRangeValues() {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Packing.pack4(new int[] {1, 16}, 0, 2, false));
        assertTrue(ex.getMessage().contains("value 16 at index 1"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Packing.pack4(new int[] {-1}, 0, 1, false));
        assertThrows(IllegalArgumentException.class, () -> Packing.pack4(new int[] {8}, 0, 1, true));
        assertThrows(IllegalArgumentException.class, () -> Packing.pack4(new int[] {-9}, 0, 1, true));
        IllegalArgumentException ch = assertThrows(IllegalArgumentException.class,
                () -> Packing.packPerChannel(new int[] {0, 0, 0, 99}, new int[] {2, 2}, 1, false));
        assertTrue(ch.getMessage().startsWith("channel 1"), ch.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Packing.unpack4(new byte[1], 3, false));
    }
}
