package qsh.core.calib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qsh.core.tensor.Tensor;

class CalibrationInputsTest {
    @TempDir
    Path dir;

    private static Map<String, int[]> inputs(Object... nameShape) {
        Map<String, int[]> m = new LinkedHashMap<>();
        for (int i = 0; i < nameShape.length; i += 2) {
            m.put((String) nameShape[i], (int[]) nameShape[i + 1]);
        }
        return m;
    }

    private InputList list(String text) throws IOException {
        Path p = dir.resolve("cal.txt");
        Files.writeString(p, text);
        return InputList.read(p);
    }

    @Test
    void singleInputModelLoadsPlainPaths() throws IOException {
        RawTensorFile.write(dir.resolve("a.raw"), Tensor.vector(1f, 2f, 3f, 4f));
        RawTensorFile.write(dir.resolve("b.raw"), Tensor.vector(5f, 6f, 7f, 8f));
        CalibrationInputs c = new CalibrationInputs(list("a.raw\nb.raw\n"), inputs("x", new int[] {1, 4}));
        assertEquals(2, c.size());
        assertEquals(List.of(1, 2), c.lines());
        Tensor t = c.load(1).get("x");
        assertArrayEquals(new int[] {1, 4}, t.shape());
        assertArrayEquals(new float[] {5f, 6f, 7f, 8f}, t.data());
    }

    @Test
    void namedInputsComeBackInModelOrder() throws IOException {
        RawTensorFile.write(dir.resolve("l.raw"), Tensor.vector(1f, 2f));
        RawTensorFile.write(dir.resolve("r.raw"), Tensor.vector(3f));
        CalibrationInputs c = new CalibrationInputs(list("right:=r.raw left:=l.raw\n"),
                inputs("left", new int[] {1, 2}, "right", new int[] {1, 1}));
        Map<String, Tensor> m = c.load(0);
        assertEquals(List.of("left", "right"), List.copyOf(m.keySet()));
        assertArrayEquals(new float[] {3f}, m.get("right").data());
    }

    @Test
    void mismatchesNameTheListLine() throws IOException {
        RawTensorFile.write(dir.resolve("a.raw"), Tensor.vector(1f, 2f));
        InputList plain = list("\na.raw\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CalibrationInputs(plain, inputs("p", new int[] {1, 2}, "q", new int[] {1, 2})));
        assertTrue(e.getMessage().endsWith("cal.txt:2: a plain path gives one input, but the model has inputs [p, q]:"
                + " write name:=path for each of them"), e.getMessage());
        InputList named = list("p:=a.raw z:=a.raw\n");
        e = assertThrows(IllegalArgumentException.class,
                () -> new CalibrationInputs(named, inputs("p", new int[] {1, 2}, "q", new int[] {1, 2})));
        assertTrue(e.getMessage().contains("cal.txt:1: 'z' is not an input of the model"), e.getMessage());
        InputList missing = list("p:=a.raw\n");
        e = assertThrows(IllegalArgumentException.class,
                () -> new CalibrationInputs(missing, inputs("p", new int[] {1, 2}, "q", new int[] {1, 2})));
        assertTrue(e.getMessage().contains("cal.txt:1: model input 'q' has no file on this line: add q:=path"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new CalibrationInputs(plain, inputs("p", new int[] {4, 2})));
        assertTrue(e.getMessage().contains("has batch 4"), e.getMessage());
    }

    @Test
    void wrongSizedRawFileNamesListLineAndFile() throws IOException {
        RawTensorFile.write(dir.resolve("ok.raw"), Tensor.vector(1f, 2f));
        RawTensorFile.write(dir.resolve("short.raw"), Tensor.vector(1f));
        CalibrationInputs c = new CalibrationInputs(list("ok.raw\nshort.raw\n"), inputs("x", new int[] {1, 2}));
        c.load(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.load(1));
        assertTrue(e.getMessage().endsWith("cal.txt:2: short.raw: 4 bytes, but input 'x' [1,2] needs 2 float32 = 8 bytes"),
                e.getMessage());
    }
}
