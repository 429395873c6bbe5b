package qsh.commands.algorithms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qsh.commands.Interpreter;
import qsh.core.workflow.ModelState;
import qsh.commands.spi.CommandException;

/**
 * The committed configs in scripts/algorithms run end to end with their JS loaders and evaluators (iteration
 * counts and sample counts cut down: the README's figures use the files as committed).
 */
class ConfigRunTest {
    static final Path SCRIPTS = AlgorithmConfigTest.SCRIPTS;
    static final String LIST = Path.of("..", "scripts", "data", "demo", "input_list.txt").toAbsolutePath().toString();

    @TempDir
    static Path cache;

    @TempDir
    Path dir;

    @BeforeAll
    static void privateCache() {
        System.setProperty("qsh.cache", cache.toString());
    }

    @AfterAll
    static void restore() {
        System.clearProperty("qsh.cache");
    }

    /** Copies scripts/algorithms into the temp folder, applying {@code edits} (old, new, old, new, …) to {@code name}. */
    private Path copy(String name, String... edits) throws IOException {
        try (Stream<Path> files = Files.list(SCRIPTS)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path y = dir.resolve(name);
        String text = Files.readString(y);
        for (int i = 0; i < edits.length; i += 2) {
            assertTrue(text.contains(edits[i]), name + " has no '" + edits[i] + "' to edit");
            text = text.replace(edits[i], edits[i + 1]);
        }
        Files.writeString(y, text);
        return y;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> run(Interpreter in, String line) {
        return (Map<String, Object>) in.execute(line).result().data();
    }

    @Test
    @SuppressWarnings("unchecked")
    void adaroundFromTheConfigInTheShellAndInBatchMode() throws IOException {
        Path y = copy("adaround.yaml", "num_iterations: 2000", "num_iterations: 5\n        param_bw_override_list: [['/classifier/Gemm', 8]]"
                + "\n        ignore_quant_ops_list: ['/features/features.3/Add']", "count: 64", "count: 16");
        Interpreter in = new Interpreter();
        in.execute("load demo");
        Map<String, Object> data = run(in, "adaround --config " + y);
        assertEquals(18, ((List<?>) data.get("layers")).size());
        ModelState m = in.session().model().orElseThrow();
        assertTrue(m.plan().config().perChannel() && m.plan().config().weightBw() == 4, m.plan().config().label());
        assertFalse(m.plan().weightValues().isEmpty(), "the rounded weights are the plan's");
        assertEquals(8, m.plan().params().get("classifier.weight").bitwidth(), "param_bw_override_list");
        assertEquals(4, m.plan().params().get("features.8.weight").bitwidth());
        assertFalse(m.plan().activations().get("/features/features.3/Add_output_0").isInt(), "ignore_quant_ops_list");
        String text = String.join("\n", in.execute("adaround --config " + y).result().lines());
        assertTrue(text.contains("warning: num_batches is 8 but dataset 'fashion_train' has 2 batches"), text);
        assertTrue(text.contains("5 iterations × batch 8"), text);

        Path out = dir.resolve("q.onnx");
        Map<String, Object> batch = run(in, "qairt-quantizer --input_network demo --input_list " + LIST
                + " --apply_algorithms adaround --config " + y + " --output_path " + out);
        assertTrue(Files.size(out) > 10_000, batch.toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void ampFromTheConfigHonoursKernelsCachesPhaseOneAndSearchesBothWays() throws IOException {
        Path y = copy("amp.yaml", "count: 1000, batch_size: 100", "count: 100, batch_size: 50");
        Interpreter in = new Interpreter();
        in.execute("load demo");
        Map<String, Object> first = run(in, "amp --config " + y + " --pareto " + dir.resolve("p.json"));
        assertEquals(false, first.get("phase1_cached"));
        Map<String, Object> chosen = (Map<String, Object>) first.get("chosen");
        assertTrue((Double) chosen.get("relative_bitops") < 1.0, chosen.toString());
        List<Map<String, Object>> pareto = (List<Map<String, Object>>) first.get("pareto");
        List<String> groups = (List<String>) first.get("groups");
        int gemm = groups.indexOf("/classifier/Gemm");
        for (Map<String, Object> p : pareto) { // supported_kernels: the Gemm has no 4-bit or 16/16 kernel
            String c = ((List<String>) p.get("candidates")).get(gemm);
            assertTrue(c.equals("a16w8") || c.equals("a8w8"), "Gemm at " + c);
        }
        assertTrue(Files.size(dir.resolve("p.json")) > 100);

        // same data, same callbacks: phase 1 comes from the cache; reverse brute force walks up from all-lowest
        Files.writeString(y, Files.readString(y).replace("phase2_reverse: False", "phase2_reverse: True")
                .replace("amp_search_algo: Binary", "amp_search_algo: BruteForce"));
        Map<String, Object> second = run(in, "amp --config " + y);
        assertEquals(true, second.get("phase1_cached"));
        List<Map<String, Object>> all = (List<Map<String, Object>>) second.get("pareto");
        assertTrue(all.size() > 10, "brute force scores every point: " + all.size());
        assertEquals((Double) pareto.get(0).get("relative_bitops"), (Double) all.get(0).get("relative_bitops"), 1e-12,
                "both paths span all-highest (as supported) …");

        // clean_start recomputes; interpolation search; use_all_amp_candidates lets the Gemm go to 4 bits
        Files.writeString(y, Files.readString(y).replace("clean_start: False", "clean_start: True")
                .replace("amp_search_algo: BruteForce", "amp_search_algo: Interpolation")
                .replace("use_all_amp_candidates: False", "use_all_amp_candidates: True"));
        Map<String, Object> third = run(in, "amp --config " + y);
        assertEquals(false, third.get("phase1_cached"));
        assertTrue(in.session().model().orElseThrow().quantized());
    }

    @Test
    @SuppressWarnings("unchecked")
    void autoquantFromTheConfigRunsEveryStepWhenTheTargetIsOutOfReach() throws IOException {
        Path y = copy("autoquant.yaml", "count: 256", "count: 16", "count: 2000, batch_size: 100", "count: 100, batch_size: 50",
                "allowed_accuracy_drop: 0.5", "allowed_accuracy_drop: -100", "num_iterations: 500", "num_iterations: 3",
                "num_samples_for_phase_1: 500", "num_samples_for_phase_1: 50", "num_samples_for_phase_2: 2000", "num_samples_for_phase_2: 100");
        Interpreter in = new Interpreter();
        in.execute("load demo");
        Map<String, Object> data = run(in, "autoquant --config " + y);
        List<Map<String, Object>> steps = (List<Map<String, Object>>) data.get("steps");
        assertTrue(steps.size() >= 5, steps.toString());
        assertTrue(steps.get(0).get("step").toString().contains("W4A8 per-channel"), steps.toString());
        assertTrue(steps.get(steps.size() - 1).get("step").toString().startsWith("5 AMP"), steps.toString());
        double best = steps.stream().mapToDouble(s -> (Double) s.get("score")).max().orElseThrow();
        assertEquals(best, (Double) data.get("result_score"), 1e-9);
    }

    /** Each bad callback: one line naming the file and function; the session's model is left as it was. */
    @Test
    void theShippedLoaderRefusesABatchSizeThatNeverEnds() throws IOException {
        // issue 18: fashion.js looped forever on batch_size <= 0; now one line names the argument
        Interpreter in = new Interpreter();
        in.execute("load demo");
        ModelState before = in.session().model().orElseThrow();
        for (String bad : new String[] {"0", "-1", "2.5"}) {
            Path y = copy("amp.yaml", "count: 1000, batch_size: 100", "count: 100, batch_size: " + bad);
            CommandException e = assertThrows(CommandException.class, () -> in.execute("amp --config " + y), bad);
            assertTrue(e.getMessage().contains("batch_size must be a positive whole number, not " + bad), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            assertSame(before, in.session().model().orElseThrow(), "the session is intact");
        }
    }

    @Test
    void badCallbacksAreOneLineAndLeaveTheSessionIntact() throws IOException {
        Path js = dir.resolve("bad.js");
        Files.writeString(js, """
                function throws(kwargs) { throw new Error("no data today"); }
                function wrongShape(kwargs) { return [[new Array(700).fill(0), [1]]]; }
                function notAnArray(kwargs) { return 42; }
                function good(kwargs) { return [[qsh.fashionMnist({count: 4}).images, [0, 1, 2, 3]]]; }
                function stringEval(output, target) { return "high"; }
                function throwingEval(output, target) { return undefinedName + 1; }
                """);
        String[][] cases = {
                {"bad.js:missing", "good", "bad.js defines no function 'missing'"},
                {"bad.js:throws", "good", "bad.js:throws:1:"},
                {"bad.js:wrongShape", "good", "has 700 values, not a multiple of 784"},
                {"bad.js:notAnArray", "good", "must return an array of batches"},
                {"bad.js:good", "stringEval", "bad.js:stringEval must return a finite number"},
                {"bad.js:good", "throwingEval", "bad.js:throwingEval:6:"},
        };
        Interpreter in = new Interpreter();
        in.execute("load demo");
        ModelState before = in.session().model().orElseThrow();
        for (String[] c : cases) {
            Path y = dir.resolve("bad.yaml");
            Files.writeString(y, "datasets:\n  d: {dataloader_callback: '" + c[0] + "'}\namp:\n  dataset: d\n"
                    + "  candidates: [[[16,'int'],[16,'int']], [[8,'int'],[8,'int']]]\n  allowed_accuracy_drop: 1\n"
                    + "  eval_callback_for_phase2: 'bad.js:" + c[1] + "'\n");
            CommandException e = assertThrows(CommandException.class, () -> in.execute("amp --config " + y), c[0]);
            assertTrue(e.getMessage().contains(c[2]), c[0] + "/" + c[1] + ": " + e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            assertSame(before, in.session().model().orElseThrow(), "the session is intact");
        }
        // the JavaScript context survives: a later js command still works
        assertEquals("3", in.execute("js 1 + 2").result().lines().get(0));
    }

    @Test
    void batchModeNeedsAConfigForAmpAndAutoquant() {
        Interpreter in = new Interpreter();
        CommandException e = assertThrows(CommandException.class, () -> in.execute("qairt-quantizer --input_network demo"
                + " --input_list " + LIST + " --apply_algorithms amp --output_path " + dir.resolve("x.onnx")));
        assertTrue(e.getMessage().contains("needs --config"), e.getMessage());
        e = assertThrows(CommandException.class, () -> in.execute("qairt-quantizer --input_network demo --input_list " + LIST
                + " --apply_algorithms amp --config " + SCRIPTS.resolve("adaround.yaml") + " --output_path " + dir.resolve("x.onnx")));
        assertTrue(e.getMessage().contains("no 'amp' section"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("x.onnx")));
    }
}
