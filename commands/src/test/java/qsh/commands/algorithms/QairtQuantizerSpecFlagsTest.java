package qsh.commands.algorithms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qsh.commands.Interpreter;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.OptionSpec;
import qsh.core.modelio.OnnxReader;
import qsh.core.quant.QuantMode;
import qsh.core.sim.QuantizationPlan;
import qsh.core.sim.TensorPrecision;

/** The spec's qairt-quantizer command lines as the spec spells them (section "qairt-quantizer" and its flags). */
class QairtQuantizerSpecFlagsTest {
    static final Path DATA = Path.of("..", "scripts", "data").toAbsolutePath();
    static final String LIST = DATA.resolve("demo/input_list.txt").toString();
    static final String MIXED = DATA.resolve("overrides/mixed-fp32-block.json").toString();

    @TempDir
    Path dir;

    private static List<String> lines(Interpreter in, String line) {
        return in.execute(line).result().lines();
    }

    private static QuantizationPlan plan(Interpreter in) {
        return in.session().model().orElseThrow().plan();
    }

    private static String fails(String line) {
        CommandException e = assertThrows(CommandException.class, () -> new Interpreter().execute(line));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void inputDlcAndOutputDlcAreTheNetworkAndOutputPath() throws Exception {
        Interpreter in = new Interpreter();
        lines(in, "qairt-quantizer --input_dlc demo --input_list " + LIST + " --output_dlc " + dir.resolve("a.onnx"));
        lines(in, "qairt-quantizer --input_network demo --input_list " + LIST + " --output_path " + dir.resolve("b.onnx"));
        assertEquals(Files.readString(dir.resolve("b.encodings")), Files.readString(dir.resolve("a.encodings")));
        assertEquals(Files.size(dir.resolve("b.onnx")), Files.size(dir.resolve("a.onnx")));
        assertTrue(fails("qairt-quantizer --input_network demo --input_dlc demo --input_list " + LIST + " --output_path "
                + dir.resolve("c.onnx")).contains("--input_network and --input_dlc are the same flag: give one"));
        assertTrue(fails("qairt-quantizer --input_dlc inception_v3.dlc --input_list " + LIST + " --output_dlc x.onnx")
                .contains("qsh reads ONNX models, not DLC"));
        assertTrue(fails("qairt-quantizer --input_dlc demo --input_list " + LIST + " --output_dlc q.dlc")
                .contains("--output_dlc q.dlc: qsh writes ONNX QDQ models, not DLC: give a .onnx name"));
        assertFalse(Files.exists(Path.of("q.dlc")));
    }

    @Test
    void legacyFloatFallbackAndIgnoreEncodingsSpellings() {
        Interpreter a = new Interpreter();
        lines(a, "qairt-quantizer --input_network demo --float_fallback --quantization_overrides " + MIXED
                + " --output_path " + dir.resolve("a.onnx"));
        Interpreter b = new Interpreter();
        lines(b, "qairt-quantizer --input_network demo --enable_float_fallback --quantization_overrides " + MIXED
                + " --output_path " + dir.resolve("b.onnx"));
        assertEquals(plan(b).encodings(), plan(a).encodings());
        assertFalse(a.session().model().orElseThrow().overrides().isEmpty(), "the overrides were applied");

        Interpreter c = new Interpreter();
        lines(c, "qairt-quantizer --input_network demo --input_list " + LIST + " --quantization_overrides " + MIXED
                + " --ignore_encodings --output_path " + dir.resolve("c.onnx"));
        assertTrue(plan(c).converts().isEmpty(), "--ignore_encodings ignores the overrides");
        assertTrue(plan(c).activations().values().stream().allMatch(TensorPrecision::isInt));
    }

    /** Spec, "Enhanced": "appending either 'weights' or 'activations' after the option". */
    @Test
    void enhancedWithItsQualifierWord() {
        Interpreter in = new Interpreter();
        lines(in, "qairt-quantizer --input_network demo --input_list " + LIST + " --output_path " + dir.resolve("e.onnx")
                + " --param_quantizer enhanced weights");
        assertEquals(QuantMode.ENHANCED, plan(in).config().paramQuantizer());
        assertEquals(QuantMode.TF, plan(in).config().actQuantizer());
        lines(in, "qairt-quantizer --input_network demo --act_quantizer enhanced activations --input_list " + LIST
                + " --param_quantizer symmetric weights --output_path " + dir.resolve("e.onnx"));
        assertEquals(QuantMode.ENHANCED, plan(in).config().actQuantizer());
        assertEquals(QuantMode.SYMMETRIC, plan(in).config().paramQuantizer());
        assertTrue(fails("qairt-quantizer --input_network demo --input_list " + LIST + " --output_path x.onnx"
                + " --param_quantizer enhanced activations").contains("write --act_quantizer enhanced activations"));
        assertTrue(fails("qairt-quantizer --input_network demo --input_list " + LIST + " weights --output_path x.onnx")
                .contains("unexpected argument 'weights'"));
        assertTrue(fails("qairt-quantizer --input_network demo --input_list " + LIST + " --output_path x.onnx"
                + " --act_quantizer tf weights").contains("--act_quantizer sets the quantizer of the activations"));
    }

    /** Spec, "Non-quantized Mode": no input list and --float_bw 16 → every tensor FP16. */
    @Test
    void floatBw16AloneIsTheNonQuantizedFp16Model() throws Exception {
        Interpreter in = new Interpreter();
        List<String> out = lines(in, "qairt-quantizer --input_network demo --float_bw 16 --output_path " + dir.resolve("h.onnx"));
        assertTrue(out.stream().anyMatch(l -> l.startsWith("non-quantized FP16 model")), out.toString());
        QuantizationPlan p = plan(in);
        assertTrue(p.activations().values().stream().allMatch(t -> !t.isInt() && t.bitwidth() == 16), p.activations().toString());
        assertTrue(p.params().values().stream().allMatch(t -> !t.isInt() && t.bitwidth() == 16), p.params().toString());
        assertTrue(Files.size(dir.resolve("h.onnx")) > 10_000);
        assertTrue(fails("qairt-quantizer --input_network demo --float_bw 16 --quantization_overrides " + MIXED
                + " --output_path x.onnx").contains("needs --enable_float_fallback"));
        assertTrue(fails("qairt-quantizer --input_network demo --output_path x.onnx").contains("--float_bw 16 alone"));
    }

    @Test
    void useAimetQuantizerIsAcceptedAndSaysWhatItMeans() {
        List<String> out = lines(new Interpreter(), "qairt-quantizer --input_network demo --input_list " + LIST
                + " --use_aimet_quantizer --output_path " + dir.resolve("u.onnx"));
        assertEquals(1, out.stream().filter(l -> l.startsWith("--use_aimet_quantizer: ")).count(), out.toString());
    }

    @Test
    void theSpecsOtherFlagsAreAnsweredWithTheirReason() {
        assertTrue(fails("qairt-quantizer --input_network demo --input_list " + LIST + " --output_path x.onnx"
                + " --export_format=DLC_STRIP_QUANT").startsWith("--export_format: a qairt-converter flag"));
        assertTrue(fails("qairt-quantizer --env_path /tmp/venv").startsWith("--env_path: a flag of aimet_env_setup.sh"));
        assertTrue(fails("qairt-quantizer --aimet_sdk_tar a.tar.gz").startsWith("--aimet_sdk_tar: a flag of aimet_env_setup.sh"));
        assertTrue(fails("qairt-quantizer --bogus").contains("unknown option --bogus"));
        String help = String.join("\n", lines(new Interpreter(), "help qairt-quantizer"));
        assertTrue(help.contains("known but not taken here:\n  --export_format: a qairt-converter flag"), help);
        assertTrue(help.contains("  --env_path, --aimet_sdk_tar: a flag of aimet_env_setup.sh"), help);
        assertTrue(help.contains("--input_dlc M.onnx") && help.contains("here an ONNX model"), help);
    }

    /** Every flag of the batch quantizer, typed after the REPL's tensor quantize, points to qairt-quantizer. */
    @Test
    void theReplsQuantizePointsBatchFlagsToTheBatchCommand() {
        Interpreter in = new Interpreter();
        in.execute("let x = [1, 2, 3]");
        for (OptionSpec o : new QairtQuantizerCommand().spec().options()) {
            String line = "quantize --" + o.name() + (o.isFlag() ? "" : " " + (o.choices().isEmpty() ? "v" : o.choices().get(0)));
            CommandException e = assertThrows(CommandException.class, () -> in.execute(line), line);
            assertTrue(e.getMessage().startsWith("--" + o.name() + ": a flag of the model quantizer")
                    && e.getMessage().contains("qairt-quantizer --input_network M.onnx"), e.getMessage());
        }
        assertTrue(String.join("\n", lines(in, "quantize x --bw 4")).contains("x_q"), "its own options still work");
    }

    /** The input list's '#'/'%' lines: the tensors become outputs with their own encodings, checked by name. */
    @Test
    void inputListOutputLinesAreKeptAsQuantizedOutputs() throws Exception {
        String conv = "/features/features.3/body/body.6/Conv_output_0"; // fused into its BatchNormalization otherwise
        Path list = dir.resolve("l.txt");
        StringBuilder text = new StringBuilder("#/features/features.0/Conv\n%" + conv + " logits\n");
        for (String l : Files.readAllLines(Path.of(LIST))) {
            text.append(DATA.resolve("demo").resolve(l)).append('\n');
        }
        Files.writeString(list, text);
        Interpreter before = new Interpreter();
        lines(before, "calibrate " + LIST);
        assertEquals(null, plan(before).precision(conv), "without the list's line the conv output is fused");

        Interpreter in = new Interpreter();
        List<String> out = lines(in, "calibrate " + list);
        assertTrue(out.get(1).startsWith("  input list: 3 requested output(s) kept as graph outputs")
                && out.get(1).contains("added: /features/features.0/Conv_output_0, " + conv)
                && out.get(1).contains("already outputs: logits"), out.toString());
        assertTrue(plan(in).precision(conv).isInt(), "its own activation encoding");
        assertEquals(8, plan(in).precision(conv).bitwidth());
        assertEquals(List.of("logits", "/features/features.0/Conv_output_0", conv),
                in.session().model().orElseThrow().graph().outputs().stream().map(v -> v.name()).toList());

        Interpreter batch = new Interpreter();
        lines(batch, "qairt-quantizer --input_network demo --input_list " + list + " --output_path " + dir.resolve("o.onnx"));
        assertTrue(plan(batch).precision(conv).isInt());
        assertTrue(Files.readString(dir.resolve("o.encodings")).contains(conv));
        assertEquals(List.of("logits", "/features/features.0/Conv_output_0", conv), // the exported model's outputs
                OnnxReader.read(dir.resolve("o.onnx")).outputs().stream().map(v -> v.name()).toList());

        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "#/features/features.0/Conv\n%nosuch\n" + DATA.resolve("demo/img0.raw") + "\n");
        String msg = fails("calibrate " + bad);
        assertTrue(msg.startsWith(bad + ":2: '%' output tensor 'nosuch' is not a tensor of the model"), msg);
        msg = fails("qairt-quantizer --input_network demo --input_list " + bad + " --output_path " + dir.resolve("x.onnx"));
        assertTrue(msg.startsWith(bad + ":2: "), msg);
        assertFalse(Files.exists(dir.resolve("x.onnx")));
    }

    /** Overrides with scale/offset but no min/max: derived, and the loading says so in one line. */
    @Test
    void scaleOffsetOnlyOverridesAreDerivedAndSaid() throws Exception {
        String clip = "/features/features.5/body/body.2/Clip_output_0";
        Path o = dir.resolve("so.json");
        Files.writeString(o, "{\"activation_encodings\": {\"" + clip + "\": [{\"bitwidth\": 8, \"offset\": 0,"
                + " \"scale\": 0.025}]}, \"param_encodings\": {}}");
        Interpreter in = new Interpreter();
        List<String> out = lines(in, "encodings load " + o);
        assertEquals(1, out.stream().filter(l -> l.startsWith("  warning: " + o + ": 1 entry gives scale and offset but"
                + " no min/max ('" + clip + "')")).count(), out.toString());
        lines(in, "calibrate " + LIST);
        assertEquals(0.025, plan(in).precision(clip).encoding().scale(), 1e-15);
        assertEquals(0.025 * 255, plan(in).precision(clip).encoding().max(), 1e-12);
        List<String> batch = lines(new Interpreter(), "qairt-quantizer --input_network demo --input_list " + LIST
                + " --quantization_overrides " + o + " --output_path " + dir.resolve("so.onnx"));
        assertTrue(batch.stream().anyMatch(l -> l.contains("warning: " + o + ": 1 entry gives scale and offset")), batch.toString());
    }
}
