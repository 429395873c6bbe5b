package qsh.core.exec.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.Tensor;
import qsh.core.testing.ModelBuilder;

/**
 * Inference Dropout passes X on; its mask, when a graph output, is all true in X's shape on every run, whatever shapes
 * ran between (the op keeps the last mask it made for the next run of that shape); without a mask output none is made.
 */
class DropoutTest {
    private static Graph withMask(long... dims) {
        return new ModelBuilder(9).input("x", dims).output("y").output("m")
                .node("Dropout", List.of("x"), List.of("y", "m")).build();
    }

    private static Tensor input(int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i * 0.5f - 3f;
        }
        return Tensor.of(shape, v);
    }

    @Test
    void theMaskIsAllTrueInTheInputsShapeOnEveryRun() {
        Graph a = withMask(1, 3, 4, 4);
        Graph b = withMask(2, 5);
        for (Graph g : List.of(a, b, a, a, b)) {
            int[] shape = g == a ? new int[] {1, 3, 4, 4} : new int[] {2, 5};
            Tensor x = input(shape);
            Map<String, Object> r = Executor.run(g, Map.of("x", x), null);
            assertArrayEquals(x.data(), ((Tensor) r.get("y")).data(), 0f);
            LongTensor m = (LongTensor) r.get("m");
            assertArrayEquals(shape, m.shape());
            assertEquals(x.size(), m.size());
            for (long v : m.data()) {
                assertEquals(1L, v);
            }
        }
    }

    @Test
    void withoutAMaskOutputOnlyYIsMade() {
        Graph g = new ModelBuilder(13).input("x", 1, 3, 4, 4).output("y").node("Dropout", List.of("x"), "y").build();
        Tensor x = input(1, 3, 4, 4);
        Map<String, Object> r = Executor.run(g, Map.of("x", x), null);
        assertArrayEquals(x.data(), ((Tensor) r.get("y")).data(), 0f);
        assertFalse(r.containsKey("m"));
    }
}
