package qsh.commands.equalize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qsh.commands.Interpreter;
import qsh.core.workflow.ModelState;
import qsh.commands.spi.CommandException;
import qsh.core.graph.Graph;
import qsh.core.modelio.OnnxWriter;

/** fold-bn, cle plan/step/apply, absorb-bias and undo on the demo model. */
class EqualizeCommandsTest {
    private static String text(Interpreter in, String line) {
        return String.join("\n", in.execute(line).result().lines());
    }

    @Test
    void planListsChainsWithTheirNumbersAndSkippedConvs() {
        Interpreter in = new Interpreter();
        Graph before = in.session().requireModel().graph();
        String plan = text(in, "cle plan --rows 2");
        assertTrue(plan.startsWith("CLE plan for demo: 5 chains"), plan);
        assertTrue(plan.contains("first folds 17 batch norms") && plan.contains("first replaces 12 ReLU6 by ReLU"), plan);
        assertTrue(plan.contains("r0           r1           r2          s12          s23"), plan);
        assertTrue(plan.contains("… 30 more channels"), plan);
        assertTrue(plan.contains("skipped 7 convs") && plan.contains("output feeds 2 nodes"), plan);
        assertSame(before, in.session().requireModel().graph(), "plan changes nothing");
        @SuppressWarnings("unchecked")
        Map<String, Object> d = (Map<String, Object>) in.execute("cle plan --json").result().data();
        List<?> chains = (List<?>) d.get("chains");
        assertEquals(5, chains.size());
        assertEquals(32, ((List<?>) ((Map<?, ?>) chains.get(0)).get("channels")).size(), "--json has every channel");
        String keep = text(in, "cle plan --keep-relu6");
        assertTrue(keep.startsWith("CLE plan for demo: 0 chains") && keep.contains("(ReLU6) after"), keep);
    }

    @Test
    void stepApplyAbsorbAndUndoRestoreEachState() {
        Interpreter in = new Interpreter();
        ModelState loaded = in.session().requireModel();
        assertTrue(text(in, "undo").startsWith("nothing to undo"));
        text(in, "fold-bn");
        ModelState folded = in.session().requireModel();
        assertEquals(0, folded.graph().opCounts().getOrDefault("BatchNormalization", 0));
        assertEquals(17, folded.batchNorms().byLayer().size());
        String step = text(in, "cle step --explain");
        assertTrue(step.contains("equalized chain 1 of 5") && step.contains("before → after") && step.contains("c = ∛("), step);
        ModelState stepped = in.session().requireModel();
        assertTrue(text(in, "cle step").contains("chain 2 of 5"));
        String apply = text(in, "cle apply");
        assertTrue(apply.contains("equalized 3 chains (2 already were)"), apply);
        assertTrue(text(in, "cle apply").startsWith("all 5 chains are already equalized"));
        text(in, "absorb-bias");
        assertEquals(4, in.session().undoDepth(), "fold-bn, 2 steps, apply (absorb-bias changed nothing on the demo)");
        assertTrue(text(in, "undo").startsWith("undid cle apply"));
        assertTrue(text(in, "undo").startsWith("undid cle step (chain 2 of 5)"));
        assertSame(stepped, in.session().requireModel());
        text(in, "undo");
        assertSame(folded, in.session().requireModel());
        text(in, "undo");
        assertSame(loaded, in.session().requireModel());
        assertTrue(text(in, "undo").startsWith("nothing to undo"));
    }

    @Test
    void aModelWithoutChainsSaysSoAndStaysUnchanged(@TempDir Path dir) throws Exception {
        Interpreter in = new Interpreter();
        in.execute("fold-bn");
        in.execute("cle apply --keep-relu6");
        ModelState m = in.session().requireModel();
        Path file = dir.resolve("folded.onnx");
        Files.write(file, OnnxWriter.toProto(m.graph()).toByteArray());
        in.execute("load " + file);
        ModelState reloaded = in.session().requireModel();
        String out = text(in, "cle apply --keep-relu6");
        assertTrue(out.startsWith("no chain to equalize"), out);
        assertSame(reloaded, in.session().requireModel());
        assertTrue(text(in, "undo").startsWith("nothing to undo"), "load forgets the old model's transforms");
        String hba = text(in, "absorb-bias");
        assertTrue(hba.contains("no CLE chain"), hba);
    }

    @Test
    void absorbWithoutBatchNormDataRunsPartiallyWithTheSpecMessage(@TempDir Path dir) throws Exception {
        Interpreter in = new Interpreter();
        in.execute("fold-bn");
        in.execute("cle apply");
        Path file = dir.resolve("equalized.onnx");
        Files.write(file, OnnxWriter.toProto(in.session().requireModel().graph()).toByteArray());
        in.execute("load " + file);
        String out = text(in, "absorb-bias");
        assertTrue(out.contains("Invalid model for HBA quantization algorithm."), out);
    }

    static final Path DEMO_LIST = Path.of("..", "scripts", "data", "demo", "input_list.txt").toAbsolutePath().normalize();

    @Test
    void everyTransformSaysHowMuchItChangedTheFloatOutputs() {
        Interpreter in = new Interpreter();
        String fold = text(in, "fold-bn");
        assertTrue(fold.contains("float outputs on 4 random inputs: changed by < 1e-6 of the output range (within 1e-4)"), fold);
        String cle = text(in, "cle apply --input-list " + DEMO_LIST);
        // ReLU6 → ReLU changes the demo's function where activations exceeded 6: said with the figure
        assertTrue(cle.contains("warning: this changed the float outputs by 0.035 of the output range")
                && cle.contains("8 calibration inputs"), cle);
        String hba = text(in, "absorb-bias --input-list " + DEMO_LIST + " --explain");
        // the demo's pre-activations reach 0 on every channel of its samples: the data allow no c > 0
        assertTrue(hba.contains("every channel's pre-activation reaches 0 or below on the 8 inputs"), hba);
        assertTrue(hba.contains("c = max(0, min z) over the calibration inputs"), hba);
        assertTrue(hba.contains("float outputs: unchanged"), hba);
    }

    @Test
    void helpAndMessagesUseTheSpecsPattern() {
        Interpreter in = new Interpreter();
        in.execute("fold-bn");
        in.execute("cle apply --keep-relu6");
        String none = text(in, "cle apply --keep-relu6");
        assertTrue(none.contains("Conv → BN → (ReLU) → Conv") && none.contains("BN is required for the full algorithm")
                && none.contains("Invalid model for HBA quantization algorithm."), none);
    }

    @Test
    void failingCommandsLeaveTheSessionAsItWas() {
        Interpreter in = new Interpreter();
        in.execute("fold-bn");
        ModelState m = in.session().requireModel();
        int depth = in.session().undoDepth();
        assertThrows(CommandException.class, () -> in.execute("cle jump"));
        assertThrows(CommandException.class, () -> in.execute("fold-bn extra"));
        assertThrows(CommandException.class, () -> in.execute("cle step --rows x"));
        assertSame(m, in.session().requireModel());
        assertEquals(depth, in.session().undoDepth());
        // and the fold's record of the demo's 17 batch norms (β, γ for high-bias absorption) is intact
        assertEquals(17, in.session().requireModel().batchNorms().byLayer().size());
    }
}
