package qsh.core.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static qsh.core.testing.ModelBuilder.ints;
import static qsh.core.testing.ModelBuilder.random;
import static qsh.core.testing.ModelBuilder.tensor;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import qsh.core.graph.Graph;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.Tensor;
import qsh.core.testing.ModelBuilder;

/**
 * Constant subgraphs become initializers: a weight made by ConstantOfShape, a bias reached through Reshape (the
 * PaddleOCR detector's pattern), a chain of them; the model computes the same; what is not constant stays.
 */
class ConstantFolderTest {
    /** x → Conv(w = ConstantOfShape([4,3,3,3]) of 0.1) → Add(Reshape(b, [1,4,1,1])) → Relu; b only read by Reshape. */
    private static Graph detectorPattern() {
        return new ModelBuilder(13).input("x", 1, 3, 8, 8)
                .init("wshape", new long[] {4}, 4, 3, 3, 3)
                .init("b", random(1, -1, 1, 4))
                .init("bshape", new long[] {4}, 1, 4, 1, 1)
                .node("ConstantOfShape", List.of("wshape"), "w",
                        tensor("value", Tensor.vector(0.1f)))
                .node("Conv", List.of("x", "w"), "c", ints("pads", 1, 1, 1, 1))
                .node("Reshape", List.of("b", "bshape"), "b4")
                .node("Add", List.of("c", "b4"), "a")
                .node("Relu", List.of("a"), "y").output("y").build();
    }

    @Test
    void weightsAndBiasesReachedThroughOpsBecomeInitializers() {
        Graph g = detectorPattern();
        ConstantFolder.Result r = ConstantFolder.fold(g);
        assertEquals(2, r.foldedNodes());
        assertEquals(Map.of("ConstantOfShape", 1, "Reshape", 1), r.foldedOps());
        assertEquals("ConstantOfShape, Reshape", r.summary());
        Graph f = r.graph();
        assertEquals(List.of("Conv", "Add", "Relu"), f.nodes().stream().map(n -> n.opType()).toList());
        assertArrayEquals(new int[] {4, 3, 3, 3}, ((Tensor) f.weights().get("w")).shape());
        assertArrayEquals(new int[] {1, 4, 1, 1}, ((Tensor) f.weights().get("b4")).shape());
        assertEquals(1, f.weightTypes().get("w"));
        assertFalse(f.weights().containsKey("b"), "the bias only the Reshape read is gone with it");
        assertFalse(f.weights().containsKey("wshape"));
        assertFalse(f.weights().containsKey("bshape"));
        Tensor x = random(7, -1, 1, 1, 3, 8, 8);
        Tensor before = (Tensor) Executor.run(g, Map.of("x", x), null).get("y");
        Tensor after = (Tensor) Executor.run(f, Map.of("x", x), null).get("y");
        assertArrayEquals(before.data(), after.data(), 0f, "same results, bit for bit");
    }

    @Test
    void aReshapeViewGetsItsOwnArray() {
        Graph g = new ModelBuilder(13).input("x", 2, 2)
                .init("b", random(1, -1, 1, 4)).init("s", new long[] {2}, 2, 2)
                .node("Reshape", List.of("b", "s"), "b2")
                .node("Add", List.of("x", "b2"), "y")
                .node("Mul", List.of("b", "b"), "z")
                .output("y").output("z").build();
        Graph f = ConstantFolder.fold(g).graph();
        Tensor b = (Tensor) f.weights().get("b");
        Tensor b2 = (Tensor) f.weights().get("b2");
        assertTrue(b != null && b2 != null, "b is still read by Mul");
        assertFalse(b.data() == b2.data(), "the folded value does not share the weight's array");
        assertArrayEquals(b.data(), b2.data(), 0f);
    }

    @Test
    void nothingConstantLeavesTheGraphAsItWas() {
        Graph g = new ModelBuilder(13).input("x", 2, 2).init("b", random(1, -1, 1, 2, 2))
                .node("Add", List.of("x", "b"), "y").output("y").build();
        ConstantFolder.Result r = ConstantFolder.fold(g);
        assertSame(g, r.graph());
        assertEquals(0, r.foldedNodes());
    }

    @Test
    void quantizeDequantizeAndGraphOutputsStay() {
        Graph g = new ModelBuilder(13).input("x", 4)
                .init("q", new long[] {4}, 1, -2, 3, 4)
                .init("scale", Tensor.vector(0.5f))
                .node("DequantizeLinear", List.of("q", "scale"), "w")
                .node("Add", List.of("x", "w"), "y")
                .init("c", new long[] {1}, 5)
                .node("Neg", List.of("c"), "negc")
                .output("y").output("negc").build();
        ConstantFolder.Result r = ConstantFolder.fold(g);
        assertEquals(0, r.foldedNodes(), "DequantizeLinear keeps the model's own quantization; a graph output stays produced");
    }

    @Test
    void aClaimedHugeConstantIsNotAllocated() {
        Graph g = new ModelBuilder(13).input("x", 1)
                .init("shape", new long[] {3}, 1 << 20, 1 << 20, 1 << 10)
                .node("ConstantOfShape", List.of("shape"), "big")
                .node("ReduceSum", List.of("big"), "s")
                .node("Add", List.of("x", "s"), "y").output("y").build();
        ConstantFolder.Result r = ConstantFolder.fold(g); // 2^50 elements: would throw OutOfMemoryError if allocated
        assertEquals(0, r.foldedNodes());
    }

    @Test
    void integerResultsKeepTheirType() {
        Graph g = new ModelBuilder(13).input("x", 1, 6)
                .init("s", new long[] {2}, 2, 3)
                .node("Cast", List.of("s"), "s32", qsh.core.testing.ModelBuilder.integer("to", 6))
                .node("Cast", List.of("s32"), "s64", qsh.core.testing.ModelBuilder.integer("to", 7))
                .node("Reshape", List.of("x", "s64"), "y").output("y").build();
        ConstantFolder.Result r = ConstantFolder.fold(g);
        assertEquals(2, r.foldedNodes());
        assertEquals(7, r.graph().weightTypes().get("s64"));
        assertArrayEquals(new long[] {2, 3}, ((LongTensor) r.graph().weights().get("s64")).data());
    }
}
