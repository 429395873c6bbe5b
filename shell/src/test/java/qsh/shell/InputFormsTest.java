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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.commands.Interpreter;

/**
 * The same text gives the same result in every input form: typed at the REPL (JLine over a dumb terminal, through
 * the REPL's own parser and runner), as {@code -c}, on stdin, and as a {@code .qsh} file. The rows are the
 * reproductions of issues 16 and 17. Texts whose error is not on their last statement are left out on purpose:
 * after an error a script stops, while the REPL reads the next line.
 */
class InputFormsTest {
    private static final String BANNER =
            "qsh — interactive quantization shell. Type 'help' for commands, Tab to complete, Ctrl-D to leave.\n";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        let x = [1, 2]; show x                                   | x: float32 [2]               | error
        cle apply; undo                                          | undid cle apply              | error
        let x = [1, 2] # see [3\\nshow x                         | x: float32 [2]               | error
        let x = [1, 2] # a; show x                               | x [2] = literal              | x: float32
        let x = [1, 2]\\nshow \\\\\\n  x                         | x: float32 [2]               | error
        let s = [3,\\n  4]   # ends [ here\\n# a comment ; [\\nshow s | s: float32 [2]             | error
        let x = [1, 2\\nshow x\\nlet y = [5]\\nshow y              | unclosed '[' (line 1, column 9) is never closed | y: float32
        show nosuch; let y = [1]; show y                         | no tensor named 'nosuch'     | y [1]
        let y = 1]                                               | unbalanced ']' at column 10  | y [1]
        encode 'abc                                              | unclosed quote '             | with tf
        js {\\n  const a = [1,\\n    2]; // a ] in a comment\\n  console.log(a.length) }\\nlet z = [1]; show z | z: float32 [1] | error
        let x = [1]\\njs qsh.exec('let y = [2, 3]; show y # not: show x')  | y: float32 [2]     | x: float32
        """)
    void everyFormGivesTheSameResult(String escaped, String expected, String absent) throws Exception {
        String text = escaped.replace("\\n", "\n").replace("\\\\", "\\");
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("repl", repl(text));
        ScriptTranscriptTest.Run c = ScriptTranscriptTest.run("-c", text);
        outputs.put("-c", normalize(c.output(), null));
        ScriptTranscriptTest.Run stdin = ScriptTranscriptTest.runWithInput(text + "\n");
        outputs.put("stdin", normalize(stdin.output(), "<stdin>"));
        Path file = dir.resolve("forms.qsh");
        Files.writeString(file, text + "\n", StandardCharsets.UTF_8);
        ScriptTranscriptTest.Run script = ScriptTranscriptTest.run(file.toString());
        outputs.put("script", normalize(script.output(), file.toString()));

        String repl = outputs.get("repl");
        assertTrue(repl.contains(expected), "REPL output lacks '" + expected + "':\n" + repl);
        assertFalse(repl.contains(absent), "REPL output has '" + absent + "':\n" + repl);
        for (Map.Entry<String, String> e : outputs.entrySet()) {
            assertEquals(repl, e.getValue(), e.getKey() + " differs from the REPL for: " + text);
        }
        boolean failed = repl.contains("error: ");
        for (ScriptTranscriptTest.Run r : new ScriptTranscriptTest.Run[] {c, stdin, script}) {
            assertEquals(failed ? Main.EXIT_FAILED : 0, r.code(), r.output());
        }
    }

    /** Types {@code text} into the REPL line by line, then Ctrl-D; returns what the session printed. */
    static String repl(String text) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        byte[] typed = (text + "\n").getBytes(StandardCharsets.UTF_8);
        try (Terminal t = new DumbTerminal(new ByteArrayInputStream(typed), OutputStream.nullOutputStream())) {
            assertEquals(0, new Repl(new Interpreter(), null).loop(t, out));
        }
        String s = buf.toString(StandardCharsets.UTF_8);
        assertTrue(s.startsWith(BANNER), s);
        return normalize(s.substring(BANNER.length()), null);
    }

    /** Drops colour and progress-bar redraws, and writes a script's {@code SOURCE:LINE: } prefix as "error: ". */
    static String normalize(String output, String source) {
        String s = output.replaceAll("\u001b\\[[0-9;]*[A-Za-z]", "").replaceAll("[^\n]*\r", "");
        return source == null ? s : s.replaceAll("(?m)^" + Pattern.quote(source) + ":\\d+: ", "error: ");
    }
}
