package qsh.core.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.core.graph.Graph;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.Tensor;
import qsh.core.testing.ModelBuilder;

/**
 * A squeeze-and-excitation gate's Mul read only by a 1 x 1 Conv runs as one step with it (the product made as the
 * convolution packs its input, {@code Conv.runScaled}): the node-by-node bits for every form the gate takes, with
 * a simulated pair between them, with products flushed where subnormal, and through the step's own fallback when the
 * second factor does not scale whole channels.
 */
class ScaledConvFusionTest {
    @ParameterizedTest(name = "gate {0} first={1} batch={2} pair={3} tiny={4} kernel={5}")
    @CsvSource({
        "'1,5,1,1', true, 1, false, false, 1",
        "'1,5,1,1', false, 1, false, false, 1",
        "'5,1,1', true, 1, false, false, 1",
        "'1,1,1,1', false, 1, false, false, 1",
        "'2,5,1,1', true, 2, false, false, 1",
        "'1,5,1,1', false, 2, false, false, 1",
        "'1,5,1,1', true, 1, true, false, 1",
        // products below the smallest normal float: flushed to zeros of their sign, as Mul's kernel flushes them
        "'1,5,1,1', true, 1, false, true, 1",
        "'1,5,1,1', false, 1, true, true, 1",
        // a full-size second factor: not a per-channel scale, so the step runs Mul's kernel, then the Conv
        "'1,5,6,7', true, 1, false, false, 1",
        "'1,5,6,7', false, 1, true, false, 1",
        // a 3 x 3 Conv is not fused with the Mul
        "'1,5,1,1', true, 1, false, false, 3"})
    void gateTimesFeaturesIntoAOneByOneConvIsOneStepWithNodeByNodeBits(String gateShape, boolean gateFirst, int batch,
                                                                       boolean pair, boolean tiny, int kernel) {
        long[] gs = java.util.Arrays.stream(gateShape.split(",")).mapToLong(Long::parseLong).toArray();
        ModelBuilder b = new ModelBuilder(13).input("x", batch, 5, 6, 7).input("g", gs)
                .init("w", ModelBuilder.random(1, -1, 1, 4, 5, kernel, kernel))
                .init("wb", ModelBuilder.random(2, -1, 1, 4))
                .init("qs", Tensor.of(new int[] {}, new float[] {tiny ? 1e-39f : 0.01f}))
                .init("qz", LongTensor.of(new int[] {}, new long[] {3}), 2);
        b.node("Mul", gateFirst ? List.of("g", "x") : List.of("x", "g"), "p");
        String v = "p";
        if (pair) {
            b.node("QuantizeLinear", List.of("p", "qs", "qz"), "pq").node("DequantizeLinear", List.of("pq", "qs", "qz"), "pd");
            v = "pd";
        }
        // without a bias when the products are tiny: a bias of about 1 would absorb them, flushed or not
        b.node("Conv", tiny ? List.of(v, "w") : List.of(v, "w", "wb"), "c", ModelBuilder.ints("pads", kernel / 2, kernel / 2, kernel / 2, kernel / 2))
                .node("Relu", List.of("c"), "y").output("y");
        Graph g = b.build();
        ExecutionPlan plan = ExecutionPlan.of(g, true);
        boolean fused = kernel == 1;
        assertEquals(fused, plan.eliminated.contains("p"), "eliminated: " + plan.eliminated);
        assertEquals(fused ? (pair ? "Mul+QuantizeLinear+DequantizeLinear+Conv+Relu" : "Mul+Conv+Relu") : "Mul",
                plan.steps.get(0).label);
        double scale = tiny ? 1e-38 : 1;
        Map<String, Tensor> in = new HashMap<>();
        in.put("x", ModelBuilder.random(3, -2, 2, batch, 5, 6, 7));
        int[] gi = java.util.Arrays.stream(gs).mapToInt(d -> (int) d).toArray();
        in.put("g", ModelBuilder.random(4, 0.05 * scale, scale, gi));
        Map<String, Object> ref = ExecutionPlanTest.nodeByNode(g, in);
        if (tiny) {
            long zeros = 0;
            for (float e : ((Tensor) ref.get("p")).data()) {
                zeros += e == 0 ? 1 : 0;
            }
            assertTrue(zeros > 0, "no product was flushed");
        }
        for (int run = 0; run < 2; run++) { // the second run reuses the first run's buffers
            float[] want = ((Tensor) ref.get("y")).data();
            Tensor got = (Tensor) Executor.run(g, in, null).get("y");
            assertEquals(want.length, got.size());
            for (int i = 0; i < want.length; i++) {
                assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got.data()[i]), "element " + i);
            }
        }
    }
}
