package qsh.core.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.core.exec.ops.FusedOps;
import qsh.core.graph.Graph;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.Tensor;
import qsh.core.testing.ModelBuilder;

/**
 * A QuantizeLinear → DequantizeLinear pair whose input is already on its grid (a DequantizeLinear with the same
 * scale, zero point and type, then ops that only move values: ShuffleNet's channel shuffle) runs as a step that
 * passes its input on, with the node-by-node plan's bits; a pair on another grid, or after an op that computes new
 * values, still quantizes.
 */
class PassOnPairTest {
    /** x -> pair(s1, z1) -> Reshape -> Transpose -> {@code between} -> pair(s2, z2) -> y. */
    private static Graph graph(float s1, long z1, float s2, long z2, String between) {
        ModelBuilder b = new ModelBuilder(13).input("x", 1, 4, 3, 2).output("y")
                .init("s1", Tensor.of(new int[0], new float[] {s1}))
                .init("z1", LongTensor.of(new int[0], new long[] {z1}), 2)
                .init("s2", Tensor.of(new int[0], new float[] {s2}))
                .init("z2", LongTensor.of(new int[0], new long[] {z2}), 2)
                .init("shape", new long[] {5}, 1, 2, 2, 3, 2)
                .node("QuantizeLinear", List.of("x", "s1", "z1"), "q1")
                .node("DequantizeLinear", List.of("q1", "s1", "z1"), "d1")
                .node("Reshape", List.of("d1", "shape"), "r")
                .node("Transpose", List.of("r"), "t", ModelBuilder.ints("perm", 0, 2, 1, 3, 4));
        String v = "t";
        if (!between.isEmpty()) {
            b.node(between, List.of("t"), "m");
            v = "m";
        }
        return b.node("QuantizeLinear", List.of(v, "s2", "z2"), "q2")
                .node("DequantizeLinear", List.of("q2", "s2", "z2"), "y").build();
    }

    @ParameterizedTest(name = "s {0} z {1} then s {2} z {3}, between: ''{4}'' -> passes on: {5}")
    @CsvSource({"0.05, 128, 0.05, 128, '', true", "0.05, 128, 0.05, 128, Identity, true",
        "0.05, 128, 0.07, 128, '', false", "0.05, 128, 0.05, 100, '', false", "0.05, 128, 0.05, 128, Sigmoid, false",
        "0.0123, 3, 0.0123, 3, '', true"})
    void aPairOnItsOwnGridPassesItsInputOn(float s1, long z1, float s2, long z2, String between, boolean passes) {
        Graph g = graph(s1, z1, s2, z2, between);
        ExecutionPlan plan = ExecutionPlan.of(g, true);
        long passOn = plan.steps.stream().filter(s -> s.kernel == FusedOps.PASS_ON).count();
        assertEquals(passes ? 1 : 0, passOn);
        Tensor x = ModelBuilder.random(5, -8, 8, 1, 4, 3, 2);
        float[] want = ((Tensor) Executor.run(g, Map.of("x", x), (name, node, value) -> { }).get("y")).data();
        float[] got = ((Tensor) Executor.run(g, Map.of("x", x), null).get("y")).data();
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), "element " + i);
        }
    }
}
