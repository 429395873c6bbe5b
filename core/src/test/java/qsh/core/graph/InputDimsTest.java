package qsh.core.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.core.exec.Executor;
import qsh.core.modelio.OnnxReader;
import qsh.core.modelio.OnnxWriter;
import qsh.core.tensor.Tensor;
import qsh.core.testing.ModelBuilder;

/** --input_dim and the batch-1 rule: what is bound, what stays open, what is refused, what export declares. */
class InputDimsTest {
    /** x [batch, 3, H, W] → Relu: a torch-style export with every dimension but the channels symbolic. */
    private static Graph model() {
        return new ModelBuilder(13).input("x", -1, 3, -1, -1).output("y").node("Relu", List.of("x"), "y").build();
    }

    @Test
    void anOpenBatchBecomesOneWithANote() {
        InputDims.Binding b = InputDims.bind(model(), Map.of());
        assertArrayEquals(new long[] {1, 3, -1, -1}, b.graph().inputs().get(0).dims());
        assertEquals(1, b.notes().size());
        assertTrue(b.notes().get(0).contains("batch dimension") && b.notes().get(0).contains("set to 1"), b.notes().get(0));
        assertFalse(InputDims.allBound(b.graph()));
        String msg = InputDims.unboundMessage(b.graph().inputs().get(0));
        assertTrue(msg.contains("--input_dim x 1,3,d2,d3"), msg);
    }

    @Test
    void inputDimBindsEveryDimensionAndTheExportKeepsTheDeclaredSignature() throws Exception {
        Graph g = InputDims.bind(model(), InputDims.parse(List.of("x 1,3,48,320"))).graph();
        assertArrayEquals(new long[] {1, 3, 48, 320}, g.inputs().get(0).dims());
        assertTrue(InputDims.allBound(g));
        Tensor out = (Tensor) Executor.run(g, Map.of("x", Tensor.zeros(1, 3, 48, 320)), null).get("y");
        assertArrayEquals(new int[] {1, 3, 48, 320}, out.shape());
        // an edit keeps the declared inputs; the written file declares [d0, 3, d2, d3] again
        Graph edited = g.edited(g.nodes(), g.weights(), g.weightTypes());
        Graph reread = OnnxReader.read(new ByteArrayInputStream(OnnxWriter.toProto(edited).toByteArray()), "m");
        assertEquals("[d0, 3, d2, d3]", reread.inputs().get(0).shapeString());
    }

    @Test
    void aFixedModelIsLeftAlone() {
        Graph g = new ModelBuilder(13).input("x", 1, 4).output("y").node("Relu", List.of("x"), "y").build();
        InputDims.Binding b = InputDims.bind(g, Map.of());
        assertSame(g, b.graph());
        assertTrue(b.notes().isEmpty());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "y 1,3,4,4     | the model has no input of that name (inputs: x)",
        "x 1,3,4       | gives 3 dimensions but the input is [d0, 3, d2, d3]",
        "x 1,4,4,4     | dimension 1 is fixed to 3 by the model",
        "x 1,3,0,4     | dimension 2 is '0'; give positive integers",
        "x 1,3,a,4     | dimension 2 is 'a'",
        "x             | needs a name and comma-separated dimensions",
    })
    void badValuesAreOneLineNamingTheInput(String flag, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InputDims.bind(model(), InputDims.parse(List.of(flag))));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void anInputGivenTwiceIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> InputDims.parse(List.of("x 1,3,4,4", "x 1,3,5,5")));
    }
}
