package qsh.commands.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qsh.commands.Interpreter;
import qsh.commands.spi.CommandException;

/**
 * The one-line label of a quantized model says what it is (issue 16): weights at another width than the config's
 * (AMP's a8w4, a 4-bit weight override under an 8-bit op) make it "mixed precision" with the weights counted, not
 * "W8A8 per-tensor".
 */
class PlanLabelTest {
    @TempDir
    Path dir;

    @Test
    void aFourBitWeightUnderAnEightBitOpIsNamedMixed() throws Exception {
        Path list = Path.of("..", "scripts", "data", "demo", "input_list.txt").toAbsolutePath();
        Interpreter in = new Interpreter();
        in.execute("calibrate " + list);
        assertEquals("W8A8 per-tensor, bias 8, tf/tf", in.session().model().orElseThrow().plan().label());
        Files.writeString(dir.resolve("w4.json"), "{\"activation_encodings\": {}, \"param_encodings\":"
                + " {\"features.0.weight\": [{\"bitwidth\": 4, \"dtype\": \"int\"}]}}");
        in.execute("encodings load " + dir.resolve("w4.json"));
        in.execute("calibrate " + list);
        String label = in.session().model().orElseThrow().plan().label();
        assertTrue(label.startsWith("mixed precision, ops {int8="), label);
        assertTrue(label.contains("weights/biases {int4=1, int8="), label);
    }

    @Test
    void theOutputFolderIsCheckedBeforeAnythingRuns() {
        CommandException e = org.junit.jupiter.api.Assertions.assertThrows(CommandException.class, () -> new Interpreter()
                .execute("qairt-quantizer --input_network demo --input_list x.txt --output_path " + dir.resolve("no/q.onnx")));
        assertEquals(dir.resolve("no/q.onnx") + ": folder " + dir.resolve("no") + " does not exist: create it first (mkdir -p "
                + dir.resolve("no") + "); nothing was run", e.getMessage());
    }
}
