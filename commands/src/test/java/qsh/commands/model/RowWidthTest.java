package qsh.commands.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qsh.commands.Interpreter;
import qsh.commands.spi.Session;
import qsh.commands.spi.TextFit;

/**
 * Issue 16, "graph and whisker rows wrap at 80 columns": on real models (the PaddleOCR classifier from its Maven
 * artifact, the demo with convert ops) every row of {@code graph}, {@code ranges} and {@code cle step} fits the
 * session's width: 80 without a terminal, the terminal's width in the REPL.
 */
class RowWidthTest {
    static final String LIST = Path.of("..", "scripts", "data", "demo", "input_list.txt").toAbsolutePath().toString();
    static final String INT16 = Path.of("..", "scripts", "data", "overrides", "mixed-int16.json").toAbsolutePath().toString();

    @TempDir
    static Path dir;
    static Path cls;

    @BeforeAll
    static void extract() throws Exception {
        try (InputStream in = RowWidthTest.class.getClassLoader().getResourceAsStream("models/ch_ppocr_mobile_v2.0_cls_infer.onnx")) {
            cls = dir.resolve("cls.onnx");
            Files.write(cls, in.readAllBytes());
        }
    }

    private static List<String> lines(Interpreter in, String line) {
        return in.execute(line).result().lines();
    }

    /** The widest line in columns, printed with what ran, so a failure shows the row. */
    private static int widest(String what, List<String> lines) {
        String widest = lines.stream().max((a, b) -> TextFit.width(a) - TextFit.width(b)).orElse("");
        System.out.println(what + ": " + lines.size() + " lines, widest " + TextFit.width(widest) + " columns: " + widest);
        return TextFit.width(widest);
    }

    @Test
    void graphOfThePaddleOcrClassifierFitsEightyColumns() {
        Interpreter in = new Interpreter();
        assertEquals(Session.DEFAULT_COLUMNS, in.session().columns(), "no terminal: 80 columns");
        in.execute("load " + cls);
        List<String> rows = lines(in, "graph");
        assertTrue(widest("graph (PaddleOCR cls)", rows) <= 80);
        int nodes = in.session().requireModel().graph().nodes().size();
        long numbered = rows.stream().filter(l -> l.matches("^ {1,4}\\d+ .*")).count();
        assertEquals(nodes, numbered, "every node keeps its numbered row");
    }

    @Test
    void graphOfTheDemoWithConvertOpsFitsEightyColumns() {
        Interpreter in = new Interpreter();
        in.execute("encodings load " + INT16);
        in.execute("calibrate " + LIST);
        List<String> rows = lines(in, "graph");
        assertTrue(rows.stream().anyMatch(l -> l.contains("⇄ convert")), "the int8 ↔ int16 converts are shown");
        assertTrue(rows.stream().anyMatch(l -> l.contains("[int16")), "the precisions are shown");
        assertTrue(widest("graph (demo, int16 block)", rows) <= 80);
        // every name is whole at 80 columns (the demo's longest has 51 characters): nothing is cut
        for (var n : in.session().requireModel().graph().nodes()) {
            assertTrue(rows.stream().anyMatch(l -> l.contains(n.name())), n.name());
        }
    }

    @Test
    void whiskerRowsOfRangesAndCleStepFitEightyColumns() {
        Interpreter in = new Interpreter();
        assertTrue(widest("ranges (demo)", lines(in, "ranges /features/features.4/body/body.3/Conv --max 48")) <= 80);
        assertTrue(widest("cle step (demo)", lines(in, "cle step --rows 32")) <= 80);
        assertTrue(widest("cle step (demo)", lines(in, "cle step --rows 48 --explain")) <= 80);
        Interpreter paddle = new Interpreter();
        paddle.execute("load " + cls);
        assertTrue(widest("ranges (PaddleOCR cls)", lines(paddle, "ranges Conv@2 --max 100")) <= 80);
    }

    @Test
    void aWiderTerminalGetsTheWiderAxisAndFewerLines() {
        Interpreter in = new Interpreter();
        int narrow = lines(in, "graph").size();
        String row80 = firstWhisker(lines(in, "ranges /features/features.0/Conv --max 1"));
        in.session().columns(160);
        List<String> wide = lines(in, "graph");
        assertTrue(widest("graph at 160", wide) <= 160);
        assertTrue(wide.size() < narrow, "at 160 columns most nodes take one line: " + wide.size() + " vs " + narrow);
        String row160 = firstWhisker(lines(in, "ranges /features/features.0/Conv --max 1"));
        assertEquals(RangesCommand.DEFAULT_WIDTH + 2, row160.lastIndexOf('│') - row160.indexOf('│') + 1, row160);
        assertTrue(TextFit.width(row80) <= 80 && TextFit.width(row80) < TextFit.width(row160), row80 + " / " + row160);
        in.session().columns(0); // a dumb terminal reports 0: back to 80
        assertEquals(80, in.session().columns());
    }

    private static String firstWhisker(List<String> lines) {
        return lines.stream().filter(l -> l.contains("│")).findFirst().orElseThrow();
    }

    @Test
    void namesAreCutInTheMiddleAndPiecesMoveToIndentedLines() {
        assertEquals("/fea…y.7/Conv", TextFit.middle("/features/features.3/body/body.7/Conv", 13));
        assertEquals("short", TextFit.middle("short", 13));
        assertEquals(List.of("head   a", "    b", "    cccccc", "    d…dddd"),
                TextFit.pack("head", List.of("a", "b", "cccccc", "dddddddddddddd"), "   ", 4, 10));
        assertEquals(List.of("  one two", "   three"), TextFit.wrap("  one two three", 3, 10));
    }
}
