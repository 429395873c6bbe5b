package qsh.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.SessionTensor;
import qsh.commands.spi.Settings;

/** A failing command leaves the session exactly as it was (tensors and settings). */
class SessionAtomicityTest {
    @ParameterizedTest
    @ValueSource(strings = {
        "let x = [1, y]", "let x = normal 0x3", "let 9x = [1]", "quantize x --bw 99", "quantize x --per-channel 5",
        "quantize x --as 'bad name'", "dequantize x", "set bitwidth 1", "set mode fancy", "pack x", "unpack 4g",
        "let x = uniform 3 --lo 1 --hi 0", "encode x --per-channel 3", "hist nosuch", "quantize x --bw 32",
        "node NoSuchNode", "infer --random --shape 2x2", "ranges NoSuchNode", "load /no/such/model.onnx",
        "cle jump", "fold-bn extra", "cle step --rows x", "undo extra",
    })
    void failingCommandChangesNothing(String line) {
        Interpreter in = new Interpreter();
        in.execute("let x = [[-1.5, 0.25], [3.0, 4.5]]");
        in.execute("set bitwidth 4");
        Map<String, SessionTensor> before = Map.copyOf(in.session().tensors());
        float[] data = in.session().tensor("x").tensor().data().clone();
        Settings settings = in.session().settings();
        assertThrows(CommandException.class, () -> in.execute(line));
        assertEquals(before, Map.copyOf(in.session().tensors()));
        assertEquals(List.of(data[0], data[1], data[2], data[3]), List.of(in.session().tensor("x").tensor().data()[0],
                in.session().tensor("x").tensor().data()[1], in.session().tensor("x").tensor().data()[2],
                in.session().tensor("x").tensor().data()[3]));
        assertEquals(settings, in.session().settings());
        assertEquals(java.util.Optional.empty(), in.session().model(), "the demo model must not stay loaded after a failure");
    }
}
