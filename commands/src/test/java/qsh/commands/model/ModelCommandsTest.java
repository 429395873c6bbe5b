package qsh.commands.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qsh.commands.Interpreter;
import qsh.core.workflow.ModelState;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.ShapeProbe;
import qsh.core.exec.Executor;
import qsh.core.modelio.OnnxReader;
import qsh.core.tensor.Tensor;

/** load / graph / node / infer / ranges / save on a real model (the PaddleOCR text-direction classifier). */
class ModelCommandsTest {
    @TempDir
    static Path dir;
    static Path cls;

    @BeforeAll
    static void extract() throws Exception {
        try (InputStream in = ModelCommandsTest.class.getClassLoader().getResourceAsStream("models/ch_ppocr_mobile_v2.0_cls_infer.onnx")) {
            cls = dir.resolve("cls.onnx");
            Files.write(cls, in.readAllBytes());
        }
    }

    @Test
    void loadSummarisesTheModel() {
        Interpreter in = new Interpreter();
        Interpreter.Outcome o = in.execute("load " + cls + " --json");
        @SuppressWarnings("unchecked")
        Map<String, Object> d = (Map<String, Object>) o.result().data();
        assertEquals(11L, d.get("opset"));
        // 258 nodes in the file; the Cast and the 18 Reshapes of constants are folded into initializers, and the
        // 18 Adds of those reshaped biases go into the convolutions' biases
        assertEquals(221, d.get("nodes"));
        assertTrue(d.get("notes").toString().contains("folded 19 nodes that compute only from initializers into"
                + " initializers (Cast, Reshape ×18)"), d.get("notes").toString());
        assertTrue(d.get("notes").toString().contains("squashed 18 constant Adds into the bias"), d.get("notes").toString());
        Map<?, ?> kept = (Map<?, ?>) in.execute("load " + cls + " --no_simplification --json").result().data();
        assertEquals(258, kept.get("nodes"));
        assertTrue(!String.valueOf(kept.get("notes")).contains("folded"), String.valueOf(kept.get("notes")));
        assertTrue(((Map<?, ?>) d.get("op_counts")).containsKey("Conv"));
        assertEquals(List.of(), d.get("unsupported"));
    }

    @Test
    void inferGraphNodeRangesAndModelTensors() {
        Interpreter in = new Interpreter();
        in.execute("load " + cls);
        Interpreter.Outcome o = in.execute("infer --random --seed 1 --shape 1x3x48x192");
        assertTrue(String.join("\n", o.result().lines()).contains("[1, 2]"));
        String graph = String.join("\n", in.execute("graph").result().lines());
        assertTrue(graph.contains("Conv@0") && graph.contains("[1, 3, 48, 192] → [1, 8, 24, 96]"), graph);
        assertTrue(String.join("\n", in.execute("show node Conv@0").result().lines()).contains("attribute strides = [2, 2]"));
        assertTrue(String.join("\n", in.execute("ranges Conv@0").result().lines()).contains("8 output channels"));
        // model weights and activations are tensors for the encoding commands
        in.execute("encode conv1_weights --per-channel 0 --mode symmetric");
        in.execute("hist save_infer_model/scale_0.tmp_1");
    }

    @Test
    @SuppressWarnings("unchecked")
    void profileTimesEveryStepOfTheFusedPlan() {
        Interpreter in = new Interpreter();
        in.execute("load " + cls);
        Interpreter.Outcome o = in.execute("profile --random --shape 1x3x48x192 --runs 3 --top 2 --json");
        Map<String, Object> d = (Map<String, Object>) o.result().data();
        assertEquals(3, d.get("runs"));
        assertTrue(((String) d.get("vector_kernels")).startsWith("vector kernels: "), d.toString());
        assertTrue((double) d.get("median_ms") > 0 && (double) d.get("min_ms") <= (double) d.get("max_ms"));
        List<Map<String, Object>> ops = (List<Map<String, Object>>) d.get("by_ops");
        // the 18 hard-swish convolutions run as fused steps; every node is in exactly one step
        assertTrue(ops.stream().anyMatch(x -> x.get("ops").equals("Conv+BatchNormalization+Add+Clip+Mul+Div")
                && ((Number) x.get("steps")).longValue() == 18), ops.toString());
        long nodes = ops.stream().mapToLong(x -> ((Number) x.get("steps")).longValue()
                * ((String) x.get("ops")).split("\\+").length).sum();
        assertEquals(221, nodes);
        assertEquals(2, ((List<?>) d.get("slowest_steps")).size());
        assertThrows(CommandException.class, () -> in.execute("profile --random --runs 0"));
        assertThrows(CommandException.class, () -> in.execute("profile"));
    }

    @Test
    void saveThenLoadGivesTheSameModel() throws Exception {
        Interpreter in = new Interpreter();
        in.execute("load " + cls + " --no_simplification");
        Path out = dir.resolve("saved.onnx");
        in.execute("save " + out);
        var a = OnnxReader.read(cls);
        var b = OnnxReader.read(out);
        assertEquals(a.nodes().size(), b.nodes().size());
        assertEquals(a.weights().keySet(), b.weights().keySet());
        for (String k : a.weights().keySet()) {
            Object x = a.weights().get(k);
            Object y = b.weights().get(k);
            if (x instanceof Tensor) {
                assertArrayEquals(((Tensor) x).data(), ((Tensor) y).data(), k);
            }
        }
        assertEquals(a.meta().getOpsetImportList(), b.meta().getOpsetImportList());
        assertEquals(a.meta().getProducerName(), b.meta().getProducerName());
        // a second save is byte-identical to the first (nothing drifts across round trips)
        Path again = dir.resolve("again.onnx");
        Interpreter in2 = new Interpreter();
        in2.execute("load " + out + " --no_simplification");
        in2.execute("save " + again);
        assertArrayEquals(Files.readAllBytes(out), Files.readAllBytes(again));
    }

    @Test
    void badInputKeepsThePreviousModel() throws Exception {
        Interpreter in = new Interpreter();
        in.execute("load " + cls);
        ModelState before = in.session().model().orElseThrow();
        Path trunc = dir.resolve("trunc.onnx");
        Files.write(trunc, Arrays.copyOf(Files.readAllBytes(cls), 5000));
        Path raw = dir.resolve("small.raw");
        Files.write(raw, new byte[12]);
        for (String line : List.of("load " + trunc, "load " + dir.resolve("missing.onnx"), "node NoSuchNode",
                "ranges NoSuchNode", "infer x:=" + raw, "infer --random --shape 2x3", "infer y:=" + raw,
                "infer --random --shape 100000x100000x100000x1")) {
            CommandException e = assertThrows(CommandException.class, () -> in.execute(line), line);
            assertTrue(!e.getMessage().contains("\n"), e.getMessage());
            assertSame(before, in.session().model().orElseThrow(), line);
        }
    }

    /** `graph` shapes come from static inference (no run needed) and equal the shapes of an actual run. */
    @Test
    void shapesWithoutARunEqualARunsShapes() throws Exception {
        var g = OnnxReader.read(cls);
        Map<String, int[]> shapes = ShapeProbe.shapes(ModelState.loaded(g, cls.toString()));
        Map<String, int[]> ran = new HashMap<>();
        Executor.run(g, ShapeProbe.randomInputs(g, 1, null),
                (name, node, value) -> ran.put(name, Executor.shapeOf(value)));
        assertEquals(258, ran.size());
        ran.forEach((k, v) -> assertArrayEquals(v, shapes.get(k), k));
        assertEquals(ShapeProbe.staticShapes(g).keySet(), shapes.keySet());
    }

    /** A shape the detector cannot take is refused before allocating or running, naming the node that fails. */
    @Test
    void inferRefusesAnInputShapeTheModelCannotTake() throws Exception {
        Path det = dir.resolve("det.onnx");
        try (InputStream s = getClass().getClassLoader().getResourceAsStream("models/ch_PP-OCRv3_det_infer.onnx")) {
            Files.write(det, s.readAllBytes());
        }
        Interpreter in = new Interpreter();
        in.execute("load " + det);
        CommandException e = assertThrows(CommandException.class, () -> in.execute("infer --random --shape 1x3x40x40"));
        assertTrue(e.getMessage().startsWith("input shape [1, 3, 40, 40] does not fit the model: node '"), e.getMessage());
        assertTrue(e.getMessage().contains("do not broadcast"), e.getMessage());
        in.execute("infer --random --shape 1x3x64x96");
    }

    @Test
    void openDimensionsAreBoundByBatchOneAndInputDim() throws Exception {
        Interpreter in = new Interpreter();
        String text = String.join("\n", in.execute("load " + cls).result().lines());
        assertTrue(text.contains("input   x FLOAT [1, 3, ?, ?] (declared [?, 3, ?, ?])"), text);
        assertTrue(text.contains("input 'x': batch dimension ? set to 1"), text);
        // raw files need every dimension: the error names the input and the flag
        Path raw = dir.resolve("x.raw");
        Files.write(raw, new byte[4 * 3 * 48 * 192]);
        CommandException e = assertThrows(CommandException.class, () -> in.execute("infer " + raw));
        assertTrue(e.getMessage().contains("--input_dim x 1,3,D2,D3"), e.getMessage());
        Path list = dir.resolve("list.txt");
        Files.writeString(list, raw + "\n");
        e = assertThrows(CommandException.class, () -> in.execute("calibrate " + list));
        assertTrue(e.getMessage().contains("input 'x' has open dimensions [1, 3, ?, ?]"), e.getMessage());
        // --input_dim fixes them; raw files and calibration then work
        text = String.join("\n", in.execute("load " + cls + " --input_dim x 1,3,48,192").result().lines());
        assertTrue(text.contains("input   x FLOAT [1, 3, 48, 192] (declared [?, 3, ?, ?])"), text);
        assertTrue(String.join("\n", in.execute("infer " + raw).result().lines()).contains("[1, 2]"));
        in.execute("calibrate " + list);
        // the export keeps the declared signature
        Path out = dir.resolve("cls_q.onnx");
        in.execute("export " + out);
        assertEquals("[?, 3, ?, ?]", OnnxReader.read(out).inputs().get(0).shapeString());
        e = assertThrows(CommandException.class, () -> in.execute("load " + cls + " --input_dim image 1,3,48,192"));
        assertEquals("--input_dim image: the model has no input of that name (inputs: x)", e.getMessage());
    }

    @Test
    void theBatchCommandTakesInputDim() throws Exception {
        Path raw = dir.resolve("b.raw");
        Files.write(raw, new byte[4 * 3 * 48 * 192]);
        Path list = dir.resolve("b.txt");
        Files.writeString(list, raw + "\n");
        Path out = dir.resolve("b_q.onnx");
        Interpreter in = new Interpreter();
        Interpreter.Outcome o = in.execute("qairt-quantizer --input_network " + cls + " --input_dim x 1,3,48,192 --input_list "
                + list + " --output_path " + out);
        assertTrue(String.join("\n", o.result().lines()).contains("wrote " + out), o.result().lines().toString());
        CommandException e = assertThrows(CommandException.class, () -> in.execute("qairt-quantizer --input_network " + cls
                + " --input_list " + list + " --output_path " + out));
        assertTrue(e.getMessage().contains("--input_dim x 1,3,D2,D3"), e.getMessage());
    }
}
