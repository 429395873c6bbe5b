package qsh.commands.equalize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qsh.commands.Interpreter;
import qsh.core.workflow.ModelState;
import qsh.commands.spi.CommandException;
import qsh.core.sim.QuantizationPlan;

/**
 * Undo never loses work silently (issue 17): a calibration made after the undone transform is dropped with a line
 * saying so, overrides loaded after it are kept, and the plan-changing algorithms (amp here) are undoable.
 */
class HonestUndoTest {
    static final Path LIST = Path.of("..", "scripts", "data", "demo", "input_list.txt").toAbsolutePath();

    @Test
    @SuppressWarnings("unchecked")
    void undoingAFoldSaysThatTheLaterCalibrationIsDiscarded(@TempDir Path dir) {
        Interpreter in = new Interpreter();
        in.execute("fold-bn");
        in.execute("calibrate " + LIST);
        assertTrue(in.session().requireModel().quantized());
        Map<String, Object> d = (Map<String, Object>) in.execute("undo --json").result().data();
        assertTrue(((String) d.get("undone")).startsWith("fold-bn"), d.toString());
        List<String> discarded = (List<String>) d.get("discarded");
        assertEquals(1, discarded.size(), d.toString());
        assertTrue(discarded.get(0).contains("run calibrate again"), discarded.get(0));

        in.execute("fold-bn");
        in.execute("calibrate " + LIST);
        String undone = String.join("\n", in.execute("undo").result().lines());
        assertTrue(undone.contains("discarded the quantization made after it (W8A8 per-tensor"), undone);
        assertFalse(in.session().requireModel().quantized());
        assertThrows(CommandException.class, () -> in.execute("export " + dir.resolve("o.onnx")),
                "export says the model is not quantized instead of writing the discarded plan");
        assertTrue(String.join("\n", in.execute("fold-bn").result().lines()).startsWith("folded"));
        String plain = String.join("\n", in.execute("undo").result().lines());
        assertFalse(plain.contains("discarded"), "nothing was made after this fold: " + plain);
    }

    @Test
    void overridesLoadedAfterATransformAreKept(@TempDir Path dir) {
        Interpreter in = new Interpreter();
        in.execute("calibrate " + LIST + " --save " + dir.resolve("enc.json"));
        in.execute("encodings clear");
        in.execute("fold-bn");
        in.execute("encodings load " + dir.resolve("enc.json"));
        var loaded = in.session().requireModel().overrides();
        String undone = String.join("\n", in.execute("undo").result().lines());
        assertTrue(undone.contains("kept the overrides loaded after it"), undone);
        assertSame(loaded, in.session().requireModel().overrides());
    }

    @Test
    void ampCanBeUndone() {
        Interpreter in = new Interpreter();
        in.execute("calibrate " + LIST);
        ModelState calibrated = in.session().requireModel();
        QuantizationPlan before = calibrated.plan();
        in.execute("amp " + LIST + " --candidates 8/8,16/16 --samples 4");
        assertFalse(before == in.session().requireModel().plan());
        String undone = String.join("\n", in.execute("undo").result().lines());
        assertTrue(undone.startsWith("undid amp"), undone);
        assertSame(before, in.session().requireModel().plan(), "the calibration before amp is back");
    }
}
