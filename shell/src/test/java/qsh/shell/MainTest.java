package qsh.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The launcher forms: -c, scripts (stop at first error with FILE:LINE, --keep-going), stdin as a script. */
class MainTest {
    @Test
    void acceptanceEncodeJson() throws Exception {
        ScriptTranscriptTest.Run r = ScriptTranscriptTest.run("-c", "encode [-1.8,-1.0,0,0.5] --bw 8 --json");
        assertEquals(0, r.code(), r.output());
        JsonNode j = new ObjectMapper().readTree(r.output());
        assertEquals(8, j.get("bitwidth").asInt());
        assertEquals(-1.803922, j.get("min").asDouble(), 1e-6);
        assertEquals(0.496078, j.get("max").asDouble(), 1e-6);
        assertEquals(0.0090196, j.get("scale").asDouble(), 1e-7);
        assertEquals(200, j.get("offset").asInt());
        int[] q = {0, 89, 200, 255};
        double[] dq = {-1.80392, -1.00118, 0, 0.49608};
        for (int i = 0; i < 4; i++) {
            assertEquals(q[i], j.get("quantized").get(i).asInt());
            assertEquals(dq[i], j.get("dequantized").get(i).asDouble(), 1e-4);
        }
    }

    @Test
    void acceptancePackHex() throws Exception {
        ScriptTranscriptTest.Run r = ScriptTranscriptTest.run("-c", "pack [10,4] --bw 4 --json");
        assertEquals(0, r.code(), r.output());
        JsonNode j = new ObjectMapper().readTree(r.output());
        assertEquals("4a", j.get("hex").asText());
        assertEquals(74, j.get("bytes").get(0).asInt());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "encode [1, 2] --bw 0|bitwidth 0 is not supported",
        "encode [1, 2] --bw 99|bitwidth 99 is not supported",
        "encode [1, x]|'x' in the literal is not a number",
        "encode []|empty tensor",
        "encode [1, NaN]|not finite",
        "encode [1, Infinity]|not finite",
        "encode nosuch|no tensor named 'nosuch'",
        "encode [1, 2] --bogus|unknown option --bogus",
        "frobnicate|unknown command 'frobnicate'",
        "encode [1, 2] --mode fancy|--mode must be one of",
        "pack [16] --bw 4|not a unsigned 4-bit integer",
        "set rounding sideways|rounding must be half-even or half-away",
    })
    void badInputIsOneClearLineAndExitOne(String line, String expected) {
        ScriptTranscriptTest.Run r = ScriptTranscriptTest.run("-c", line);
        assertEquals(1, r.code());
        String out = r.output().strip();
        assertFalse(out.contains("\n"), "more than one line: " + out);
        assertTrue(out.startsWith("error: "), out);
        assertTrue(out.contains(expected), out);
        assertFalse(out.contains("Exception"), out);
    }

    @Test
    void scriptStopsAtFirstErrorNamingFileAndLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.qsh");
        Files.writeString(f, "# a comment\nlet x = [1, 2]\nencode nosuch\nencode x\n");
        ScriptTranscriptTest.Run r = ScriptTranscriptTest.run(f.toString());
        assertEquals(1, r.code());
        assertTrue(r.output().contains(f + ":3: no tensor named 'nosuch'"), r.output());
        assertFalse(r.output().contains("encode x"), "must stop at the first error");
        assertFalse(r.output().contains("with tf"), "must stop at the first error: " + r.output());
    }

    @Test
    void keepGoingRunsTheRestButStillFails(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.qsh");
        Files.writeString(f, "encode nosuch\nencode [1, 2]\n");
        ScriptTranscriptTest.Run r = ScriptTranscriptTest.run(f.toString(), "--keep-going");
        assertEquals(1, r.code());
        assertTrue(r.output().contains(":1: no tensor named"), r.output());
        assertTrue(r.output().contains("with tf, 8 bits"), r.output());
    }

    @Test
    void stdinIsReadAsAScript() {
        ScriptTranscriptTest.Run r = ScriptTranscriptTest.runWithInput("let x = [1, 2]\nshow x\n");
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("x: float32 [2]"), r.output());
        ScriptTranscriptTest.Run bad = ScriptTranscriptTest.runWithInput("show y\n");
        assertEquals(1, bad.code());
        assertTrue(bad.output().contains("<stdin>:1:"), bad.output());
    }

    @Test
    void multiLineLiteralsContinue(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("multi.qsh");
        Files.writeString(f, "let m = [[1, 2],\n         [3, 4]]\nshow m\n");
        ScriptTranscriptTest.Run r = ScriptTranscriptTest.run(f.toString());
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("m: float32 [2, 2]"), r.output());
    }

    @Test
    void dashCRunsSemicolonSeparatedCommandsAndStopsAtTheFirstError() {
        ScriptTranscriptTest.Run r = ScriptTranscriptTest.run("-c", "let x = [1, 2]; show x");
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("x: float32 [2]"), r.output());
        ScriptTranscriptTest.Run bad = ScriptTranscriptTest.run("-c", "show nosuch; let y = [1]; show y");
        assertEquals(1, bad.code());
        assertFalse(bad.output().contains("y: float32"), bad.output());
        // a ';' inside a literal's brackets or quotes does not split (the lexer's own cases are in LexerTest)
        qsh.commands.Interpreter in = new qsh.commands.Interpreter();
        assertEquals(java.util.List.of("encode [1; 2]"), in.statements("encode [1; 2]"));
        assertEquals(java.util.List.of("run 'a;b.qsh'"), in.statements("run 'a;b.qsh'"));
        assertEquals(java.util.List.of("let x = [1]", "show x"), in.statements("let x = [1]; show x"));
    }

    @Test
    void everyDashCRunsInOrder() {
        // the setting of the first -c holds in the second (issue 16: only the last -c used to run)
        ScriptTranscriptTest.Run r = ScriptTranscriptTest.run("-c", "set js-statement-limit 1000", "-c", "set");
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().matches("(?s).*js-statement-limit = 1000\n.*js-statement-limit 1000 .*"), r.output());
        ScriptTranscriptTest.Run two = ScriptTranscriptTest.run("-c", "let a = [1]", "-c", "show a");
        assertTrue(two.output().contains("a: float32 [1]"), two.output());
        ScriptTranscriptTest.Run bad = ScriptTranscriptTest.run("-c", "show nosuch", "-c", "let b = [1]");
        assertEquals(Main.EXIT_FAILED, bad.code());
        assertFalse(bad.output().contains("b [1]"), "the first failing -c stops the rest: " + bad.output());
    }

    @Test
    void allowReadAndAllowWriteWidenWhatJavaScriptMayReach() {
        // issue 18.5: refused by default with one line naming the flag; the flag allows exactly that path
        ScriptTranscriptTest.Run no = ScriptTranscriptTest.run("-c", "js qsh.readText('/etc/passwd').length > 0");
        assertEquals(Main.EXIT_FAILED, no.code());
        assertTrue(no.output().contains("--allow-read /etc"), no.output());
        ScriptTranscriptTest.Run yes = ScriptTranscriptTest.run("--allow-read", "/etc/passwd",
                "-c", "js qsh.readText('/etc/passwd').length > 0");
        assertEquals(0, yes.code(), yes.output());
        assertTrue(yes.output().contains("true"), yes.output());
        ScriptTranscriptTest.Run write = ScriptTranscriptTest.run("--allow-write", "/etc/passwd",
                "-c", "js qsh.readText('/etc/passwd')");
        assertEquals(Main.EXIT_FAILED, write.code(), "writing is not reading: " + write.output());
        ScriptTranscriptTest.Run usage = ScriptTranscriptTest.run("--allow-read");
        assertEquals(Main.EXIT_USAGE, usage.code());
        assertTrue(usage.output().contains("--allow-read needs a file or folder"), usage.output());
    }

    @Test
    void strayArgumentsAfterDashCAreOneLineUsageErrors() {
        ScriptTranscriptTest.Run r = ScriptTranscriptTest.run("-c", "encode", "[1,", "2]");
        assertEquals(Main.EXIT_USAGE, r.code());
        String out = r.output().strip();
        assertFalse(out.contains("\n"), out);
        assertTrue(out.startsWith("qsh: unexpected argument '[1,' with -c"), out);
        assertTrue(out.contains("(qsh -c 'encode [1, 2]')"), out);
        assertEquals(Main.EXIT_USAGE, ScriptTranscriptTest.run("a.qsh", "-c", "show x").code());
    }

    @Test
    void quotedWordsComeBackWhole() {
        // the batch command builds a command line from shell words; the lexer must give each word back as it was
        qsh.commands.spi.Lexer lexer = new qsh.commands.Interpreter().lexer();
        for (String word : new String[] {"C:\\out\\", "a b", "x;y", "#tag", "[1", "it's", "say \"hi\"", "plain"}) {
            assertEquals(java.util.List.of("load", word), lexer.words("load " + Main.quote(word)), word);
        }
    }

    @Test
    void helpIsAcceptedAndNamesEveryForm() {
        for (String flag : new String[] {"--help", "-h"}) {
            ScriptTranscriptTest.Run r = ScriptTranscriptTest.run(flag);
            assertEquals(0, r.code(), r.output());
            assertTrue(r.output().startsWith("usage: qsh"), r.output());
            assertTrue(r.output().contains("[-c ...]"), r.output());
        }
    }

    @Test
    void theDemoModelIsOneCommandAway() throws Exception {
        ScriptTranscriptTest.Run r = ScriptTranscriptTest.run("-c", "graph --json");
        assertEquals(0, r.code(), r.output());
        JsonNode j = new ObjectMapper().readTree(r.output());
        assertEquals("demo", j.get("source").asText());
        assertEquals(52, j.get("nodes").size());
        ScriptTranscriptTest.Run load = ScriptTranscriptTest.run("-c", "load demo --json");
        assertEquals(13, new ObjectMapper().readTree(load.output()).get("opset").asInt());
        ScriptTranscriptTest.Run infer = ScriptTranscriptTest.run("-c", "infer --random --seed 1 --json");
        assertEquals(10, new ObjectMapper().readTree(infer.output()).get("outputs").get(0).get("values").size());
    }

    @Test
    void interactivePiecesBuildOnADumbTerminal() throws Exception {
        // the REPL's line reader, completer, tail-tip hints and autosuggestions, built from every command spec
        Repl.warmUp();
        assertEquals(0, ScriptTranscriptTest.run("--cds-warmup").code());
    }

    @Test
    void missingScriptIsAUsageError() {
        assertEquals(Main.EXIT_USAGE, ScriptTranscriptTest.run("no/such/file.qsh").code());
        assertEquals(Main.EXIT_USAGE, ScriptTranscriptTest.run("--frob").code());
    }
}
