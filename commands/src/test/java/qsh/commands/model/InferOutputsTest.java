package qsh.commands.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import qsh.commands.Interpreter;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.ModelLoader;
import qsh.core.testing.ModelBuilder;
import qsh.core.workflow.ModelState;

/**
 * What {@code infer} feeds and how it reads the outputs (issue 16): an integer input is refused instead of fed
 * random fractions, and an output that is already a probability distribution is shown as it is, not through a second
 * softmax.
 */
class InferOutputsTest {
    @Test
    void anIntegerInputIsRefusedWithOneLine() {
        Interpreter in = new Interpreter();
        in.session().model(ModelState.loaded(new ModelBuilder(13).typedInput("ids", 7, 1, 4)
                .node("Cast", List.of("ids"), "y", ModelBuilder.integer("to", 1)).output("y").build(), "ids.onnx"));
        CommandException e = assertThrows(CommandException.class, () -> in.execute("infer --random"));
        assertEquals("input 'ids' is INT64: infer feeds float32 values only (--random and NAME:=FILE.raw), so it cannot"
                + " run this model", e.getMessage());
    }

    @Test
    void probabilitiesAreShownAsTheyAreAndLogitsThroughSoftmax() {
        assertTrue(Inference.isDistribution(new float[] {0.25f, 0.75f}));
        assertFalse(Inference.isDistribution(new float[] {0.25f, 0.5f}), "does not sum to 1");
        assertFalse(Inference.isDistribution(new float[] {1.5f, -0.5f}), "outside [0, 1]");
        // PaddleOCR's classifier ends in Softmax (read from the Maven artifact by file name)
        Interpreter in = new Interpreter();
        in.execute("load ch_ppocr_mobile_v2.0_cls_infer.onnx --input_dim x 1,3,48,192");
        Interpreter.Outcome o = in.execute("infer --random --seed 1 --json");
        @SuppressWarnings("unchecked")
        Map<String, Object> out = ((List<Map<String, Object>>) ((Map<String, Object>) o.result().data()).get("outputs")).get(0);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> top = (List<Map<String, Object>>) out.get("top5");
        for (Map<String, Object> x : top) {
            assertEquals(((Number) x.get("logit")).doubleValue(), ((Number) x.get("probability")).doubleValue(), 1e-7,
                    "a probability is its own value");
        }
        List<String> lines = in.execute("infer --random --seed 1").result().lines();
        assertTrue(lines.stream().anyMatch(l -> l.contains("top-5 (the output is already probabilities)")), lines.toString());
        // the demo ends in logits: softmax applies
        Interpreter demo = new Interpreter();
        List<String> d = demo.execute("infer --random --seed 1").result().lines();
        assertTrue(d.stream().anyMatch(l -> l.startsWith("    top-5:")), d.toString());
    }

    @Test
    void aBundledModelNotesWhereItCameFromAndAFileOfThatNameWins() {
        List<String> lines = new Interpreter().execute("load ch_ppocr_mobile_v2.0_cls_infer.onnx").result().lines();
        assertTrue(lines.stream().anyMatch(l -> l.contains("read the copy in Maven's " + ModelLoader.MAVEN_MODELS)),
                lines.toString());
        assertEquals(null, ModelLoader.mavenResource(java.nio.file.Path.of("nothing-like-it.onnx")));
    }
}
