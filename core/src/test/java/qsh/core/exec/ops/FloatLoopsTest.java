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
        Broadcast.FloatOp[] generic = {(x, y) -> x + y, (x, y) -> x - y,
            (x, y) -> qsh.core.exec.kernels.FloatMath.flushSubnormal(x * y), (x, y) -> x / y};
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

    /**
     * Mul gives a zero of the product's sign where the product is subnormal (flush-to-zero, FloatMath.flushSubnormal),
     * in the fast loops (same shapes, a per-channel constant on either side) and the generic path alike; normal
     * products, zeros, infinities and NaN are the plain products.
     */
    @org.junit.jupiter.api.Test
    void mulFlushesSubnormalProductsToZerosOfTheirSign() {
        float[] x = {1e-20f, -1e-20f, 3e-19f, 1e-19f, 2f, 0f, -0f, Float.NaN, Float.MIN_NORMAL, 1e-30f, Float.MIN_VALUE,
            Float.POSITIVE_INFINITY, 1e-20f, -4e-20f, 5e-20f, 1e-10f, 7f};
        float[] y = {1e-20f, 1e-20f, 4e-20f, 1.2e-19f, 3f, -5f, 5f, 1f, 1f, 1e-8f, 1f, 2f, -1e-20f, 1e-19f, 2e-19f, 1e-28f, 0.5f};
        int n = x.length;
        Tensor a = Tensor.of(new int[] {1, n, 1, 1}, x);
        Tensor b = Tensor.of(new int[] {1, n, 1, 1}, y);
        float[] want = new float[n];
        for (int i = 0; i < n; i++) {
            float p = x[i] * y[i];
            want[i] = p != 0 && Math.abs(p) < Float.MIN_NORMAL ? (p < 0 ? -0f : 0f) : p;
        }
        org.junit.jupiter.api.Assertions.assertEquals(-0f, want[1]); // -1e-40: a negative zero
        org.junit.jupiter.api.Assertions.assertTrue(Float.isNaN(want[7]));
        assertArrayEquals(want, FloatLoops.binary(a, b, FloatLoops.MUL).data(), 0f);
        qsh.core.graph.Node mul = new qsh.core.graph.Node(qsh.core.onnx.proto.OnnxProto.NodeProto.newBuilder().setOpType("Mul").build(), "mul");
        assertArrayEquals(want, ((Tensor) Ops.get("", "Mul").run(mul, new Object[] {a, b}, 13)[0]).data(), 0f);
        // the op through broadcasting across both operands (2 x 1 x n against 2 x 3 x 1): flushed alike
        Tensor a2 = Tensor.of(new int[] {2, 1, n}, java.util.Arrays.copyOf(x, 2 * n));
        Tensor b2 = Tensor.of(new int[] {2, 3, 1}, new float[] {1e-20f, 1f, -1e-19f, 2e-20f, 1e-30f, 3f});
        float[] g2 = ((Tensor) Ops.get("", "Mul").run(mul, new Object[] {a2, b2}, 13)[0]).data();
        assertArrayEquals(Broadcast.apply(a2, b2, (u, v) -> {
            float q = u * v;
            return q != 0 && Math.abs(q) < Float.MIN_NORMAL ? q * 0f : q;
        }).data(), g2, 0f);
        org.junit.jupiter.api.Assertions.assertEquals(0f, g2[0]); // 1e-20 * 1e-20
        // a per-channel constant on either side (the squeeze-and-excitation form), past a vector's length
        int c = 40;
        float[] plane = new float[c * 3];
        float[] gate = new float[c];
        for (int i = 0; i < plane.length; i++) {
            plane[i] = x[i % n];
        }
        for (int i = 0; i < c; i++) {
            gate[i] = y[i % n];
        }
        Tensor p = Tensor.of(new int[] {1, c, 3, 1}, plane);
        Tensor g = Tensor.of(new int[] {1, c, 1, 1}, gate);
        for (Tensor got : new Tensor[] {FloatLoops.binary(p, g, FloatLoops.MUL), FloatLoops.binary(g, p, FloatLoops.MUL)}) {
            for (int i = 0; i < plane.length; i++) {
                float prod = plane[i] * gate[i / 3];
                float w = prod != 0 && Math.abs(prod) < Float.MIN_NORMAL ? prod * 0f : prod;
                org.junit.jupiter.api.Assertions.assertEquals(Float.floatToIntBits(w), Float.floatToIntBits(got.data()[i]),
                        "element " + i);
            }
        }
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
