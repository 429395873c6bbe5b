package qsh.commands.algorithms;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** amp on the demo: the chosen mix is cheaper than all-highest, within the allowed drop, and becomes the model. */
class AmpCommandTest {
    static final String LIST = Path.of("..", "scripts", "data", "demo", "input_list.txt").toAbsolutePath().toString();

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void choosesACheaperMixWithinTheAllowedDrop() throws Exception {
        Interpreter in = new Interpreter();
        Path pareto = dir.resolve("pareto.json");
        Map<String, Object> data = (Map<String, Object>) in.execute("amp " + LIST + " --candidates 16/16,8/8 --allowed-drop 6"
                + " --search bruteforce --pareto " + pareto + " --png " + dir.resolve("p.png")).result().data();
        Map<String, Object> chosen = (Map<String, Object>) data.get("chosen");
        double baseline = (Double) data.get("baseline");
        assertTrue((Double) chosen.get("relative_bitops") < 1.0, "a cheaper mix: " + chosen);
        assertTrue((Double) chosen.get("score") >= baseline - 6, chosen + " vs " + baseline);
        List<Map<String, Object>> points = (List<Map<String, Object>>) data.get("pareto");
        assertEquals(19, points.size(), "brute force scores every step: 18 groups lowered one by one, plus all-highest");
        assertTrue(Files.size(pareto) > 100 && Files.size(dir.resolve("p.png")) > 10_000);
        ModelState m = in.session().model().orElseThrow();
        assertTrue(m.quantized() && !m.overrides().isEmpty(), "the chosen mix is the session's model");
        long int16 = m.plan().ops().values().stream().filter(p -> p.isInt() && p.bitwidth() == 16).count();
        long int8 = m.plan().ops().values().stream().filter(p -> p.isInt() && p.bitwidth() == 8).count();
        assertTrue(int16 > 0 && int8 > 0, "a mix: " + int16 + " int16 and " + int8 + " int8 ops");
    }

    @Test
    void badCandidatesAreOneLine() {
        Interpreter in = new Interpreter();
        CommandException e = assertThrows(CommandException.class, () -> in.execute("amp " + LIST + " --candidates 8"));
        assertTrue(e.getMessage().contains("ACT/PARAM"), e.getMessage());
    }
}
