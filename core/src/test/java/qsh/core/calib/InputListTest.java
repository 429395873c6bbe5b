package qsh.core.calib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InputListTest {
    @TempDir
    Path dir;

    private Path touch(String relative) throws IOException {
        Path p = dir.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[4]);
        return p;
    }

    private Path list(String text) throws IOException {
        Path p = dir.resolve("list.txt");
        Files.writeString(p, text);
        return p;
    }

    @Test
    void singleInputPlainPathsAbsoluteAndRelative() throws IOException {
        Path chair = touch("data/chair.raw");
        touch("mongoose.raw");
        InputList l = InputList.read(list(chair + "\n\nmongoose.raw\n   \n"));
        assertEquals(2, l.size());
        assertFalse(l.named());
        assertEquals(chair, l.entries().get(0).single());
        assertEquals(dir.resolve("mongoose.raw").toAbsolutePath(), l.entries().get(1).single());
        assertEquals(3, l.entries().get(1).line());
        assertEquals(List.of(InputList.UNNAMED), l.inputNames());
        assertTrue(l.outputLayers().isEmpty());
        assertTrue(l.outputTensors().isEmpty());
    }

    @Test
    void multiInputSpecExampleWithOutputLines() throws IOException {
        for (int i = 0; i < 3; i++) {
            touch("left" + i + ".rawtensor");
            touch("sub/right" + i + ".rawtensor");
        }
        InputList l = InputList.read(list("#out_layer1 out_layer2\n%out_t:0\r\n"
                + "input_left_eye:=left0.rawtensor input_right_eye:=sub/right0.rawtensor\n"
                + "input_left_eye:=left1.rawtensor input_right_eye:=sub/right1.rawtensor\n"
                + "input_left_eye:=left2.rawtensor  input_right_eye:=sub/right2.rawtensor\n"));
        assertEquals(3, l.size());
        assertTrue(l.named());
        assertEquals(List.of("input_left_eye", "input_right_eye"), l.inputNames());
        assertEquals(dir.resolve("sub/right2.rawtensor").toAbsolutePath(),
                l.entries().get(2).inputs().get("input_right_eye"));
        assertEquals(List.of("out_layer1", "out_layer2"), l.outputLayers());
        assertEquals(List.of("out_t:0"), l.outputTensors());
        assertEquals(dir.resolve("list.txt").toAbsolutePath(), l.file());
    }

    @Test
    void outputLinesMayAppearAlone() throws IOException {
        touch("a.raw");
        assertEquals(List.of("t1", "t2"), InputList.read(list("%t1 t2\na.raw\n")).outputTensors());
        assertEquals(List.of("L"), InputList.read(list("#L\na.raw\n")).outputLayers());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "% before #          | %t\\n#l\\na.raw                 | list.txt:2: | swap them",
        "# after inputs      | a.raw\\n#l                      | list.txt:2: | move it to the top",
        "two # lines         | #l\\n#m\\na.raw                 | list.txt:2: | one line",
        "empty # line        | #\\na.raw                       | list.txt:1: | names nothing",
        "mixed named/unnamed | x:=a.raw a.raw                  | list.txt:1: | mixes name:=path",
        "two plain paths     | a.raw a.raw                     | list.txt:1: | needs name:=path",
        "empty name          | :=a.raw                         | list.txt:1: | no input name",
        "empty path          | x:=                             | list.txt:1: | no path",
        "duplicate name      | x:=a.raw x:=a.raw               | list.txt:1: | appears twice",
        "missing file        | a.raw\\n\\nmissing.raw          | list.txt:3: | 'missing.raw' not found",
        "names differ        | x:=a.raw y:=a.raw\\nx:=a.raw    | list.txt:2: | differ from line 1",
        "no inputs           | #l\\n\\n                        | list.txt:   | no input lines",
    })
    void errorsNameFileAndLine(String what, String text, String where, String hint) throws IOException {
        touch("a.raw");
        Path p = list(text.replace("\\n", "\n"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InputList.read(p));
        assertTrue(e.getMessage().startsWith(p + where.substring("list.txt".length())), e.getMessage());
        assertTrue(e.getMessage().contains(hint), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void parseWithoutExistenceCheckResolvesAgainstBase() {
        InputList l = InputList.parse("in:=x/y.raw\n", Path.of("/data/cal"), "mem", false);
        assertEquals(Path.of("/data/cal/x/y.raw"), l.entries().get(0).inputs().get("in"));
    }

    @Test
    void byteOrderMarkIsIgnored() throws IOException {
        touch("a.raw");
        assertEquals(List.of("L"), InputList.read(list("\uFEFF#L\na.raw\n")).outputLayers());
    }
}
