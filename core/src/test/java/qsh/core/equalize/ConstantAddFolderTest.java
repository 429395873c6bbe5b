package qsh.core.equalize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static qsh.core.testing.ModelBuilder.integer;
import static qsh.core.testing.ModelBuilder.ints;
import static qsh.core.testing.ModelBuilder.random;
import static qsh.core.testing.ModelBuilder.real;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.tensor.Tensor;
import qsh.core.testing.ModelBuilder;

/**
 * A constant per-channel (or scalar) Add/Sub after a Conv, ConvTranspose or Gemm goes into the layer's bias; the
 * model computes the same (within the rounding of one addition); what cannot be squashed stays.
 */
class ConstantAddFolderTest {
    @ParameterizedTest(name = "{0} {1} with constant {2}, squashed: {3}")
    @CsvSource({
        "Conv, Add, '1,4,1,1', true", "Conv, Add, '4,1,1', true", "Conv, Sub, '1,4,1,1', true", "Conv, Add, '1', true",
        "Conv, Add, '1,4,5,5', false", "ConvTranspose, Add, '1,6,1,1', true", "Gemm, Add, '1,7', true",
        "Gemm, Sub, '7', true", "Gemm, Add, '3,7', false", "ConvNoBias, Add, '1,4,1,1', true",
        "MatMul, Add, '7', true", "MatMul, Add, '1,7', true", "MatMul3d, Add, '7', false"})
    void squashesPerChannelConstants(String layer, String op, String shape, boolean squashed) {
        int[] s = java.util.Arrays.stream(shape.split(",")).mapToInt(Integer::parseInt).toArray();
        ModelBuilder b = new ModelBuilder(13).init("c", random(9, -1, 1, s));
        int[] in;
        switch (layer) {
            case "Conv", "ConvNoBias" -> {
                in = new int[] {1, 3, 5, 5};
                b.input("x", 1, 3, 5, 5).init("w", random(1, -1, 1, 4, 3, 3, 3)).init("b", random(2, -1, 1, 4))
                        .node("Conv", layer.equals("Conv") ? List.of("x", "w", "b") : List.of("x", "w"), "l",
                                ints("pads", 1, 1, 1, 1));
            }
            case "ConvTranspose" -> {
                in = new int[] {1, 4, 3, 3};
                b.input("x", 1, 4, 3, 3).init("w", random(1, -1, 1, 4, 3, 2, 2)).init("b", random(2, -1, 1, 6))
                        .node("ConvTranspose", List.of("x", "w", "b"), "l", integer("group", 2), ints("strides", 2, 2));
            }
            case "MatMul", "MatMul3d" -> { // a fully-connected layer written as MatMul + Add: 2-D input only
                in = layer.equals("MatMul") ? new int[] {3, 5} : new int[] {2, 3, 5};
                b.input("x", java.util.Arrays.stream(in).asLongStream().toArray()).init("w", random(1, -1, 1, 5, 7))
                        .node("MatMul", List.of("x", "w"), "l");
            }
            default -> {
                in = new int[] {3, 5};
                b.input("x", 3, 5).init("w", random(1, -1, 1, 7, 5)).init("b", random(2, -1, 1, 7))
                        .node("Gemm", List.of("x", "w", "b"), "l", integer("transB", 1), real("beta", 0.5f));
            }
        }
        Graph g = b.node(op, List.of("l", "c"), "y").node("Relu", List.of("y"), "r").output("r").build();
        ConstantAddFolder.Result r = ConstantAddFolder.fold(g);
        assertEquals(squashed ? 1 : 0, r.squashes().size());
        Graph f = r.graph();
        assertEquals(squashed ? 2 : 3, f.nodes().size());
        if (squashed) {
            assertTrue(!f.weights().containsKey("c"), "the constant went into the bias");
            assertEquals("y", f.nodes().get(0).output(0), "the layer now produces the Add's output");
            assertTrue(f.nodes().get(0).attributes().get("beta") == null, "Gemm's beta is part of the new C");
            if (layer.equals("MatMul")) {
                assertEquals("Gemm", f.nodes().get(0).opType());
            }
        }
        Tensor x = random(5, -1, 1, in);
        float[] before = ((Tensor) Executor.run(g, Map.of("x", x), null).get("r")).data();
        float[] after = ((Tensor) Executor.run(f, Map.of("x", x), null).get("r")).data();
        assertArrayEquals(before, after, 1e-5f);
    }
}
