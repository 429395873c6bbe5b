package qsh.core.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static qsh.core.testing.ModelBuilder.ints;
import static qsh.core.testing.ModelBuilder.real;

import java.util.List;
import org.junit.jupiter.api.Test;
import qsh.core.graph.Graph;
import qsh.core.tensor.Tensor;
import qsh.core.testing.ModelBuilder;

/** The schema check names the first node that breaks its opset's schema, in one line, and passes valid models. */
class SchemaCheckTest {
    static ModelBuilder model(long opset) {
        return new ModelBuilder(opset).input("x", 1, 3, 4, 4).output("y");
    }

    @Test
    void anAttributeThatBecameAnInputIsRejectedInOneLine() {
        Graph g = model(13).node("Squeeze", List.of("x"), "y", ints("axes", 0)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SchemaCheck.requireValid(g, "m.onnx"));
        assertEquals("m.onnx is not a valid opset-13 model: node 'Squeeze_1' (Squeeze-13): attribute 'axes' is not"
                + " allowed at opset 13 (no attributes)", e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void theOldFormIsValidAtItsOwnOpset() {
        assertEquals(List.of(), SchemaCheck.problems(model(11).node("Squeeze", List.of("x"), "y", ints("axes", 0)).build()));
        assertEquals(List.of(), SchemaCheck.problems(model(9).node("Dropout", List.of("x"), List.of("y", "m"),
                real("ratio", 0.2f)).build()));
    }

    @Test
    void inputCountsDeprecatedAndTooNewOpsAreNamed() {
        Graph missingInput = model(13).node("Unsqueeze", List.of("x"), "y").build();
        assertTrue(SchemaCheck.problems(missingInput).get(0).contains("1 input(s), the schema takes 2"));
        Graph upsample = model(13).init("s", Tensor.vector(1, 1, 2, 2)).node("Upsample", List.of("x", "s"), "y").build();
        assertTrue(SchemaCheck.problems(upsample).get(0).contains("Upsample is deprecated since opset 10"));
        Graph hardSwish = model(13).node("HardSwish", List.of("x"), "y").build();
        assertTrue(SchemaCheck.problems(hardSwish).get(0).contains("HardSwish does not exist before opset 14"));
        Graph dropoutAttr = model(13).node("Dropout", List.of("x"), "y", real("ratio", 0.5f)).build();
        assertTrue(SchemaCheck.problems(dropoutAttr).get(0).contains("attribute 'ratio' is not allowed at opset 13"));
        Graph noKernel = model(13).node("MaxPool", List.of("x"), "y").build();
        assertTrue(SchemaCheck.problems(noKernel).get(0).contains("required attribute 'kernel_shape' is missing"));
    }

    @Test
    void everyProblemIsCountedButOnlyTheFirstSpelledOut() {
        Graph g = model(13).node("Squeeze", List.of("x"), "a", ints("axes", 0))
                .node("Unsqueeze", List.of("a"), "y", ints("axes", 0)).build();
        assertEquals(2, SchemaCheck.problems(g).size());
        String m = assertThrows(IllegalArgumentException.class, () -> SchemaCheck.requireValid(g, "m")).getMessage();
        assertTrue(m.endsWith("(and 1 more node(s))"), m);
    }

    @Test
    void opsOutsideTheTableAndOtherDomainsAreNotJudged() {
        Graph g = model(13).node("Celu", List.of("x"), "y", real("whatever", 1f)).build();
        assertEquals(List.of(), SchemaCheck.problems(g));
    }

    @Test
    void theTableFollowsOnnxVersions() {
        assertEquals(13, OpSchemas.at("Squeeze", 17).since());
        assertEquals(11, OpSchemas.at("Squeeze", 12).since());
        assertEquals(18, OpSchemas.at("ReduceMean", 21).since());
        assertTrue(OpSchemas.at("ReduceSum", 13).attributes().contains("noop_with_empty_axes"));
        assertTrue(OpSchemas.changes("Clip", 9, 13));
        assertFalse(OpSchemas.changes("Relu", 6, 13) && OpSchemas.at("Relu", 6).attributes().size() > 0);
    }
}
