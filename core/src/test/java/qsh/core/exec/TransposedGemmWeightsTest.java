package qsh.core.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.core.graph.Graph;
import qsh.core.tensor.Tensor;
import qsh.core.testing.ModelBuilder;

/**
 * A Gemm whose constant B is stored transposed runs from a copy laid out once by the plan: the node's bits for one
 * row of A (the matrix-vector product, now vectorized over the outputs) and several, with and without C, alpha and
 * beta other than 1, transposed A, a depth past one panel, over two runs.
 */
class TransposedGemmWeightsTest {
    @ParameterizedTest(name = "rows {0} k {1} n {2} bias {3} alpha {4} beta {5} transA {6}")
    @CsvSource({"1, 1280, 100, true, 1, 1, false", "1, 37, 9, false, 1, 1, false", "1, 300, 33, true, 0.5, 2, false",
        "1, 64, 40, true, 1, 0, true", "3, 70, 20, true, 1, 1, false", "5, 513, 17, false, 1.5, 1, true"})
    void sameBitsAsTheNodesKernel(int rows, int k, int n, boolean bias, float alpha, float beta, boolean transA) {
        ModelBuilder b = new ModelBuilder(13).input("a", transA ? k : rows, transA ? rows : k)
                .init("w", ModelBuilder.random(1, -1, 1, n, k)).init("c", ModelBuilder.random(2, -1, 1, n));
        List<String> ins = new ArrayList<>(List.of("a", "w"));
        if (bias) {
            ins.add("c");
        }
        b.node("Gemm", ins, "y", ModelBuilder.integer("transB", 1), ModelBuilder.integer("transA", transA ? 1 : 0),
                ModelBuilder.real("alpha", alpha), ModelBuilder.real("beta", beta)).output("y");
        Graph g = b.build();
        ExecutionPlan plan = ExecutionPlan.of(g, true);
        assertEquals("Gemm", plan.steps.get(0).label);
        Map<String, Tensor> in = new HashMap<>();
        in.put("a", ModelBuilder.random(3, -2, 2, transA ? k : rows, transA ? rows : k));
        float[] want = ((Tensor) ExecutionPlanTest.nodeByNode(g, in).get("y")).data();
        for (int run = 0; run < 2; run++) {
            Tensor got = (Tensor) Executor.run(g, in, null).get("y");
            assertEquals(want.length, got.size());
            for (int i = 0; i < want.length; i++) {
                assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got.data()[i]), "run " + run + ", " + i);
            }
        }
    }

    @Test
    void largeWeightsAreLaidOutAgainOnlyWhereTheHeapHasRoom() {
        assertEquals(1 << 25, TransposedGemmWeights.limit(1L << 30)); // 1 GB heap: the fixed 128 MB
        assertEquals((3L << 30) / 64, TransposedGemmWeights.limit(3L << 30)); // a sixteenth of 3 GB
        assertEquals(1 << 27, TransposedGemmWeights.limit(12L << 30)); // never past 512 MB
        assertTrue(TransposedGemmWeights.limit(3L << 30) > 9216 * 4096); // AlexNet's first classifier layer
    }

    @Test
    void anAThatDoesNotFitBGetsTheNodesOwnMessage() {
        Graph g = new ModelBuilder(13).input("a", 1, 8).init("w", ModelBuilder.random(1, -1, 1, 4, 6))
                .node("Gemm", List.of("a", "w"), "y", ModelBuilder.integer("transB", 1)).output("y").build();
        Exception e = assertThrows(RuntimeException.class,
                () -> Executor.run(g, Map.of("a", ModelBuilder.random(3, -1, 1, 1, 8)), null));
        assertTrue(String.valueOf(e.getMessage()).contains("op(A) 1x8, op(B) 6x4"), e.getMessage()); // B as the node has it
    }
}
