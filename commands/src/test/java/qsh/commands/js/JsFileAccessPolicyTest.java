package qsh.commands.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qsh.commands.spi.CommandException;
import qsh.core.graph.Graph;
import qsh.core.io.FileAccessPolicy;

/**
 * Issue 18.5: JavaScript reads and writes only under the folders it was given (working, script, data, temp), and what
 * --allow-read/--allow-write or set add; whatever qsh.run reaches obeys the same policy; symbolic links and '..' are
 * resolved before the check; the environment is not readable; safety settings are not a script's to change; model
 * handles die with their callback; each callback file has its own scope; a full heap is called what it is.
 */
class JsFileAccessPolicyTest {
    @TempDir
    Path tmp;
    JsTestSupport t;

    @BeforeEach
    void start() {
        t = new JsTestSupport();
    }

    private static String q(Path p) {
        return "'" + p.toString().replace("\\", "/") + "'";
    }

    private void assertOneLineRefusal(String message, String flag) {
        assertTrue(message.contains(flag), "names " + flag + ": " + message);
        assertFalse(message.contains("\n"), "one line: " + message);
        assertFalse(message.contains("Exception"), "no Java text: " + message);
    }

    @Test
    void etcPasswdIsRefusedByDefaultWithOneLineNamingAllowRead() {
        String m = t.error("js qsh.readText('/etc/passwd')");
        assertTrue(m.startsWith("js: Error: /etc/passwd: scripts may read only under"), m);
        assertOneLineRefusal(m, "--allow-read");
        assertOneLineRefusal(t.error("js qsh.readRaw('/etc/passwd')"), "--allow-read");
        // a file that does not exist outside is refused too: a script cannot probe for files
        assertOneLineRefusal(t.error("js qsh.readText('/etc/no-such-qsh-file')"), "--allow-read");
    }

    @Test
    void filesUnderTheGivenFoldersAreReadAndWritten() throws IOException {
        Files.writeString(tmp.resolve("labels.txt"), "cat\ndog\n");
        assertEquals("cat,dog", t.js("qsh.readText(" + q(tmp.resolve("labels.txt")) + ").trim().split('\\n').join()"));
        // the working folder (the module folder in tests): its target/ is under it
        Path inCwd = Path.of("target", "qsh-policy-test.txt");
        Files.writeString(inCwd, "here");
        assertEquals("here", t.js("qsh.readText('target/qsh-policy-test.txt')"));
        Files.delete(inCwd);
        t.js("qsh.run('let w = [1, 2]; save-history " + tmp.resolve("h.qsh").toString().replace("\\", "/") + "')");
        assertTrue(Files.readString(tmp.resolve("h.qsh")).startsWith("# recorded by qsh"));
    }

    @Test
    void writesThroughQshRunOutsideAreRefusedAndLeaveNoFile() {
        Path etc = Path.of("/etc/qsh-policy-test-" + ProcessHandle.current().pid());
        String m = t.error("js qsh.run('save-history " + etc + "')");
        assertTrue(m.startsWith("js: Error: save-history: " + etc + ": scripts may write only under"), m);
        assertOneLineRefusal(m, "--allow-write");
        t.js("qsh.load('demo')");
        assertOneLineRefusal(t.error("js qsh.run('save " + etc + ".onnx')"), "--allow-write");
        assertOneLineRefusal(t.error("js qsh.run('record " + etc + ".qsh')"), "--allow-write");
        assertOneLineRefusal(t.error("js qsh.run('infer --random --seed 1 --out " + etc + "-dir')"), "--allow-write");
        for (String suffix : new String[] {"", ".onnx", ".qdq.onnx", ".qdq.encodings", ".qsh", "-dir"}) {
            assertFalse(Files.exists(Path.of(etc + suffix)), etc + suffix + " was written");
        }
        // reads through commands too: a model, an input list, a script, a config
        assertOneLineRefusal(t.error("js qsh.run('load /etc/passwd')"), "--allow-read");
        assertOneLineRefusal(t.error("js qsh.run('calibrate /etc/passwd')"), "--allow-read");
        assertOneLineRefusal(t.error("js qsh.run('run /etc/passwd')"), "--allow-read");
        // the same command typed by the user is not restricted (it fails for its own reason: not a model)
        String typed = t.error("load /etc/passwd");
        assertFalse(typed.contains("--allow-read"), typed);
    }

    @Test
    void aSymbolicLinkInsideAnAllowedFolderPointingOutsideIsRefused() throws IOException {
        Files.createSymbolicLink(tmp.resolve("passwd"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(tmp.resolve("etc"), Path.of("/etc"));
        Path missing = Path.of("/etc/qsh-policy-dangling-" + ProcessHandle.current().pid());
        Files.createSymbolicLink(tmp.resolve("dangling"), missing);
        String m = t.error("js qsh.readText(" + q(tmp.resolve("passwd")) + ")");
        assertTrue(m.contains("(really /etc/passwd)"), m);
        assertOneLineRefusal(m, "--allow-read");
        assertOneLineRefusal(t.error("js qsh.readText(" + q(tmp.resolve("etc/passwd")) + ")"), "--allow-read");
        // a link to a file that does not exist yet: a write would create it outside
        assertOneLineRefusal(t.error("js qsh.run('save-history " + tmp.resolve("dangling") + "')"), "--allow-write");
        assertFalse(Files.exists(missing));
        // a link that stays inside is fine
        Files.writeString(tmp.resolve("real.txt"), "ok");
        Files.createSymbolicLink(tmp.resolve("inside"), tmp.resolve("real.txt"));
        assertEquals("ok", t.js("qsh.readText(" + q(tmp.resolve("inside")) + ")"));
        for (String link : new String[] {"passwd", "etc", "dangling"}) { // JUnit warns about links leading outside
            Files.delete(tmp.resolve(link));
        }
    }

    @Test
    void dotDotTricksAreRefused() {
        String up = "../".repeat(Path.of("").toAbsolutePath().getNameCount() + 2);
        assertOneLineRefusal(t.error("js qsh.readText('" + up + "etc/passwd')"), "--allow-read");
        assertOneLineRefusal(t.error("js qsh.readText(" + q(tmp) + " + '/../../../../../../etc/passwd')"), "--allow-read");
        // '..' after a part that does not exist is resolved too, not taken as a path under tmp
        assertOneLineRefusal(t.error("js qsh.readText(" + q(tmp) + " + '/nope/../../../../../../../etc/passwd')"), "--allow-read");
        assertOneLineRefusal(t.error("js qsh.run('save-history " + tmp + "/nope/../../../../../../../etc/qsh-x')"),
                "--allow-write");
    }

    @Test
    void allowReadAndAllowWriteWidenTheFoldersAtThePrompt() throws IOException {
        t.interp.execute("set allow-read /etc/passwd");
        assertTrue(t.js("qsh.readText('/etc/passwd').length > 0").equals("true"));
        assertOneLineRefusal(t.error("js qsh.readText('/etc/hostname')"), "--allow-read"); // only that file
        Path outside = Files.createTempDirectory("qsh-policy-outside"); // in temp, but temp is not given below
        try {
            FileAccessPolicy only = FileAccessPolicy.of(List.of(tmp), List.of(tmp));
            t.interp.session().scriptFileAccess(only);
            assertOneLineRefusal(t.error("js qsh.run('save-history " + outside.resolve("h.qsh") + "')"), "--allow-write");
            t.interp.execute("set allow-write " + outside);
            t.js("qsh.run('save-history " + outside.resolve("h.qsh") + "')");
            assertTrue(Files.exists(outside.resolve("h.qsh")));
            assertOneLineRefusal(t.error("js qsh.readText(" + q(outside.resolve("h.qsh")) + ")"), "--allow-read");
            assertTrue(String.join("\n", t.interp.execute("set").result().lines()).contains(outside.toRealPath().toString()));
        } finally {
            Files.deleteIfExists(outside.resolve("h.qsh"));
            Files.delete(outside);
        }
    }

    @Test
    void theEnvironmentIsNotReadable() {
        assertEquals("undefined undefined", t.js("typeof process + ' ' + typeof Deno"));
        t.interp.execute("set allow-read /proc");
        String m = t.error("js qsh.readText('/proc/self/environ')");
        assertEquals("js: Error: /proc/self/environ: scripts may not read the environment", m);
        assertTrue(t.error("js qsh.run('run /proc/self/environ')").contains("environment"));
        String path = System.getenv("PATH");
        if (path != null && path.contains(":")) { // no command's data carries the environment
            assertFalse(t.js("JSON.stringify(qsh.run('version')) + JSON.stringify(qsh.run('set'))").contains(path));
        }
    }

    @Test
    void safetySettingsCannotBeChangedFromJavaScript() throws IOException {
        for (String s : new String[] {"js-statement-limit 0", "memory-budget 64g", "allow-read /", "allow-write /"}) {
            String m = t.error("js qsh.run('set " + s + "')");
            assertTrue(m.contains("a script cannot change the session's safety settings"), m);
            assertFalse(m.contains("\n"), m);
        }
        Files.writeString(tmp.resolve("sneaky.qsh"), "set js-statement-limit none\n");
        assertTrue(t.error("js qsh.run('run " + tmp.resolve("sneaky.qsh") + "')").contains("safety settings"));
        assertEquals("4", t.js("qsh.run('set bitwidth 4').bitwidth")); // the other settings stay a script's to use
        t.interp.execute("set js-statement-limit 100000"); // typed: allowed
        assertEquals(100000, t.interp.session().settings().jsStatementLimit());
    }

    @Test
    void aModelHandleDiesWhenItsCallbackReturns() throws IOException {
        t.js("qsh.load('demo')");
        assertEquals("1", t.js("var kept; qsh.evaluate(m => { kept = m; return 1; }).float"));
        String m = t.error("js kept.run({})");
        assertTrue(m.contains("handed to a callback that has returned"), m);
        assertFalse(m.contains("\n"), m);
        // a config callback's model too
        Path f = tmp.resolve("keep.js");
        Files.writeString(f, "function score(model) { globalThis.leaked = model; return 2; }\n");
        Graph g = t.interp.session().requireModel().graph();
        double s = t.interp.session().js().withScripts(js -> js.modelMetric(f, "score").applyAsDouble(g));
        assertEquals(2.0, s);
        assertTrue(t.error("js leaked.run({})").contains("handed to a callback that has returned"));
    }

    @Test
    void eachCallbackFileHasItsOwnScope() throws IOException {
        Path a = tmp.resolve("a.js");
        Path b = tmp.resolve("b.js");
        Files.writeString(a, "const K = 1;\nfunction score(out, target) { return K; }\n", StandardCharsets.UTF_8);
        Files.writeString(b, "const K = 2;\nfunction score(out, target) { return K + 10; }\n", StandardCharsets.UTF_8);
        for (int run = 0; run < 2; run++) { // the same config twice: no 'K has already been declared'
            double[] got = t.interp.session().js().withScripts(js -> new double[] {
                js.metric(a, "score").score(List.of(), null), js.metric(b, "score").score(List.of(), null)});
            assertEquals(1.0, got[0], "a.js keeps its own score and K");
            assertEquals(12.0, got[1]);
        }
        assertEquals("undefined undefined", t.js("typeof K + ' ' + typeof score")); // nothing leaks into globals
    }

    @Test
    void aCallbackReadsOnlyWhatItsFoldersAllow() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("cb"));
        Path f = dir.resolve("reader.js");
        Files.writeString(f, "function score(out, target) { return qsh.readText('/etc/passwd').length; }\n"
                + "function mine(out, target) { return qsh.readText(" + q(dir.resolve("data.txt")) + ").length; }\n"
                + "function other(out, target) { return qsh.readText(" + q(tmp.resolve("other.txt")) + ").length; }\n");
        Files.writeString(dir.resolve("data.txt"), "12345");
        Files.writeString(tmp.resolve("other.txt"), "1");
        t.interp.session().scriptFileAccess(FileAccessPolicy.of(List.of(), List.of())); // not even temp
        CommandException e = org.junit.jupiter.api.Assertions.assertThrows(CommandException.class,
                () -> t.interp.session().js().withScripts(js -> js.metric(f, "score").score(List.of(), null)));
        assertOneLineRefusal(e.getMessage(), "--allow-read");
        assertTrue(e.getMessage().startsWith("reader.js:score:1:"), e.getMessage());
        // its own folder is given to it; the folder next to it is not
        assertEquals(5.0, t.interp.session().js().withScripts(js -> js.metric(f, "mine").score(List.of(), null)));
        e = org.junit.jupiter.api.Assertions.assertThrows(CommandException.class,
                () -> t.interp.session().js().withScripts(js -> js.metric(f, "other").score(List.of(), null)));
        assertOneLineRefusal(e.getMessage(), "--allow-read");
    }

    /** Fills a small heap from JavaScript in a child JVM (the test JVM's heap is 12 GB) and prints the message. */
    public static void main(String[] args) {
        JsTestSupport s = new JsTestSupport();
        System.out.println(s.error("js { const a = []; while (true) a.push(new Array(100000).fill(1.5)); }"));
        System.out.println(s.js("1 + 1"));
    }

    @Test
    void runningOutOfHeapInJavaScriptIsCalledThat() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx160m", "-cp", System.getProperty("java.class.path"),
                JsFileAccessPolicyTest.class.getName()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the child JVM finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(out.contains("js: out of memory: the script's values outgrew the Java heap"), out);
        assertFalse(out.contains("statement limit"), out);
        assertTrue(out.strip().endsWith("2"), "the session goes on: " + out);
    }
}
