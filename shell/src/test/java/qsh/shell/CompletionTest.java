package qsh.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qsh.commands.Interpreter;

/** Completion and the grey hint follow the command specs, called as JLine calls them (no terminal needed). */
class CompletionTest {
    @TempDir
    Path dir;

    private Interpreter session() throws Exception {
        Files.createDirectories(dir.resolve("models/sub"));
        Files.writeString(dir.resolve("models/net.onnx"), "x");
        Files.writeString(dir.resolve("list.txt"), "x");
        Files.writeString(dir.resolve("img0.raw"), "x");
        Interpreter in = new Interpreter();
        in.session().baseDir(dir);
        return in;
    }

    /** The values offered for {@code line} with the cursor at its end, parsed by JLine's parser as the REPL does. */
    private static List<String> complete(Interpreter in, String line) {
        DefaultParser parser = new DefaultParser();
        parser.setEscapeChars(new char[0]);
        var parsed = parser.parse(line, line.length(), org.jline.reader.Parser.ParseContext.COMPLETE);
        List<Candidate> out = new java.util.ArrayList<>();
        new Completion(in).complete(null, parsed, out);
        return out.stream().map(Candidate::value).toList();
    }

    @Test
    void filesWhereverAFileIsExpected() throws Exception {
        Interpreter in = session();
        for (String line : new String[] {"calibrate ", "compare ", "encodings load ", "encodings save ", "export ",
            "adaround ", "run ", "save ", "load ", "evaluate --input_list ", "calibrate --save "}) {
            List<String> c = complete(in, line);
            assertTrue(c.contains("list.txt") && c.contains("models/"), line + "→ " + c);
        }
        assertTrue(complete(in, "load ").contains("demo"));
        assertFalse(complete(in, "encode ").contains("list.txt"), "encode takes a tensor, not a file");
    }

    @Test
    void insideTheTypedFolderAndAfterNameAssign() throws Exception {
        Interpreter in = session();
        assertEquals(List.of("models/net.onnx", "models/sub/"), complete(in, "load models/").stream().sorted().toList());
        assertEquals(List.of("models/net.onnx"), complete(in, "load models/n"));
        assertEquals(List.of("input:=img0.raw"), complete(in, "infer input:=img").stream().toList());
        assertTrue(complete(in, "infer ").contains("img0.raw"));
    }

    @Test
    void tensorsNodesChoicesSubcommandsAndSettings() throws Exception {
        Interpreter in = session();
        in.execute("let t = [1, 2, 3]");
        assertTrue(complete(in, "hist ").contains("t"), "the first Tab after 'hist ' lists tensors");
        assertEquals(List.of("plan", "step", "apply"), complete(in, "cle "));
        assertEquals(List.of("show", "save", "load", "clear"), complete(in, "encodings "));
        assertTrue(complete(in, "encode t --mode ").containsAll(List.of("tf", "symmetric", "enhanced")));
        assertTrue(complete(in, "target ").containsAll(List.of("cpu", "htp")));
        assertTrue(complete(in, "set ").contains("rounding"));
        assertEquals(List.of("half-even", "half-away"), complete(in, "set rounding "));
        assertTrue(complete(in, "encode t --").contains("--bw"));
        assertTrue(complete(in, "cle apply; un").contains("undo"), "the statement after ';' starts with a command");
        in.execute("load demo");
        assertTrue(complete(in, "node ").contains("/features/features.0/Conv"));
        assertTrue(complete(in, "show node ").contains("/features/features.0/Conv"));
        assertTrue(complete(in, "show ").containsAll(List.of("tensor", "node", "t", "features.0.weight")));
        assertTrue(complete(in, "let y = ").containsAll(List.of("normal", "t")));
        assertTrue(complete(in, "help ").containsAll(List.of("encode", "topics")));
    }

    @Test
    void theHintFollowsTheCursor() throws Exception {
        Interpreter in = session();
        assertEquals("TENSOR|LITERAL", CursorHints.hint(in, "encode "));
        String bw = CursorHints.hint(in, "encode t --bw ");
        assertTrue(bw.startsWith("N  bitwidth"), bw);
        assertTrue(CursorHints.hint(in, "encode t --mode ").startsWith("tf|symmetric|"), CursorHints.hint(in, "encode t --mode "));
        assertTrue(CursorHints.hint(in, "encode t ").contains("[--bw N]"), CursorHints.hint(in, "encode t "));
        assertFalse(CursorHints.hint(in, "encode t --bw 4 ").contains("[--bw N]"), "an option given is not offered again");
        assertEquals("plan|step|apply", CursorHints.hint(in, "cle "));
        assertEquals("FILE", CursorHints.hint(in, "encodings save "));
        assertEquals("= [..]|TENSOR|normal|uniform|longtail|perchannel [SHAPE]", CursorHints.hint(in, "let x "));
        assertTrue(CursorHints.hint(in, "hist t --bins ").contains("(default 20; 2 to 200)"), "the default and the range");
        assertEquals("", CursorHints.hint(in, "encode t --b"), "no hint inside a word");
        assertEquals("", CursorHints.hint(in, "encode [1, "), "no hint inside an open bracket");
    }

    @Test
    void aReplOnADumbTerminalCompletesAFileArgumentOfCalibrate() throws Exception {
        Interpreter in = session();
        Files.writeString(dir.resolve("calibration_inputs.txt"), dir.resolve("img0.raw") + "\n");
        // Tab completes the unique file name; the line then runs (and fails only on the dummy raw file's size)
        byte[] typed = "calibrate calib\t\n".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        // a dumb terminal typed "ansi": JLine edits lines (and completes) as on a real one, output goes nowhere
        try (Terminal t = new DumbTerminal("test", "ansi", new ByteArrayInputStream(typed), OutputStream.nullOutputStream(),
                StandardCharsets.UTF_8)) {
            new Repl(in, null).loop(t, new PrintStream(shown, true, StandardCharsets.UTF_8));
        }
        String out = shown.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("calibration_inputs.txt"), out);
    }
}
