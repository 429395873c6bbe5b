package qsh.core.calib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.tensor.Tensor;
import qsh.core.testing.ModelBuilder;

/** The input list's '#' output-layer and '%' output-tensor lines (spec, "qairt-quantizer") become graph outputs. */
class RequestedOutputsTest {
    /** x → Relu_1 → r → Mul_2(r, c) → m → Shape_3 → s; Reshape_4(m, s) → y (the declared output). */
    private static Graph model() {
        return new ModelBuilder(13).input("x", 1, 4)
                .init("c", Tensor.of(new int[] {1, 4}, new float[] {1f, 2f, 3f, 4f}))
                .node("Relu", List.of("x"), "r")
                .node("Mul", List.of("r", "c"), "m")
                .node("Shape", List.of("m"), "s")
                .node("Reshape", List.of("m", "s"), "y")
                .output("y").build();
    }

    private static final Map<String, Tensor> PROBE = Map.of("x", Tensor.of(new int[] {1, 4}, new float[] {-1f, 0.5f, 2f, -3f}));

    private static InputList list(String header) {
        return InputList.parse(header + "a.raw\n", Path.of("."), "list.txt", false);
    }

    @Test
    void noOutputLinesChangeNothingAndRunNothing() {
        Graph g = model();
        RequestedOutputs.Result r = RequestedOutputs.apply(g, list(""), () -> {
            throw new AssertionError("no probe run without output lines");
        });
        assertSame(g, r.graph());
        assertTrue(r.none());
    }

    @Test
    void layersAndTensorsBecomeOutputsAfterTheDeclaredOnes() {
        RequestedOutputs.Result r = RequestedOutputs.apply(model(), list("#Relu_1\n%m y\n"), () -> PROBE);
        assertEquals(List.of("r", "m"), r.added());
        assertEquals(List.of("y"), r.already());
        assertEquals(List.of("y", "r", "m"), r.graph().outputs().stream().map(v -> v.name()).toList());
        assertEquals("[1, 4]", r.graph().outputs().get(2).shapeString());
        Map<String, Object> out = Executor.run(r.graph(), PROBE, null);
        assertEquals(3, out.size());
        assertEquals(6f, ((Tensor) out.get("m")).data()[2]); // relu(2) · 3
    }

    @Test
    void badNamesNameTheListFileAndLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RequestedOutputs.apply(model(), list("#Relu_1 nosuch\n"), () -> PROBE));
        assertEquals("list.txt:1: '#' output layer 'nosuch' is not a node of the model ('graph' lists the nodes;"
                + " '%' names a tensor instead)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RequestedOutputs.apply(model(), list("#Relu_1\n%r q\n"), () -> PROBE));
        assertTrue(e.getMessage().startsWith("list.txt:2: '%' output tensor 'q' is not a tensor of the model"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RequestedOutputs.apply(model(), list("%c\n"), () -> PROBE));
        assertTrue(e.getMessage().startsWith("list.txt:1: '%' output tensor 'c' is a weight"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RequestedOutputs.apply(model(), list("%s\n"), () -> PROBE));
        assertTrue(e.getMessage().startsWith("list.txt:1: '%' output tensor 's' holds integer data"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RequestedOutputs.apply(model(), list("#Shape_3\n"), () -> PROBE));
        assertTrue(e.getMessage().startsWith("list.txt:1: '#' output layer 'Shape_3' output 's' holds integer data"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
