package qsh.commands.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qsh.commands.Interpreter;
import qsh.commands.spi.CommandException;
import qsh.core.modelio.OnnxReader;
import qsh.core.quant.Encoding;
import qsh.core.sim.EncodingsJson;
import qsh.core.sim.QuantOverrides;

/** calibrate on the demo model and its sample input list: encodings, bias rule, JSON round trip, errors. */
class CalibrateCommandTest {
    static final Path LIST = Path.of("..", "scripts", "data", "demo", "input_list.txt").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void calibratesActivationsWeightsAndBiases() throws Exception {
        Interpreter in = new Interpreter();
        Path out = dir.resolve("enc.json");
        in.execute("calibrate " + LIST + " --per-channel --bias-bw 32 --save " + out);
        var plan = in.session().model().orElseThrow().plan();
        QuantOverrides enc = in.session().model().orElseThrow().encodings();
        // the 17 batch norms are folded first (QNN's converter default): 53 values less 17; every one left plus the input
        // is a quantization point or fused into the op that reads it (folded Conv → Clip: one point, the Clip output,
        // and the folded conv's output takes the BN's name); ReLU6 outputs span [0, 6] exactly
        assertEquals(36, enc.activations().size() + plan.fused().size());
        assertEquals(24, enc.activations().size());
        assertEquals("/features/features.2/Clip_output_0", plan.fused().get("/features/features.1/BatchNormalization_output_0"));
        assertTrue(in.session().model().orElseThrow().graph().nodes().stream().noneMatch(n -> n.opType().equals("BatchNormalization")));
        Encoding relu6 = enc.activations().get("/features/features.2/Clip_output_0").get(0);
        assertEquals(0.0, relu6.min(), 0);
        assertEquals(0, relu6.zeroPoint());
        // per-channel conv weights: one symmetric encoding per output channel
        List<Encoding> w0 = enc.params().get("features.0.weight");
        assertEquals(16, w0.size());
        assertTrue(w0.stream().allMatch(Encoding::symmetric));
        // the classifier's bias: 32 bits, scale = input scale x weight scale
        Encoding in0 = enc.activations().get("/Flatten_output_0").get(0);
        Encoding w = enc.params().get("classifier.weight").get(0);
        Encoding b = enc.params().get("classifier.bias").get(0);
        assertEquals(32, b.bitwidth());
        assertEquals(in0.scale() * w.scale(), b.scale(), 1e-15);
        // the written JSON reads back to the same activation encodings
        QuantOverrides back = EncodingsJson.read(out);
        assertEquals(enc.activations().keySet(), back.activations().keySet());
        Encoding a = back.activations().get("/features/features.3/Add_output_0").get(0);
        Encoding e = enc.activations().get("/features/features.3/Add_output_0").get(0);
        assertEquals(e.scale(), a.scale(), 1e-12);
        assertEquals(e.zeroPoint(), a.zeroPoint());
    }

    /**
     * One histogram and one bins setting: 'set bins' reaches calibration, and calibrate's percentile encoding of an
     * activation seen in one input equals 'encode --mode percentile' of the same values (same bins, same code).
     */
    @Test
    void calibratedPercentileEqualsEncodeOfTheSameActivationWithTheSetBins() throws Exception {
        Path list = dir.resolve("one.txt");
        Files.writeString(list, LIST.getParent().resolve("img0.raw") + "\n");
        String act = "/features/features.3/Add_output_0";
        java.util.Map<Integer, Encoding> byBins = new java.util.HashMap<>();
        for (int bins : new int[] {64, 2048}) {
            Interpreter in = new Interpreter();
            in.execute("set bins " + bins);
            in.execute("calibrate " + list + " --act-quantizer percentile");
            Encoding calibrated = in.session().model().orElseThrow().encodings().activations().get(act).get(0);
            in.execute("infer " + LIST.getParent().resolve("img0.raw"));
            @SuppressWarnings("unchecked")
            var enc = (java.util.Map<String, Object>) in.execute("encode " + act + " --mode percentile --json").result().data();
            assertEquals(calibrated.scale(), (double) enc.get("scale"), 0, bins + " bins");
            assertEquals((long) calibrated.zeroPoint(), ((Number) enc.get("offset")).longValue(), bins + " bins");
            byBins.put(bins, calibrated);
        }
        // the setting reached calibration: 64 bins give another percentile than 2048
        assertTrue(byBins.get(64).scale() != byBins.get(2048).scale(), byBins.toString());
    }

    @Test
    void disableBatchnormFoldingKeepsEachBatchNormAsItsOwnQuantizedOp() {
        Interpreter in = new Interpreter();
        in.execute("calibrate " + LIST + " --disable-batchnorm-folding");
        var m = in.session().model().orElseThrow();
        assertEquals(17, m.graph().nodes().stream().filter(n -> n.opType().equals("BatchNormalization")).count());
        // the conv output before its BN is quantized now (it used to be fused into the BN, hiding the BN from the quantizer)
        assertTrue(m.plan().activations().get("/features/features.0/Conv_output_0").isInt());
        assertEquals(0, in.session().undoDepth());
        // the default folds, undoably
        in.execute("calibrate " + LIST);
        assertEquals(1, in.session().undoDepth());
        assertTrue(String.join("\n", in.execute("undo").result().lines()).contains("batch-norm folding of 17 batch norms"));
        assertEquals(17, in.session().model().orElseThrow().graph().nodes().stream().filter(n -> n.opType().equals("BatchNormalization")).count());
    }

    @Test
    void theBatchCommandExportsNoFloatBatchNormUnlessAskedTo() throws Exception {
        Interpreter in = new Interpreter();
        Path folded = dir.resolve("folded.onnx");
        in.execute("qairt-quantizer --input_network demo --input_list " + LIST + " --weight_bw 4 --output_path " + folded);
        assertEquals(0, OnnxReader.read(folded).opCounts().getOrDefault("BatchNormalization", 0));
        Path kept = dir.resolve("kept.onnx");
        in.execute("qairt-quantizer --input_network demo --input_list " + LIST + " --weight_bw 4 --disable_batchnorm_folding"
                + " --output_path " + kept);
        assertEquals(17, OnnxReader.read(kept).opCounts().getOrDefault("BatchNormalization", 0));
    }

    @Test
    void everyActivationQuantizerCoversEveryActivation() {
        for (String q : List.of("tf", "symmetric", "enhanced", "adjusted", "percentile")) {
            Interpreter in = new Interpreter();
            in.execute("calibrate " + LIST + " --act-quantizer " + q);
            QuantOverrides enc = in.session().model().orElseThrow().encodings();
            assertEquals(36, enc.activations().size() + in.session().model().orElseThrow().plan().fused().size(), q);
            for (List<Encoding> e : enc.activations().values()) {
                double z = -e.get(0).min() / e.get(0).scale();
                assertEquals(Math.rint(z), z, 1e-6, q + ": zero must be exact");
            }
        }
    }

    @Test
    void badListsAreOneLineAndChangeNothing() throws Exception {
        Interpreter in = new Interpreter();
        in.execute("load demo");
        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "missing.raw\n");
        Path small = dir.resolve("small.raw");
        Files.write(small, new byte[16]);
        Path wrong = dir.resolve("wrong.txt");
        Files.writeString(wrong, "small.raw\n");
        for (String line : List.of("calibrate " + bad, "calibrate " + wrong, "calibrate " + dir.resolve("none.txt"),
                "calibrate " + LIST + " --per-channel --param-quantizer tf")) {
            CommandException ex = assertThrows(CommandException.class, () -> in.execute(line), line);
            assertTrue(!ex.getMessage().contains("\n"), ex.getMessage());
            assertEquals(QuantOverrides.EMPTY, in.session().model().orElseThrow().encodings(), line);
        }
    }
}
