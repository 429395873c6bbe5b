package qsh.core.exec.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.Tensor;
import qsh.core.testing.ModelBuilder;

/**
 * The fused QuantizeLinear → DequantizeLinear step ({@link FakeQuant}) gives exactly the bits of the two op kernels
 * run one after the other (an observed run, which never fuses), on edge values (ties, ±0, NaN, ±Inf, values far
 * beyond the range, subnormals) for every integer type, per tensor and per axis, alone and in a convolution's
 * epilogue, with the Vector API path and with the plain one.
 */
class FakeQuantTest {
    @BeforeAll
    static void vectorKernels() throws InterruptedException {
        if (VectorSupport.ENABLED) {
            WarmUps.awaitAndUse(VectorMath.WARM_UP);
        }
    }

    @Test
    void exactRoundsHalfToEvenSaturatesAndSendsNanToTheZeroPoint() {
        // uint8, scale 0.5, zero point 10: x / 0.5 = 2x
        float[] x = {0.25f, 0.75f, 1.25f, -0.25f, -0.2f, 200f, -200f, Float.NaN, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, -0f};
        float[] want = {0f, 1f, 1f, 0f, 0f, 122.5f, -5f, 0f, 122.5f, -5f, 0f}; // -0.5 rounds to -0, q - z to +0
        for (int i = 0; i < x.length; i++) {
            float got = FakeQuant.exact(x[i], 0.5f, 10, 0, 255);
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got),
                    "x = " + x[i] + " gave " + got);
        }
    }

    /** Edge values and random ones around the grid of scale s: ties k.5 · s, the ends of the range, beyond. */
    private static float[] values(int n, float s, long lo, long hi, long seed) {
        Random r = new Random(seed);
        float[] special = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE,
            -Float.MAX_VALUE, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-40f, 3e38f, -0.4f * s, 0.4f * s, 0.5f * s,
            -0.5f * s, 1.5f * s, -1.5f * s, 2.5f * s, -2.5f * s, (lo - 0.5f) * s, (hi + 0.5f) * s, lo * s, hi * s,
            (hi + 1f) * s, (lo - 1f) * s, 1e9f, -1e9f, 65536.5f * s, -65536.5f * s, 1e7f * s, 4194304.5f};
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(4);
            float range = (float) Math.max(Math.abs(lo), Math.abs(hi)) * 1.5f * s;
            x[i] = i < special.length ? special[i]
                    : k == 0 ? (float) (r.nextInt(2 * 70000) - 70000 + 0.5) * s // exact and rounded ties
                    : k == 1 ? (float) ((r.nextDouble() * 2 - 1) * range)
                    : k == 2 ? Float.intBitsToFloat(r.nextInt()) // anything, NaN payloads included
                    : (r.nextInt(600) - 300) * s;
        }
        return x;
    }

    private static void assertSameBits(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                throw new AssertionError(what + ": element " + i + ": two kernels " + want[i] + ", fused " + got[i]);
            }
        }
    }

    /** The two kernels (observed run) and the fused step (plain run), vector path and plain path. */
    private static void fusedEqualsTwoKernels(Graph g, Map<String, Tensor> in, String output, String fusedLabel) {
        float[] ref = ((Tensor) Executor.run(g, in, (name, node, v) -> { }).get(output)).data();
        for (boolean suspend : new boolean[] {false, true}) {
            VectorSupport.suspend(suspend);
            try {
                List<String> labels = new ArrayList<>();
                Map<String, Object> out = Executor.run(g, in, null, Set.of(), (n, ops, t) -> labels.add(ops));
                assertTrue(labels.contains(fusedLabel), "steps " + labels);
                assertSameBits(ref, ((Tensor) out.get(output)).data(), fusedLabel + (suspend ? " (plain)" : " (vector)"));
            } finally {
                VectorSupport.suspend(false);
            }
        }
    }

    /**
     * On values within a few ulps of the half-integer boundaries (k + 0.5) · s, for random scales (most with an inexact
     * reciprocal), the vector path gives the two kernels' bits: whatever form computes x / s (a reciprocal path that
     * divided only near boundaries was tried; without its safety margin this test fails), the code must be rint of
     * the float quotient.
     */
    @Test
    void valuesNextToEveryRoundingBoundaryGiveTheKernelsBits() {
        Random r = new Random(11);
        int n = 4096;
        float[] x = new float[n];
        float[] y = new float[n];
        for (int trial = 0; trial < 300; trial++) {
            float s = (float) Math.scalb(1 + r.nextDouble(), r.nextInt(40) - 30);
            long z = trial % 3 == 0 ? 0 : r.nextInt(256) - 128;
            long lo = trial % 2 == 0 ? -128 : 0;
            long hi = trial % 2 == 0 ? 127 : 255;
            z = Math.max(lo, Math.min(hi, z));
            for (int i = 0; i < n; i++) {
                float b = (float) ((r.nextInt(600) - 300 + 0.5) * s);
                int steps = r.nextInt(9) - 4;
                for (int k = 0; k < Math.abs(steps); k++) {
                    b = steps > 0 ? Math.nextUp(b) : Math.nextDown(b);
                }
                x[i] = b;
            }
            FakeQuant fq = new FakeQuant(new float[] {s}, new long[] {z}, lo, hi);
            fq.apply(x, y, 0, n, 0);
            for (int i = 0; i < n; i++) {
                float want = FakeQuant.exact(x[i], s, z, lo, hi);
                if (Float.floatToRawIntBits(want) != Float.floatToRawIntBits(y[i])) {
                    throw new AssertionError("s = " + s + ", z = " + z + ", x = " + x[i] + ": kernels " + want
                            + ", fake-quant " + y[i]);
                }
            }
        }
    }

    private static final long[][] TYPES = {{2, 0, 255}, {3, -128, 127}, {4, 0, 65535}, {5, -32768, 32767},
        {6, Integer.MIN_VALUE, Integer.MAX_VALUE}, {21, 0, 15}, {22, -8, 7}};

    @ParameterizedTest
    @CsvSource({"2, 0.0123, 37", "3, 0.5, 0", "3, 0.0078125, -3", "4, 0.001, 30000", "5, 3.0e-4, 0", "5, 7, -100",
        "6, 1.0e-3, 0", "2, 1.0e-30, 255", "2, 3.0e30, 0", "21, 0.25, 8", "22, 0.25, 0", "2, 0.0, 5", "3, -0.5, 1"})
    void perTensorPairEqualsItsTwoKernels(int type, float scale, long zero) {
        long[] range = java.util.Arrays.stream(TYPES).filter(t -> t[0] == type).findFirst().orElseThrow();
        int n = 3 * 1031;
        Graph g = new ModelBuilder(21).input("x", 1, 3, n / 3).init("s", Tensor.of(new int[0], new float[] {scale}))
                .init("z", LongTensor.of(new int[0], new long[] {zero}), type)
                .node("QuantizeLinear", List.of("x", "s", "z"), "q").node("DequantizeLinear", List.of("q", "s", "z"), "y")
                .output("y").build();
        Tensor x = Tensor.of(new int[] {1, 3, n / 3}, values(n, scale, range[1], range[2], type * 31L + zero));
        fusedEqualsTwoKernels(g, Map.of("x", x), "y", "QuantizeLinear+DequantizeLinear");
    }

    @ParameterizedTest
    @CsvSource({"2, 1", "3, 1", "5, -2", "4, 2", "3, 0"})
    void perAxisPairEqualsItsTwoKernels(int type, int axis) {
        long[] range = java.util.Arrays.stream(TYPES).filter(t -> t[0] == type).findFirst().orElseThrow();
        int[] shape = {2, 5, 7, 19};
        int ax = axis < 0 ? axis + 4 : axis;
        int c = shape[ax];
        float[] s = new float[c];
        long[] z = new long[c];
        Random r = new Random(type + 7L * axis);
        for (int i = 0; i < c; i++) {
            s[i] = (float) Math.pow(10, -4 + 4 * r.nextDouble());
            z[i] = range[1] + r.nextInt((int) Math.min(range[2] - range[1] + 1, 1 << 20));
        }
        Graph g = new ModelBuilder(21).input("x", 2, 5, 7, 19).init("s", Tensor.of(new int[] {c}, s))
                .init("z", LongTensor.of(new int[] {c}, z), type)
                .node("QuantizeLinear", List.of("x", "s", "z"), "q", ModelBuilder.integer("axis", axis))
                .node("DequantizeLinear", List.of("q", "s", "z"), "y", ModelBuilder.integer("axis", axis))
                .output("y").build();
        Tensor x = Tensor.of(shape, values(2 * 5 * 7 * 19, s[0], range[1], range[2], type));
        fusedEqualsTwoKernels(g, Map.of("x", x), "y", "QuantizeLinear+DequantizeLinear");
    }

    @ParameterizedTest
    @CsvSource({"false, 3", "true, 2", "true, 3"})
    void pairsInAConvolutionsEpilogueEqualTheirKernels(boolean perChannel, int type) {
        // x -> Conv -> Q -> DQ -> Relu -> Q -> DQ: both pairs applied to each output row of the convolution
        int oc = 6;
        float[] s = new float[perChannel ? oc : 1];
        long[] z = new long[s.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = 0.01f + 0.003f * i;
            z[i] = type == 2 ? 100 + i : i - 2;
        }
        int[] ps = {s.length};
        Graph g = new ModelBuilder(13).input("x", 1, 4, 9, 11)
                .init("w", ModelBuilder.random(1, -1, 1, oc, 4, 3, 3)).init("b", ModelBuilder.random(2, -1, 1, oc))
                .init("s", perChannel ? Tensor.of(ps, s) : Tensor.of(new int[0], s))
                .init("z", perChannel ? LongTensor.of(ps, z) : LongTensor.of(new int[0], z), type)
                .node("Conv", List.of("x", "w", "b"), "c", ModelBuilder.ints("pads", 1, 1, 1, 1))
                .node("QuantizeLinear", List.of("c", "s", "z"), "cq").node("DequantizeLinear", List.of("cq", "s", "z"), "cd")
                .node("Relu", List.of("cd"), "r")
                .node("QuantizeLinear", List.of("r", "s", "z"), "rq").node("DequantizeLinear", List.of("rq", "s", "z"), "y")
                .output("y").build();
        Tensor x = ModelBuilder.random(3, -3, 3, 1, 4, 9, 11);
        x.data()[5] = Float.NaN;
        x.data()[17] = Float.POSITIVE_INFINITY;
        fusedEqualsTwoKernels(g, Map.of("x", x), "y",
                "Conv+QuantizeLinear+DequantizeLinear+Relu+QuantizeLinear+DequantizeLinear");
    }

    @ParameterizedTest
    @CsvSource({"false, true", "true, true", "true, false"})
    void hardSwishChainWithPairsInsideRunsInTheEpilogue(boolean perChannel, boolean pairAfterClip) {
        // Conv -> Q/DQ -> x * Clip(x + 3, 0, 6) / 6 with a pair after the Add, (the Clip,) the Mul and the Div
        int oc = 5;
        float[] s = new float[perChannel ? oc : 1];
        long[] z = new long[s.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = 0.02f + 0.005f * i;
            z[i] = 60 + 7 * i;
        }
        int[] ps = {s.length};
        ModelBuilder b = new ModelBuilder(13).input("x", 1, 3, 23, 29)
                .init("w", ModelBuilder.random(4, -1, 1, oc, 3, 3, 3)).init("b", ModelBuilder.random(5, -1, 1, oc))
                .init("s", perChannel ? Tensor.of(ps, s) : Tensor.of(new int[0], s))
                .init("z", perChannel ? LongTensor.of(ps, z) : LongTensor.of(new int[0], z), 2)
                .init("three", Tensor.of(new int[0], new float[] {3f})).init("zero", Tensor.of(new int[0], new float[] {0f}))
                .init("six", Tensor.of(new int[0], new float[] {6f}))
                .node("Conv", List.of("x", "w", "b"), "c", ModelBuilder.ints("pads", 1, 1, 1, 1))
                .node("QuantizeLinear", List.of("c", "s", "z"), "cq").node("DequantizeLinear", List.of("cq", "s", "z"), "v")
                .node("Add", List.of("v", "three"), "a")
                .node("QuantizeLinear", List.of("a", "s", "z"), "aq").node("DequantizeLinear", List.of("aq", "s", "z"), "ad")
                .node("Clip", List.of("ad", "zero", "six"), pairAfterClip ? "k" : "kd");
        if (pairAfterClip) {
            b.node("QuantizeLinear", List.of("k", "s", "z"), "kq").node("DequantizeLinear", List.of("kq", "s", "z"), "kd");
        }
        Graph g = b.node("Mul", List.of("kd", "v"), "m")
                .node("QuantizeLinear", List.of("m", "s", "z"), "mq").node("DequantizeLinear", List.of("mq", "s", "z"), "md")
                .node("Div", List.of("md", "six"), "d")
                .node("QuantizeLinear", List.of("d", "s", "z"), "dq").node("DequantizeLinear", List.of("dq", "s", "z"), "y")
                .output("y").build();
        Tensor x = ModelBuilder.random(6, -4, 4, 1, 3, 23, 29);
        x.data()[40] = Float.NaN;
        String q = "QuantizeLinear+DequantizeLinear";
        fusedEqualsTwoKernels(g, Map.of("x", x), "y", "Conv+" + q + "+Add+" + q + "+Clip+" + (pairAfterClip ? q + "+" : "")
                + "Mul+" + q + "+Div+" + q);
    }

    @Test
    void aPairWhoseIntegersSomeoneAsksForIsNotFused() {
        Graph g = new ModelBuilder(13).input("x", 1, 2, 3).init("s", Tensor.of(new int[0], new float[] {0.1f}))
                .init("z", LongTensor.of(new int[0], new long[] {3}), 3)
                .node("QuantizeLinear", List.of("x", "s", "z"), "q").node("DequantizeLinear", List.of("q", "s", "z"), "y")
                .output("y").build();
        Tensor x = Tensor.of(new int[] {1, 2, 3}, new float[] {-20f, -0.25f, 0.05f, 0.15f, 1f, 20f});
        Map<String, Object> out = Executor.run(g, Map.of("x", x), null, Set.of("q"));
        long[] q = {-128, 1, 3, 5, 13, 127}; // 0.05f / 0.1f is 0.5 exactly, a tie to 0
        assertEquals(java.util.Arrays.stream(q).boxed().toList(),
                java.util.Arrays.stream(((LongTensor) out.get("q")).data()).boxed().toList());
        float[] y = new float[q.length];
        for (int i = 0; i < q.length; i++) {
            y[i] = (q[i] - 3) * 0.1f;
        }
        assertSameBits(y, ((Tensor) out.get("y")).data(), "y");
    }

    @Test
    void differentScalesOrZeroPointsAreNotFused() {
        for (String dqZero : List.of("z", "z2")) {
            Graph g = new ModelBuilder(13).input("x", 1, 8).init("s", Tensor.of(new int[0], new float[] {0.1f}))
                    .init("s2", Tensor.of(new int[0], new float[] {dqZero.equals("z") ? 0.2f : 0.1f}))
                    .init("z", LongTensor.of(new int[0], new long[] {3}), 2)
                    .init("z2", LongTensor.of(new int[0], new long[] {4}), 2)
                    .node("QuantizeLinear", List.of("x", "s", "z"), "q").node("DequantizeLinear", List.of("q", "s2", dqZero), "y")
                    .output("y").build();
            List<String> labels = new ArrayList<>();
            Executor.run(g, Map.of("x", ModelBuilder.random(1, -1, 1, 1, 8)), null, Set.of(), (n, ops, t) -> labels.add(ops));
            assertEquals(List.of("QuantizeLinear", "DequantizeLinear"), labels);
        }
    }
}
