package qsh.commands.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.commands.Interpreter;

/**
 * Every number a command takes is checked before the command runs: a value outside its option's declared range is
 * one line naming the option and the range (issue 16: nothing clamped silently), and numbers the command cannot show
 * truthfully are refused with one line instead of printing Infinity or a rounded 32-bit grid value.
 */
class NumericArgumentsTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "hist [1, 2, 3] --bins 0                | --bins 0 is out of range: use 2 to 200",
        "hist [1, 2, 3] --bins 100000000        | --bins 100000000 is out of range: use 2 to 200",
        "hist [1, 2, 3] --width 100000          | --width 100000 is out of range: use 10 to 200",
        "hist [1, 2, 3] --width 3               | --width 3 is out of range: use 10 to 200",
        "sweep [1, 2, 3] --steps 1              | --steps 1 is out of range: use 2 to 200",
        "sweep [1, 2, 3] --from 0               | --from 0 is out of range: use 0.0001 to 0.99",
        "show [1, 2, 3] --edge 0                | --edge 0 is out of range: use 1 to 1000",
        "let t = longtail 100 --tail 2          | --tail 2 is out of range: use 0 to 1",
        "dataset fashion-mnist --out x --count 99999999 | --count 99999999 is out of range: use 1 to 60000",
        "dataset fashion-mnist --out x --count 0 | --count 0 is out of range: use 1 to 60000",
        "eval fashion-mnist --limit 0           | --limit 0 is out of range: use 1 to 10000",
        "ranges Conv_0 --max 0                  | --max 0 is out of range: use at least 1",
        "compare x.txt --limit 0                | --limit 0 is out of range: use at least 1",
        "profile --random --runs 0              | --runs 0 is out of range: use at least 1",
        "adaround x.txt --iterations 0          | --iterations 0 is out of range: use at least 1",
        "amp x.txt --allowed-drop -1            | --allowed-drop -1 is out of range: use at least 0",
        "cle step --width 500                   | --width 500 is out of range: use 10 to 80",
        "hist [1, 2, 3] --bins 1e3              | --bins needs an integer, not '1e3'"})
    void outOfRangeIsOneLineBeforeTheCommandRuns(String command, String message) {
        Interpreter in = new Interpreter();
        in.session().baseDir(dir);
        CommandException e = assertThrows(CommandException.class, () -> in.execute(command.strip()));
        assertEquals(message, e.getMessage());
        assertFalse(Files.exists(dir.resolve("x")), "nothing was written");
    }

    @Test
    void everyDefaultLiesInItsRange() {
        // the spec refuses it at construction; this pins that every command's spec was built (no range forgotten)
        Interpreter in = new Interpreter();
        int ranged = 0;
        for (Command c : in.registry().all()) {
            for (OptionSpec o : c.spec().allOptions()) {
                if (!o.rangeText().isEmpty()) {
                    ranged++;
                    assertTrue(o.description().contains(o.rangeText()), "help shows the range of --" + o.name());
                    if (o.defaultValue() != null) {
                        assertTrue(o.accepts(Double.parseDouble(o.defaultValue())), c.spec().name() + " --" + o.name());
                    }
                }
            }
        }
        assertTrue(ranged >= 25, ranged + " options declare a range");
    }

    @Test
    void aRangeIsRefusedOnAnOptionThatIsNotANumber() {
        assertThrows(IllegalArgumentException.class, () -> OptionSpec.value("name", "X", "text").range(1, 2));
        assertThrows(IllegalArgumentException.class, () -> OptionSpec.integer("n", "N", "text").defaults(0).atLeast(1));
    }

    @Test
    void aThirtyTwoBitGridShowsItsExactValues() {
        List<String> lines = new Interpreter().execute("encode [1, 2, 3] --bw 32").result().lines();
        // 3 / (2^32 - 1) steps: the top value is 2^32 - 1, not the float32 rounding 4294967296
        assertTrue(lines.contains("  quantized     [1431655765, 2863311530, 4294967295]"), String.join("\n", lines));
    }

    @Test
    void aRangeBeyondFloat32IsRefusedInsteadOfDequantizingToInfinity() {
        CommandException e = assertThrows(CommandException.class,
                () -> new Interpreter().execute("encode [3.4e38, -3.4e38]"));
        assertTrue(e.getMessage().contains("reaches past float32's largest value"), e.getMessage());
        assertThrows(CommandException.class, () -> new Interpreter().execute("hist [3.4e38, -3.4e38]"));
    }

    @Test
    void aTestSplitCountAboveItsSizeIsRefusedAndNothingIsWritten() {
        Interpreter in = new Interpreter();
        in.session().baseDir(dir);
        CommandException e = assertThrows(CommandException.class,
                () -> in.execute("dataset fashion-mnist --split test --out x --count 20000"));
        assertEquals("--count 20000: the test split has 10000 images (use at most 10000)", e.getMessage());
        assertFalse(Files.exists(dir.resolve("x")));
    }

    @Test
    void anOverrideBitwidthNoTensorCanHaveIsRefusedWhenLoaded() throws Exception {
        Path f = dir.resolve("bw7.json");
        Files.writeString(f, "{\"activation_encodings\": {\"input\": [{\"bitwidth\": 7, \"dtype\": \"int\"}]},"
                + " \"param_encodings\": {}}");
        Interpreter in = new Interpreter();
        in.session().baseDir(dir);
        CommandException e = assertThrows(CommandException.class, () -> in.execute("encodings load bw7.json"));
        assertEquals("bw7.json: activation_encodings 'input' has bitwidth 7: integer overrides use 4, 8 or 16 bits"
                + " (32 for INT32 ops and biases); fix the file", e.getMessage());
        Files.writeString(f, "{\"activation_encodings\": {}, \"param_encodings\": {\"features.0.weight\":"
                + " [{\"bitwidth\": 12, \"dtype\": \"int\", \"min\": -1, \"max\": 1}]}}");
        e = assertThrows(CommandException.class, () -> in.execute("encodings load bw7.json"));
        assertTrue(e.getMessage().contains("param_encodings 'features.0.weight' has bitwidth 12"), e.getMessage());
    }
}
