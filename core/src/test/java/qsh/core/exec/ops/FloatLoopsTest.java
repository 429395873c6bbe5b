package qsh.core.exec.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.core.tensor.Tensor;

/** The monomorphic broadcasting loops give bit-identical results to the generic index-map path. */
class FloatLoopsTest {
    @ParameterizedTest(name = "{0} op {1}")
    @CsvSource({
        "1x3x4x5, 1x3x4x5", "1x3x4x5, 1x3x1x1", "1x3x1x1, 1x3x4x5", "2x3x4, 4", "4, 2x3x4", "2x3x4, 1",
        "1, 2x3x4", "2x1x4, 2x3x1", "3x1, 1x5", "5, 5", "2x3x4x5, 3x1x5", "1x8x6x6, 8x1x1",
    })
    void matchesGenericPath(String sa, String sb) {
        Random rnd = new Random(sa.hashCode() * 31 + sb.hashCode());
        Tensor a = random(rnd, sa);
        Tensor b = random(rnd, sb);
        Broadcast.FloatOp[] generic = {(x, y) -> x + y, (x, y) -> x - y, (x, y) -> x * y, (x, y) -> x / y};
        int fast = 0;
        for (int op = 0; op < 4; op++) {
            Tensor want = Broadcast.apply(a, b, generic[op]);
            Tensor got = FloatLoops.binary(a, b, op);
            if (got == null) {
                continue; // no contiguous run: generic path used
            }
            fast++;
            assertArrayEquals(want.shape(), got.shape());
            assertArrayEquals(want.data(), got.data(), 0f);
        }
        org.junit.jupiter.api.Assertions.assertTrue(fast == 4 || sa.equals("2x1x4") || sa.equals("3x1"),
                "fast path taken for " + sa + " op " + sb);
    }

    private static Tensor random(Random rnd, String shape) {
        String[] p = shape.split("x");
        int[] s = new int[p.length];
        int n = 1;
        for (int i = 0; i < p.length; i++) {
            s[i] = Integer.parseInt(p[i]);
            n *= s[i];
        }
        float[] d = new float[n];
        for (int i = 0; i < n; i++) {
            d[i] = rnd.nextFloat() * 4f - 2f;
        }
        return Tensor.of(s, d);
    }
}
