package qsh.commands.algorithms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import qsh.commands.Interpreter;
import qsh.commands.spi.CommandException;

/** autoquant walks its steps, stops once the target is met, and leaves the best model in the session. */
class AutoQuantCommandTest {
    static final String LIST = Path.of("..", "scripts", "data", "demo", "input_list.txt").toAbsolutePath().toString();

    @Test
    @SuppressWarnings("unchecked")
    void stopsAtTheFirstStepWithinTheDropAndKeepsTheBest() {
        Interpreter in = new Interpreter();
        // a generous drop: W8A8 already meets it, so only step 1 runs
        Map<String, Object> easy = (Map<String, Object>) in.execute("autoquant " + LIST
                + " --eval fashion-mnist --limit 200 --allowed-drop 5").result().data();
        assertEquals(1, ((List<?>) easy.get("steps")).size());
        // no drop allowed at 4 bits: every step runs (none reaches float here), the best is kept
        Map<String, Object> hard = (Map<String, Object>) in.execute("autoquant " + LIST
                + " --eval fashion-mnist --limit 200 --allowed-drop 0 --weight-bw 4 --per-channel --adaround-iterations 10")
                .result().data();
        List<Map<String, Object>> steps = (List<Map<String, Object>>) hard.get("steps");
        assertTrue(steps.size() >= 5, steps.toString());
        assertTrue(steps.get(steps.size() - 1).get("step").toString().startsWith("5 AMP"), steps.toString());
        double best = steps.stream().mapToDouble(s -> (Double) s.get("score")).max().orElseThrow();
        assertEquals(best, (Double) hard.get("result_score"), 1e-9);
        assertTrue(in.session().model().orElseThrow().quantized());
    }

    @Test
    void needsAnEvaluation() {
        Interpreter in = new Interpreter();
        CommandException e = assertThrows(CommandException.class, () -> in.execute("autoquant " + LIST));
        assertTrue(e.getMessage().contains("--eval"), e.getMessage());
    }
}
