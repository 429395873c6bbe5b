package qsh.commands.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.commands.Interpreter;
import qsh.core.workflow.ModelState;
import qsh.commands.spi.CommandException;
import qsh.core.calib.RawTensorFile;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.modelio.OnnxReader;
import qsh.core.onnx.TensorProtos;
import qsh.core.onnx.proto.OnnxProto.AttributeProto;
import qsh.core.onnx.proto.OnnxProto.GraphProto;
import qsh.core.onnx.proto.OnnxProto.ModelProto;
import qsh.core.onnx.proto.OnnxProto.NodeProto;
import qsh.core.onnx.proto.OnnxProto.OperatorSetIdProto;
import qsh.core.onnx.proto.OnnxProto.TensorShapeProto;
import qsh.core.onnx.proto.OnnxProto.TypeProto;
import qsh.core.onnx.proto.OnnxProto.ValueInfoProto;
import qsh.core.quant.Encoding;
import qsh.core.schema.SchemaCheck;
import qsh.core.tensor.Tensor;

/**
 * A model at opset 9 with every op in its old form (Clip, Pad, Slice, Squeeze/Unsqueeze and ReduceMean with
 * attributes, Dropout with a ratio, Upsample) is quantized at 8 bits (export opset 13) and with 16-bit activations
 * (opset 21): the export passes the schema check, ONNX Runtime runs it, and its output agrees with qsh's simulation.
 * A model that is invalid at its own opset is refused by save and export in one line, and no file stays behind.
 */
class OldOpsetExportTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} → opset {1}")
    @CsvSource({"'', 13", "--act-bw 16, 21", "--per-channel --weight-bw 4 --bias-bw 32, 13"})
    void oldFormOpsExportValidlyAndOrtAgreesWithTheSimulation(String flags, long opset) throws Exception {
        Path model = writeOldModel(dir.resolve("old9.onnx"));
        Path list = inputList(8);
        Interpreter in = new Interpreter();
        in.execute("load " + model);
        in.execute("calibrate " + list + " " + flags);
        Path out = dir.resolve("q.onnx");
        in.execute("export " + out);
        Graph written = OnnxReader.read(out);
        assertEquals(opset, written.opset());
        assertEquals(List.of(), SchemaCheck.problems(written));
        assertFalse(written.opCounts().containsKey("Upsample") || written.opCounts().containsKey("Dropout"),
                "Upsample → Resize, Dropout → Identity: " + written.opCounts());
        ModelState m = in.session().model().orElseThrow();
        assertEquals(opset, m.simulated().opset(), "the simulation runs the upgraded graph");
        Encoding y = m.plan().activations().get("y").encoding();
        double worst = 0;
        for (int i = 0; i < 6; i++) {
            Tensor x = random(100 + i);
            float[] ours = ((Tensor) Executor.run(m.simulated(), Map.of("x", x), null).get("y")).data();
            float[] ort = ort(out, x);
            for (int k = 0; k < ours.length; k++) {
                worst = Math.max(worst, Math.abs(ours[k] - ort[k]) / y.scale());
            }
        }
        System.out.printf("old-form opset-9 model [%s] exported at opset %d: max |qsh - ORT| = %.3g output steps%n",
                flags, opset, worst);
        assertTrue(worst <= (y.bitwidth() == 16 ? 4 : 1) + 1e-4, "qsh and ORT differ by " + worst + " steps");
    }

    @Test
    void batchQuantizeWritesAValidUpgradedModel() throws Exception {
        Path model = writeOldModel(dir.resolve("old9.onnx"));
        Path out = dir.resolve("b.onnx");
        new Interpreter().execute("qairt-quantizer --input_network " + model + " --input_list " + inputList(4)
                + " --output_path " + out + " --act_bw 16");
        Graph written = OnnxReader.read(out);
        assertEquals(21, written.opset());
        assertEquals(List.of(), SchemaCheck.problems(written));
        assertEquals(5, ort(out, random(7)).length);
    }

    @Test
    void aModelInvalidAtItsOwnOpsetIsRefusedInOneLine() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder().setName("bad").addInput(input("x", 1, 3, 1, 4))
                .addOutput(output("y"));
        g.addNode(node("Squeeze", List.of("x"), List.of("y"), ints("axes", 2)));
        Path bad = dir.resolve("bad13.onnx");
        Files.write(bad, model(g, 13).toByteArray());
        Interpreter in = new Interpreter();
        in.execute("load " + bad);
        Path saved = dir.resolve("saved.onnx");
        CommandException e = assertThrows(CommandException.class, () -> in.execute("save " + saved));
        assertTrue(e.getMessage().startsWith("cannot save: " + saved + " is not a valid opset-13 model: node 'Squeeze_1'"
                + " (Squeeze-13): attribute 'axes' is not allowed at opset 13"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertFalse(Files.exists(saved), "no invalid file is left behind");
        in.execute("calibrate --float-fallback");
        Path exported = dir.resolve("bad_q.onnx");
        e = assertThrows(CommandException.class, () -> in.execute("export " + exported));
        assertTrue(e.getMessage().startsWith("cannot export: "), e.getMessage());
        assertFalse(Files.exists(exported));
        assertFalse(Files.exists(dir.resolve("bad_q.encodings")));
    }

    /** x[1,3,8,8] → Conv → Relu → Clip → Pad → Slice → Unsqueeze → Squeeze → Dropout → ReduceMean → Upsample → Conv → GAP → Flatten → Gemm → Softmax. */
    static Path writeOldModel(Path file) throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder().setName("old9").addInput(input("x", 1, 3, 8, 8))
                .addOutput(output("y"));
        g.addInitializer(TensorProtos.encode("w1", weights(1, 4, 3, 3, 3)));
        g.addInitializer(TensorProtos.encode("b1", weights(2, 4)));
        g.addInitializer(TensorProtos.encode("w2", weights(3, 4, 4, 1, 1)));
        g.addInitializer(TensorProtos.encode("w3", weights(4, 4, 5)));
        g.addInitializer(TensorProtos.encode("b3", weights(5, 5)));
        g.addInitializer(TensorProtos.encode("scales", Tensor.vector(1, 1, 1, 8)));
        g.addNode(node("Conv", List.of("x", "w1", "b1"), List.of("c"), ints("pads", 1, 1, 1, 1)));
        g.addNode(node("Relu", List.of("c"), List.of("r")));
        g.addNode(node("Clip", List.of("r"), List.of("cl"), real("min", 0f), real("max", 1.5f)));
        g.addNode(node("Pad", List.of("cl"), List.of("p"), ints("pads", 0, 0, 1, 1, 0, 0, 1, 1)));
        g.addNode(node("Slice", List.of("p"), List.of("s"), ints("starts", 1, 1), ints("ends", 9, 9), ints("axes", 2, 3)));
        g.addNode(node("Unsqueeze", List.of("s"), List.of("u"), ints("axes", 0)));
        g.addNode(node("Squeeze", List.of("u"), List.of("q"), ints("axes", 0)));
        g.addNode(node("Dropout", List.of("q"), List.of("d", "mask"), real("ratio", 0.5f)));
        g.addNode(node("ReduceMean", List.of("d"), List.of("m"), ints("axes", 3), integer("keepdims", 1)));
        g.addNode(node("Upsample", List.of("m", "scales"), List.of("up")));
        g.addNode(node("Conv", List.of("up", "w2"), List.of("e")));
        g.addNode(node("GlobalAveragePool", List.of("e"), List.of("gap")));
        g.addNode(node("Flatten", List.of("gap"), List.of("f")));
        g.addNode(node("Gemm", List.of("f", "w3", "b3"), List.of("logits")));
        g.addNode(node("Softmax", List.of("logits"), List.of("y")));
        Files.write(file, model(g, 9).toByteArray());
        return file;
    }

    private Path inputList(int n) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path raw = dir.resolve("in" + i + ".raw");
            RawTensorFile.write(raw, random(i));
            lines.add(raw.toString());
        }
        Path list = dir.resolve("list" + n + ".txt");
        try {
            Files.write(list, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return list;
    }

    static Tensor random(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = new float[3 * 8 * 8];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextDouble(-1, 1);
        }
        return Tensor.of(new int[] {1, 3, 8, 8}, d);
    }

    private static Tensor weights(long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) r.nextDouble(-0.6, 0.6);
        }
        return t;
    }

    static float[] ort(Path model, Tensor x) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT); // QDQ nodes run as written
            try (OrtSession s = env.createSession(model.toString(), so);
                 OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), new long[] {1, 3, 8, 8});
                 OrtSession.Result r = s.run(Map.of("x", in))) {
                FloatBuffer b = ((OnnxTensor) r.get(0)).getFloatBuffer();
                float[] out = new float[b.remaining()];
                b.get(out);
                return out;
            }
        }
    }

    static ModelProto model(GraphProto.Builder g, long opset) {
        return ModelProto.newBuilder().setIrVersion(opset >= 13 ? 7 : 4).setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(opset)).build();
    }

    static NodeProto node(String op, List<String> in, List<String> out, AttributeProto... attrs) {
        return NodeProto.newBuilder().setOpType(op).addAllInput(in).addAllOutput(out).addAllAttribute(List.of(attrs)).build();
    }

    static ValueInfoProto input(String name, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
    }

    static ValueInfoProto output(String name) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1))).build();
    }

    static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    static AttributeProto integer(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    static AttributeProto real(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }
}
