package qsh.commands.algorithms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.commands.spi.CommandException;
import qsh.core.amp.MixedPrecisionSearch.Search;
import qsh.core.quant.QuantMode;

/** The spec's YAML shapes parse into checked sections; every malformed config is one line naming file and key. */
class AlgorithmConfigTest {
    static final Path SCRIPTS = Path.of("..", "scripts", "algorithms").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void theCommittedConfigsParse() {
        AlgorithmConfig ada = AlgorithmConfig.read(SCRIPTS.resolve("adaround.yaml"), "adaround.yaml");
        assertEquals(8, ada.adaround().numBatches());
        assertEquals(4, ada.adaround().args().paramBw());
        assertEquals(QuantMode.TF, ada.adaround().args().scheme());
        assertEquals("unlabelled", ada.dataset("fashion_train").loader().function());
        assertEquals(64, ada.dataset("fashion_train").kwargs().get("count"));
        assertNull(ada.amp());

        AlgorithmConfig amp = AlgorithmConfig.read(SCRIPTS.resolve("amp.yaml"), "amp.yaml");
        assertEquals(4, amp.amp().candidates().size());
        assertEquals(0.5, amp.amp().allowedDrop());
        assertEquals(Search.BINARY, amp.amp().search());
        assertFalse(amp.amp().reverse());
        assertEquals("phase1Accuracy", amp.amp().phase1Eval().function());

        AlgorithmConfig aq = AlgorithmConfig.read(SCRIPTS.resolve("autoquant.yaml"), "autoquant.yaml");
        assertTrue(aq.autoquant().eval().builtin(), "the spec's built-in accuracy evaluator");
        assertEquals(4, aq.autoquant().paramBw());
        assertEquals(500, aq.autoquant().phase1Samples());
        assertEquals(8, aq.autoquant().numBatches());
        assertEquals("fashion_test", aq.autoquant().evalDataset());
    }

    @Test
    void theSpecsTrailingCommaAndPythonBooleansAreAccepted() throws IOException {
        Files.writeString(dir.resolve("f.js"), "function load(k) { return []; }\nfunction acc(o, t) { return 1; }\n");
        Path y = dir.resolve("c.yaml");
        Files.writeString(y, """
                datasets:
                    d:
                        dataloader_callback: 'f.js:load'
                amp:
                    dataset: d,
                    candidates: [[[8, 'int'], [16, 'int']], [[16, 'float'], [16, 'float']]]
                    allowed_accuracy_drop: 0.02
                    eval_callback_for_phase2: 'f.js:acc'
                    optional_amp_args: {phase2_reverse: True, amp_search_algo: Interpolation, clean_start: "False"}
                """);
        AlgorithmConfig c = AlgorithmConfig.read(y, "c.yaml");
        assertEquals("d", c.amp().dataset());
        assertTrue(c.amp().reverse());
        assertEquals(Search.INTERPOLATION, c.amp().search());
        assertTrue(c.amp().candidates().get(1).actFloat() && c.amp().candidates().get(1).paramFloat());
    }

    /** Each row: the amp section's body (after the dataset line), and a fragment the one-line error must contain. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            candidates: [[[8,'int'],[8,'int']],[[16,'int'],[8,'int']]]\\n    eval_callback_for_phase2: 'f.js:acc'                         | missing required key 'allowed_accuracy_drop'
            candidates: [[[8,'int'],[8,'int']],[[16,'int'],[8,'int']]]\\n    allowed_accuracy_drop: 1\\n    eval_callback_for_phase2: 'f.js:acc'\\n    optional_amp_args: {phase2_revers: true} | amp.optional_amp_args: unknown key 'phase2_revers'
            candidates: [[[8,'int'],[8,'int']],[[16,'int'],[8,'int']]]\\n    allowed_accuracy_drop: 1\\n    eval_callback_for_phase2: 'missing.js:acc' | no such file missing.js
            candidates: [[[8,'int'],[8,'int']],[[16,'int'],[8,'int']]]\\n    allowed_accuracy_drop: 1\\n    eval_callback_for_phase2: 'f.js'          | write 'path/to/file.js:functionName'
            candidates: [[[8,'int'],[8,'fixed']],[[16,'int'],[8,'int']]]\\n    allowed_accuracy_drop: 1\\n    eval_callback_for_phase2: 'f.js:acc'    | dtype 'fixed'
            candidates: [[[8,'int'],[8,'int']]]\\n    allowed_accuracy_drop: 1\\n    eval_callback_for_phase2: 'f.js:acc'                          | at least two candidates
            candidates: [[[8,'int'],[8,'int']],[[16,'int'],[8,'int']]]\\n    allowed_accuracy_drop: lots\\n    eval_callback_for_phase2: 'f.js:acc'  | allowed_accuracy_drop must be a number
            candidates: [[[8,'int'],[8,'int']],[[16,'int'],[8,'int']]]\\n    allowed_accuracy_drop: 1\\n    eval_callback_for_phase2: 'f.js:acc'\\n    optional_amp_args: {amp_search_algo: Genetic} | amp_search_algo 'Genetic'
            """)
    void badAmpSectionsAreOneClearLine(String body, String expected) throws IOException {
        Files.writeString(dir.resolve("f.js"), "function load(k) { return []; }\n");
        Path y = dir.resolve("bad.yaml");
        Files.writeString(y, "datasets:\n  d:\n    dataloader_callback: 'f.js:load'\namp:\n    dataset: d\n    "
                + body.strip().replace("\\n", "\n") + "\n");
        CommandException e = assertThrows(CommandException.class, () -> AlgorithmConfig.read(y, "bad.yaml"));
        assertTrue(e.getMessage().startsWith("bad.yaml"), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            datasets: {d: {dataloader_callback: 'f.js:load'}}\\nadaround: {dataset: e, num_batches: 1}             | no dataset 'e' under datasets (defined: d)
            datasets: {d: {dataloader_callback: 'f.js:load'}}\\nadaround: {dataset: d}                             | missing required key 'num_batches'
            datasets: {d: {dataloader_callback: 'f.js:load'}}\\nadaround: {dataset: d, num_batches: 0}             | num_batches is 0
            datasets: {d: {dataloader_callback: 'f.js:load', batch: 3}}\\nadaround: {dataset: d, num_batches: 1}  | datasets.d: unknown key 'batch'
            datasets: {d: {dataloader_callback: 'f.js:load'}}\\nadaround: {dataset: d, num_batches: 1, optional_adaround_args: {default_param_bw: 3}} | default_param_bw is 3
            datasets: {d: {dataloader_callback: 'f.js:load'}}\\nadaraund: {dataset: d, num_batches: 1}             | unknown key 'adaraund'
            datasets: {d: {dataloader_callback: 'f.js:load'}}\\nadaround: [1, 2                                   | not valid YAML
            datasets: {d: {dataloader_callback: 'f.js:load'}}                                                      | no adaround, amp or autoquant section
            datasets: {d: {dataloader_callback: 'f.js:load'}}\\nautoquant: {dataset: d, eval_callback: 'numpy.accuracy', eval_dataset: d, allowed_accuracy_drop: 1, amp_candidates: [[[8,'int'],[8,'int']],[[16,'int'],[8,'int']]]} | or qti.aisw.converters.aimet.aimet_utils.accuracy
            datasets: {d: {dataloader_callback: 'f.js:load'}}\\nautoquant: {dataset: d, eval_callback: 'f.js:load', eval_dataset: d, allowed_accuracy_drop: 1, amp_candidates: [[[8,'int'],[8,'int']],[[16,'int'],[8,'int']]], optional_autoquant_args: {rounding_mode: stochastic}} | rounding_mode 'stochastic'
            """)
    void badConfigsAreOneClearLine(String text, String expected) throws IOException {
        Files.writeString(dir.resolve("f.js"), "function load(k) { return []; }\n");
        Path y = dir.resolve("bad.yaml");
        Files.writeString(y, text.strip().replace("\\n", "\n") + "\n");
        CommandException e = assertThrows(CommandException.class, () -> AlgorithmConfig.read(y, "bad.yaml"));
        assertTrue(e.getMessage().startsWith("bad.yaml"), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    /** The spec's AutoQuant prose names the evaluator eval_callback_for_phase2, its template eval_callback. */
    @Test
    void autoquantTakesBothSpellingsOfItsEvaluator() throws IOException {
        String base = "datasets: {d: {dataloader_callback: 'f.js:load'}}\nautoquant: {dataset: d, %s eval_dataset: d,"
                + " allowed_accuracy_drop: 1, amp_candidates: [[[8,'int'],[8,'int']],[[16,'int'],[8,'int']]]}\n";
        Files.writeString(dir.resolve("f.js"), "function load(k) { return []; }\n");
        Path y = dir.resolve("aq.yaml");
        Files.writeString(y, base.formatted("eval_callback_for_phase2: 'qti.aisw.converters.aimet.aimet_utils.accuracy',"));
        assertTrue(AlgorithmConfig.read(y, "aq.yaml").autoquant().eval().builtin());
        Files.writeString(y, base.formatted("eval_callback_for_phase2: 'f.js:load', eval_callback: 'f.js:load',"));
        CommandException e = assertThrows(CommandException.class, () -> AlgorithmConfig.read(y, "aq.yaml"));
        assertTrue(e.getMessage().contains("eval_callback and eval_callback_for_phase2 name the same evaluator"), e.getMessage());
    }

    @Test
    void aMissingFileOrSectionIsOneLine() throws IOException {
        CommandException e = assertThrows(CommandException.class, () -> AlgorithmConfig.read(dir.resolve("none.yaml"), "none.yaml"));
        assertEquals("no such config file none.yaml", e.getMessage());
        AlgorithmConfig ada = AlgorithmConfig.read(SCRIPTS.resolve("adaround.yaml"), "adaround.yaml");
        e = assertThrows(CommandException.class, () -> ada.section("amp"));
        assertTrue(e.getMessage().contains("no 'amp' section"), e.getMessage());
    }
}
