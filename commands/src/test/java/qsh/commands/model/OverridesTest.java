package qsh.commands.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import qsh.commands.Interpreter;
import qsh.core.workflow.ModelState;
import qsh.commands.spi.CommandException;
import qsh.core.sim.EncodingsJson;
import qsh.core.sim.QuantizationPlan;
import qsh.core.sim.TensorPrecision;

/** The spec's override rules on the demo model: partial/full, float ops, mixed bitwidths, fallback, errors. */
class OverridesTest {
    static final Path DATA = Path.of("..", "scripts", "data").toAbsolutePath();
    static final String LIST = DATA.resolve("demo/input_list.txt").toString();
    static final String CLIP = "/features/features.5/body/body.2/Clip_output_0";
    static final String CONV = "/features/features.5/body/body.0/Conv";

    @TempDir
    Path dir;

    static QuantizationPlan plan(Interpreter in) {
        return in.session().model().orElseThrow().plan();
    }

    @Test
    void aFloatWeightMakesItsWholeOpFloatWithConvertsAround() {
        Interpreter in = new Interpreter();
        in.execute("encodings load " + DATA.resolve("overrides/mixed-fp32-block.json"));
        in.execute("calibrate " + LIST);
        QuantizationPlan p = plan(in);
        assertEquals(TensorPrecision.FP32, p.ops().get(CONV));
        assertEquals(TensorPrecision.FP32, p.params().get("features.5.body.0.weight"));
        assertEquals(TensorPrecision.FP32, p.activations().get(CLIP));
        // int8 → fp32 into the float conv, fp32 → int8 out of the block into the next int8 conv
        assertEquals(List.of("int8 → fp32", "fp32 → int8"), p.converts().stream()
                .map(c -> c.from().describe() + " → " + c.to().describe()).toList());
        // the other ops stay int8 at the defaults (partial override)
        assertEquals(8, p.ops().get("/features/features.0/Conv").bitwidth());
        assertTrue(p.ops().get("/features/features.0/Conv").isInt());
    }

    @Test
    void bitwidthOnlyOverridesCalibrateAt16BitsWithConverts() {
        Interpreter in = new Interpreter();
        in.execute("encodings load " + DATA.resolve("overrides/mixed-int16.json"));
        in.execute("calibrate " + LIST);
        QuantizationPlan p = plan(in);
        assertEquals(16, p.activations().get(CLIP).bitwidth());
        assertEquals(16, p.params().get("features.5.body.0.weight").bitwidth());
        assertEquals(List.of("int8 → int16", "int16 → int8"), p.converts().stream()
                .map(c -> c.from().describe() + " → " + c.to().describe()).toList());
    }

    @Test
    void floatFallbackQuantizesOnlyWhatHasAnEncoding() throws Exception {
        Interpreter in = new Interpreter();
        in.execute("calibrate " + LIST + " --bias-bw 32");
        Path full = dir.resolve("full.json");
        in.execute("encodings save " + full);
        // keep two activations with full encodings, drop everything else
        var all = EncodingsJson.read(full);
        String a = "/features/features.2/Clip_output_0";
        var some = qsh.core.sim.QuantOverrides.of(java.util.Map.of(a, all.activations().get(a), "input",
                all.activations().get("input")), java.util.Map.of());
        Path partial = dir.resolve("partial.json");
        EncodingsJson.write(partial, some, qsh.core.sim.EncodingsVersion.V0_6_1);
        Interpreter fb = new Interpreter();
        fb.execute("encodings load " + partial);
        fb.execute("calibrate --float-fallback");
        QuantizationPlan p = plan(fb);
        assertEquals(all.activations().get(a), p.activations().get(a).encodings());
        assertEquals(2, p.activations().values().stream().filter(TensorPrecision::isInt).count());
        assertFalse(p.activations().get("logits").isInt());
    }

    /** Saved encodings of a mixed-precision model, reloaded under float fallback, give the same model back. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mixed-fp32-block.json", "mixed-int16.json"})
    void savedMixedPrecisionEncodingsRoundTripWithEveryConvert(String overrides) throws Exception {
        Interpreter in = new Interpreter();
        in.execute("encodings load " + DATA.resolve("overrides/" + overrides));
        in.execute("calibrate " + LIST);
        QuantizationPlan first = plan(in);
        Path saved = dir.resolve("saved.json");
        in.execute("encodings save " + saved);

        Interpreter again = new Interpreter();
        again.execute("encodings load " + saved);
        again.execute("calibrate --float-fallback");
        QuantizationPlan second = plan(again);
        assertEquals(describe(first.converts()), describe(second.converts()));
        assertEquals(first.ops(), second.ops());
        for (var e : first.activations().entrySet()) {
            assertEquals(e.getValue(), second.activations().get(e.getKey()), e.getKey());
        }
        for (var e : first.params().entrySet()) {
            assertEquals(e.getValue(), second.params().get(e.getKey()), e.getKey());
        }
    }

    private static List<String> describe(List<QuantizationPlan.ConvertOp> converts) {
        return converts.stream().map(c -> c.tensor() + "@" + c.consumer() + ":" + c.from().describe() + " → "
                + c.to().describe()).toList();
    }

    @Test
    void clearStripsEveryEncoding() {
        Interpreter in = new Interpreter();
        in.execute("encodings load " + DATA.resolve("overrides/mixed-int16.json"));
        in.execute("calibrate " + LIST);
        in.execute("encodings clear");
        ModelState m = in.session().model().orElseThrow();
        assertNull(m.plan());
        assertTrue(m.overrides().isEmpty());
    }

    @Test
    void exportedEncodingsReadBackExactly() throws Exception {
        Interpreter in = new Interpreter();
        in.execute("calibrate " + LIST + " --per-channel --bias-bw 32");
        for (String v : List.of("0.6.1", "1.0.0")) {
            Path out = dir.resolve("q" + v + ".onnx");
            in.execute("export " + out + " --version " + v);
            var back = EncodingsJson.read(dir.resolve("q" + v + ".encodings"));
            var mine = plan(in).encodings();
            assertEquals(mine.activations(), back.activations(), v);
            assertEquals(mine.params(), back.params(), v);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "malformed JSON         | { \"activation_encodings\": { ,                  | bad.json:1:",
            "per-channel count      | PERCHANNEL                                         | 3 per-channel encodings, but the tensor has 16",
            "activation bitwidth 12 | {\"activation_encodings\": {\"input\": [{\"bitwidth\": 12, \"dtype\": \"int\"}]}, \"param_encodings\": {}} | bitwidth 12",
    })
    void badOverridesAreOneLineAndChangeNothing(String what, String json, String expected) throws Exception {
        Interpreter in = new Interpreter();
        in.execute("calibrate " + LIST);
        ModelState before = in.session().model().orElseThrow();
        String text = json.equals("PERCHANNEL") ? perChannel(3) : json;
        Path f = dir.resolve("bad.json");
        Files.writeString(f, text);
        CommandException e = assertThrows(CommandException.class, () -> {
            in.execute("encodings load " + f);
            in.execute("calibrate " + LIST);
        }, what);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertEquals(before.plan(), in.session().model().orElseThrow().plan(), what);
    }

    @Test
    void int32OverridesRunTheOpInInt32AndRefuseOpsWithWeights() {
        Interpreter in = new Interpreter();
        in.execute("encodings load " + DATA.resolve("overrides/int32-add.json"));
        // calibrate says why the op costs accuracy (issue 16: lesson 06 only had a comment, which replay does not print)
        String said = String.join(" ", in.execute("calibrate " + LIST).result().lines()).replaceAll(" +", " ");
        assertTrue(said.contains("INT32 op /features/features.3/Add: Cast(INT32) truncates each input to an integer"), said);
        assertTrue(said.contains("its inputs keep 7 of 256 values in [0, 6]"), said); // the ReLU6 input: 7 integers where int8 had 256 steps
        assertEquals(java.util.Set.of("/features/features.3/Add"), plan(in).int32Ops());
        var casts = in.session().model().orElseThrow().simulated().nodes().stream()
                .filter(n -> n.opType().equals("Cast")).map(n -> n.attrInt("to", 0)).toList();
        assertEquals(List.of(6L, 6L, 1L), casts); // Cast(INT32) on both inputs, Cast(FP32) on the output
        Interpreter conv = new Interpreter();
        conv.execute("encodings load " + DATA.resolve("overrides/int32-conv.json"));
        CommandException e = assertThrows(CommandException.class, () -> conv.execute("calibrate " + LIST));
        assertTrue(e.getMessage().contains("only for ops without weights and bias"), e.getMessage());
        assertNull(conv.session().model().orElseThrow().plan());
    }

    @Test
    void unknownTensorsAreWarnings() throws Exception {
        Interpreter in = new Interpreter();
        Path f = dir.resolve("unknown.json");
        Files.writeString(f, "{\"activation_encodings\": {\"no_such_tensor\": [{\"bitwidth\": 16, \"dtype\": \"int\"}]},"
                + " \"param_encodings\": {}}");
        var out = in.execute("encodings load " + f);
        assertTrue(String.join("\n", out.result().lines()).contains("'no_such_tensor' is not a tensor"));
        in.execute("calibrate " + LIST);
        assertTrue(plan(in).warnings().get(0).contains("no_such_tensor"));
    }

    @Test
    void fallbackAndInputListExcludeEachOther() {
        Interpreter in = new Interpreter();
        CommandException e = assertThrows(CommandException.class, () -> in.execute("calibrate " + LIST + " --float-fallback"));
        assertTrue(e.getMessage().contains("exclude each other"));
        e = assertThrows(CommandException.class, () -> in.execute("calibrate"));
        assertTrue(e.getMessage().contains("--float-fallback"));
    }

    static String perChannel(int n) {
        StringBuilder b = new StringBuilder("{\"activation_encodings\": {}, \"param_encodings\": {\"features.0.weight\": [");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append("{\"bitwidth\": 8, \"is_symmetric\": \"True\", \"min\": -1.0078740157480315,"
                    + " \"max\": 1.0, \"offset\": -128, \"scale\": 0.007874015748031496}");
        }
        return b.append("]}}").toString();
    }
}
