package qsh.core.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import qsh.core.graph.Graph;
import qsh.core.tensor.MemoryBudget;
import qsh.core.tensor.Tensor;
import qsh.core.testing.ModelBuilder;

/** Outputs over the memory budget are refused before they are allocated, naming the node and the shape. */
class MemoryBudgetTest {
    @AfterEach
    void restore() {
        MemoryBudget.set(0);
    }

    @Test
    void sizesParseAndPrint() {
        assertEquals(512L << 20, MemoryBudget.parse("512m"));
        assertEquals(2L << 30, MemoryBudget.parse("2G"));
        assertEquals(1536L << 20, MemoryBudget.parse("1.5g"));
        assertEquals(1000, MemoryBudget.parse("1000"));
        assertEquals(0, MemoryBudget.parse("auto"));
        assertThrows(IllegalArgumentException.class, () -> MemoryBudget.parse("-1g"));
        assertThrows(IllegalArgumentException.class, () -> MemoryBudget.parse("lots"));
        assertEquals("6.0 GB", MemoryBudget.describe(40000L * 40000 * 4));
        assertEquals("512 B", MemoryBudget.describe(512));
        assertEquals(Long.MAX_VALUE, MemoryBudget.bytesOf(new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE}, 4));
        assertEquals(MemoryBudget.defaultBytes(), MemoryBudget.bytes());
    }

    @Test
    void aStaticShapeOverTheBudgetIsRefusedBeforeAnyNodeRuns() {
        Graph g = new ModelBuilder(17).input("x", 1, 1).init("s", new long[] {2}, 3000, 3000)
                .node("Expand", List.of("x", "s"), "y").output("y").build();
        MemoryBudget.set(16L << 20);
        MemoryBudget.Exceeded e = assertThrows(MemoryBudget.Exceeded.class,
                () -> Executor.run(g, Map.of("x", Tensor.zeros(1, 1)), null));
        assertEquals("node 'Expand_1' (Expand): output [3000, 3000] needs 34.3 MB, over the memory budget of 16.0 MB"
                + " (set memory-budget SIZE to change it)", e.getMessage());
        MemoryBudget.set(64L << 20);
        assertEquals(9_000_000, ((Tensor) Executor.run(g, Map.of("x", Tensor.zeros(1, 1)), null).get("y")).size());
    }

    @Test
    void aShapeComputedFromTheInputIsCheckedWhenTheNodeRuns() {
        // Expand to x's own values: unknown to static inference, known when the node runs
        Graph g = new ModelBuilder(17).typedInput("s", 7, 2).init("one", new long[] {1}, 1)
                .node("Cast", List.of("one"), "f", ModelBuilder.integer("to", 1))
                .node("Expand", List.of("f", "s"), "y").output("y").build();
        MemoryBudget.set(16L << 20);
        MemoryBudget.Exceeded e = assertThrows(MemoryBudget.Exceeded.class,
                () -> Executor.run(g, Map.of("s", qsh.core.tensor.LongTensor.vector(5000, 5000)), null));
        assertEquals("(Expand): output [5000, 5000] needs 95.4 MB, over the memory budget of 16.0 MB"
                + " (set memory-budget SIZE to change it)", e.getMessage().substring(e.getMessage().indexOf(' ') + 1)
                .replaceFirst("^'[^']*' ", ""));
    }
}
