package qsh.commands.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qsh.commands.spi.EncodingText;
import qsh.commands.spi.Session;
import qsh.core.tensor.Tensor;
import qsh.core.workflow.ModelState;

/**
 * The typed JS calls ({@code qsh.load}, {@code qsh.calibrate}, {@code qsh.cle}, {@code qsh.adaround},
 * {@code qsh.export}, {@code qsh.infer}, {@code qsh.compare}, {@code qsh.encodings}) are a thin layer over what the
 * commands call: on the demo model each leaves the session exactly as the typed command does (model, weights, plan,
 * overrides, tensors, undo history), returns the command's {@code --json} data, writes the same files, and fails with
 * the command's message.
 */
class JsCommandParityTest {
    private static final String LIST = "../scripts/data/demo/input_list.txt";
    private static final String IMAGE = "../scripts/data/demo/img0.raw";
    private static final String OVERRIDES = "../scripts/data/overrides/mixed-int16.json";

    /** Two sessions: one driven by typed JS calls, one by the same commands as words. */
    private final JsTestSupport js = session();
    private final JsTestSupport typed = session();

    private static JsTestSupport session() {
        JsTestSupport s = new JsTestSupport();
        s.interp.execute("set allow-read ../scripts"); // the tests run in commands/; the demo's data is beside it
        return s;
    }

    /** What a session holds after a step: the model's name, weights and plan, and the undo history's depth. */
    private static String state(Session s) {
        ModelState m = s.model().orElseThrow();
        Map<String, Integer> weights = new TreeMap<>();
        m.graph().weights().forEach((k, v) -> {
            if (v instanceof Tensor t) {
                weights.put(k, Arrays.hashCode(t.data()));
            }
        });
        return m.source() + " nodes=" + m.graph().nodes().size() + " undo=" + s.undoDepth() + " overrides=" + m.overrides().size()
                + " tensors=" + s.tensorNames() + " quantized=" + m.quantized()
                + (m.quantized() ? " plan=" + m.plan().label() + " acts=" + EncodingText.json(m.plan().encodings().activations())
                        + " params=" + EncodingText.json(m.plan().encodings().params()) : "")
                + " weights=" + weights;
    }

    /** Runs {@code jsCall} in one session and {@code line} in the other; both return the same data and state. */
    private void same(String jsCall, String line) {
        String viaJs = js.js("JSON.stringify(" + jsCall + ")");
        String viaCommand = typed.js("JSON.stringify(qsh.run(" + quoted(line) + "))");
        assertEquals(withoutTimes(viaCommand), withoutTimes(viaJs), jsCall + " vs " + line);
        assertEquals(state(typed.interp.session()), state(js.interp.session()), jsCall + " vs " + line);
    }

    private static String quoted(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** Milliseconds differ run to run (AdaRound's per-layer times, infer's run time). */
    private static String withoutTimes(String json) {
        return json.replaceAll("\"(milliseconds|(total_)?ms)\":[0-9.eE+-]+", "\"ms\":0");
    }

    @Test
    void eachTypedCallChangesTheSessionAsItsCommandDoes(@TempDir Path dir) throws Exception {
        same("qsh.load('demo')", "load demo");
        same("qsh.cle('apply')", "cle apply");
        same("qsh.calibrate('" + LIST + "', {perChannel: true, actQuantizer: 'enhanced'})",
                "calibrate " + LIST + " --per-channel --act-quantizer enhanced");
        String before = state(js.interp.session());
        same("qsh.adaround('" + LIST + "', {iterations: 3, samples: 2, batch: 2})",
                "adaround " + LIST + " --iterations 3 --samples 2 --batch 2");
        assertNotEquals(before, state(js.interp.session()), "adaround changed the weights it rounds");
        Path a = dir.resolve("js.onnx");
        Path b = dir.resolve("typed.onnx");
        String viaJs = js.js("JSON.stringify(qsh.export('" + a + "', {version: '1.0.0'}))");
        String viaCommand = typed.js("JSON.stringify(qsh.run('export " + b + " --version 1.0.0'))");
        assertEquals(viaCommand.replace(b.toString(), "OUT").replace("typed.", "OUT."), viaJs.replace(a.toString(), "OUT").replace("js.", "OUT."));
        assertTrue(Arrays.equals(Files.readAllBytes(b), Files.readAllBytes(a)), "the two exports are the same file");
        assertEquals(Files.readString(dir.resolve("typed.encodings")), Files.readString(dir.resolve("js.encodings")));
        // undo after the typed calls walks back the same history as after the commands
        for (int i = 0; i < 2; i++) {
            assertEquals(typed.interp.execute("undo").result().lines(), js.interp.execute("undo").result().lines());
            assertEquals(state(typed.interp.session()), state(js.interp.session()));
        }
    }

    @Test
    void calibrateWithoutDataAndTheFoldingUndoStepMatch() {
        same("qsh.calibrate(null, {floatFallback: true})", "calibrate --float-fallback");
        same("qsh.calibrate('" + LIST + "', {disableBatchnormFolding: true, biasBw: 32})",
                "calibrate " + LIST + " --disable-batchnorm-folding --bias-bw 32");
        same("qsh.cle('step')", "cle step");
    }

    @Test
    void cleThroughItsLayerPlansStepsAndAppliesAsTheCommand(@TempDir Path dir) throws Exception {
        same("qsh.load('demo')", "load demo");
        String loaded = state(js.interp.session());
        // ReLU6 kept: the demo's chains through ReLU6 are skipped, and the data says why
        same("qsh.cle('plan', {keepRelu6: true, rows: 2, explain: true})", "cle plan --keep-relu6 --rows 2 --explain");
        same("qsh.cle('plan')", "cle plan");
        Path a = dir.resolve("js.png");
        Path b = dir.resolve("typed.png");
        same("qsh.cle('step', {explain: true, rows: 3, width: 12, png: '" + a + "'})",
                "cle step --explain --rows 3 --width 12 --png " + b);
        assertTrue(Arrays.equals(Files.readAllBytes(b), Files.readAllBytes(a)), "the two drawings are the same file");
        same("qsh.cle('step', {inputList: '" + LIST + "', samples: 2})", "cle step --input-list " + LIST + " --samples 2");
        same("qsh.cle('plan', {rows: 1})", "cle plan --rows 1"); // two chains equalized now
        same("qsh.cle('apply', {inputList: '" + LIST + "', samples: 1})", "cle apply --input-list " + LIST + " --samples 1");
        same("qsh.cle('apply')", "cle apply"); // nothing left: the model is unchanged, no undo step
        // the batch norms' β, γ were rescaled alike: absorb-bias, which reads them, does the same in both sessions
        assertEquals(typed.interp.execute("absorb-bias").result().lines(), js.interp.execute("absorb-bias").result().lines());
        assertEquals(state(typed.interp.session()), state(js.interp.session()));
        // undo walks back absorb-bias, apply and the two steps alike
        for (int i = 0; i < 4; i++) {
            assertEquals(typed.interp.execute("undo").result().lines(), js.interp.execute("undo").result().lines());
            assertEquals(state(typed.interp.session()), state(js.interp.session()));
        }
        assertEquals(loaded, state(js.interp.session()), "back at the loaded model");
    }

    @Test
    void cleFailuresAreTheCommandsMessagesAndChangeNothing() {
        same("qsh.load('demo')", "load demo");
        String loaded = state(js.interp.session());
        sameError("qsh.cle('step', {rows: 0})", "cle step --rows 0");
        sameError("qsh.cle('step', {width: 5})", "cle step --width 5");
        sameError("qsh.cle('apply', {colour: true})", "cle apply --colour");
        // the list is read after equalizing: the failure must still leave the model unequalized, with no undo step
        sameError("qsh.cle('step', {inputList: '../scripts/data/demo/no-such-list.txt'})",
                "cle step --input-list ../scripts/data/demo/no-such-list.txt");
        assertEquals(loaded, state(js.interp.session()));
    }

    @Test
    void inferThroughItsLayerRunsWritesAndKeepsActivationsAsTheCommand(@TempDir Path dir) throws Exception {
        same("qsh.load('demo')", "load demo");
        same("qsh.infer(null, {random: true, seed: 3})", "infer --random --seed 3");
        same("qsh.infer('" + IMAGE + "', {out: '" + dir.resolve("js") + "'})", "infer " + IMAGE + " --out " + dir.resolve("typed"));
        try (var files = Files.list(dir.resolve("typed"))) {
            for (Path b : files.toList()) {
                Path a = dir.resolve("js").resolve(b.getFileName());
                assertTrue(Arrays.equals(Files.readAllBytes(b), Files.readAllBytes(a)), "the two runs wrote the same " + a);
            }
        }
        same("qsh.infer(['input:=" + IMAGE + "'])", "infer input:=" + IMAGE);
        sameError("qsh.infer(null)", "infer");
        sameError("qsh.infer('" + IMAGE + "', {random: true})", "infer " + IMAGE + " --random");
        sameError("qsh.infer(null, {random: true, shape: '1x2'})", "infer --random --shape 1x2");
        sameError("qsh.infer('../scripts/data/demo/no-such.raw')", "infer ../scripts/data/demo/no-such.raw");
        assertEquals("js: Error: qsh.infer inputs[1] must be a string (NAME:=FILE.raw or a path), not a number",
                js.error("js qsh.infer(['" + IMAGE + "', 5])"));
    }

    @Test
    void compareThroughItsLayerMeasuresAndDrawsAsTheCommand(@TempDir Path dir) throws Exception {
        same("qsh.load('demo')", "load demo");
        sameError("qsh.compare('" + LIST + "')", "compare " + LIST);
        same("qsh.calibrate('" + LIST + "')", "calibrate " + LIST);
        Path a = dir.resolve("js.png");
        Path b = dir.resolve("typed.png");
        same("qsh.compare('" + LIST + "', {limit: 2, top: 3, png: '" + a + "'})",
                "compare " + LIST + " --limit 2 --top 3 --png " + b);
        assertTrue(Arrays.equals(Files.readAllBytes(b), Files.readAllBytes(a)), "the two charts are the same file");
        sameError("qsh.compare('../scripts/data/demo/no-such-list.txt')", "compare ../scripts/data/demo/no-such-list.txt");
        sameError("qsh.compare('" + LIST + "', {limit: 0})", "compare " + LIST + " --limit 0");
    }

    @Test
    void encodingsThroughTheirLayerShowSaveLoadAndClearAsTheCommand(@TempDir Path dir) throws Exception {
        same("qsh.load('demo')", "load demo");
        sameError("qsh.encodings()", "encodings show");
        same("qsh.encodings('load', '" + OVERRIDES + "')", "encodings load " + OVERRIDES);
        same("qsh.calibrate('" + LIST + "')", "calibrate " + LIST); // the overrides apply alike
        same("qsh.encodings()", "encodings show");
        same("qsh.encodings('show', 'input')", "encodings show input");
        sameError("qsh.encodings('show', 'no-such-tensor')", "encodings show no-such-tensor");
        Path a = dir.resolve("js.json");
        Path b = dir.resolve("typed.json");
        String viaJs = js.js("JSON.stringify(qsh.encodings('save', '" + a + "', {version: '1.0.0'}))");
        String viaCommand = typed.js("JSON.stringify(qsh.run('encodings save " + b + " --version 1.0.0'))");
        assertEquals(viaCommand.replace(b.toString(), "OUT"), viaJs.replace(a.toString(), "OUT"));
        assertEquals(Files.readString(b), Files.readString(a));
        same("qsh.encodings('clear')", "encodings clear");
        sameError("qsh.encodings('sideways')", "encodings sideways");
        sameError("qsh.encodings('clear', 'x')", "encodings clear x");
    }

    /** {@code jsCall} fails in JS with the error {@code line} fails with, and leaves the session as the command does. */
    private void sameError(String jsCall, String line) {
        String viaJs = js.error("js " + jsCall);
        String viaCommand = typed.error(line);
        assertEquals("js: Error: " + viaCommand, viaJs, jsCall + " vs " + line);
        assertEquals(state(typed.interp.session()), state(js.interp.session()));
    }

    @Test
    void failuresAreTheCommandsMessagesAndChangeNothing() {
        same("qsh.load('demo')", "load demo");
        sameError("qsh.export('/tmp/qsh-parity.onnx')", "export /tmp/qsh-parity.onnx");
        sameError("qsh.adaround('" + LIST + "')", "adaround " + LIST);
        sameError("qsh.calibrate(null)", "calibrate");
        sameError("qsh.calibrate('" + LIST + "', {floatFallback: true})", "calibrate " + LIST + " --float-fallback");
        sameError("qsh.calibrate('" + LIST + "', {actBw: 12})", "calibrate " + LIST + " --act-bw 12");
        sameError("qsh.calibrate('" + LIST + "', {actBitwidth: 8})", "calibrate " + LIST + " --act-bitwidth 8");
        sameError("qsh.calibrate('../scripts/data/demo/no-such-list.txt')", "calibrate ../scripts/data/demo/no-such-list.txt");
        sameError("qsh.cle('sideways')", "cle sideways");
        sameError("qsh.load('../scripts/data/demo/no-such-model.onnx')", "load ../scripts/data/demo/no-such-model.onnx");
        // a path with both kinds of quote and a ';' is a file name, not a command line (no quoting in between)
        String odd = "../scripts/data/demo/it's \"odd\"; show x.txt";
        assertTrue(js.error("js qsh.calibrate(" + quoted(odd) + ")").contains("it's \"odd\"; show x.txt"));
    }
}
