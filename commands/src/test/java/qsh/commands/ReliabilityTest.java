package qsh.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.commands.spi.SessionTensor;
import qsh.core.onnx.proto.OnnxProto.AttributeProto;
import qsh.core.onnx.proto.OnnxProto.GraphProto;
import qsh.core.onnx.proto.OnnxProto.ModelProto;
import qsh.core.onnx.proto.OnnxProto.NodeProto;
import qsh.core.onnx.proto.OnnxProto.OperatorSetIdProto;
import qsh.core.onnx.proto.OnnxProto.TensorProto;
import qsh.core.onnx.proto.OnnxProto.TensorShapeProto;
import qsh.core.onnx.proto.OnnxProto.TypeProto;
import qsh.core.onnx.proto.OnnxProto.ValueInfoProto;
import qsh.core.tensor.MemoryBudget;

/**
 * The fuzz campaign's reproducers (issue 18): each is one clear line, no Java exception text, no out-of-memory, and the
 * session stays as it was.
 */
class ReliabilityTest {
    @TempDir
    Path dir;

    @AfterEach
    void defaultBudget() {
        MemoryBudget.set(0);
    }

    // ---- tiny ONNX files built here ----

    private static ValueInfoProto value(String name, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
    }

    private static TensorProto ints(String name, long... v) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(7).addDims(v.length);
        for (long x : v) {
            t.addInt64Data(x);
        }
        return t.build();
    }

    private static TensorProto floats(String name, float... v) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(1).addDims(v.length);
        for (float x : v) {
            t.addFloatData(x);
        }
        return t.build();
    }

    private static AttributeProto intsAttr(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    /** A model of one node, its inputs declared with {@code inputs}, weights {@code inits}, output y. */
    private Path model(String file, NodeProto.Builder node, List<ValueInfoProto> inputs, TensorProto... inits) throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g").addNode(node.addOutput("y"))
                .addOutput(ValueInfoProto.newBuilder().setName("y")).addAllInput(inputs);
        for (TensorProto t : inits) {
            g.addInitializer(t);
        }
        ModelProto m = ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).build();
        Path p = dir.resolve(file);
        Files.write(p, m.toByteArray());
        return p;
    }

    private static NodeProto.Builder node(String op, String... inputs) {
        return NodeProto.newBuilder().setOpType(op).addAllInput(List.of(inputs));
    }

    /** Loads {@code model} and runs {@code command}; returns the one-line error, checked to be free of Java text. */
    private static String failure(Interpreter in, Path model, String command) {
        in.execute("load " + model);
        Object before = in.session().model().orElseThrow();
        CommandException e = assertThrows(CommandException.class, () -> in.execute(command));
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        for (String java : List.of("Exception", "cannot be cast", "out of bounds", "Cannot invoke", "java.", "qsh.core")) {
            assertFalse(m.contains(java), "Java text in: " + m);
        }
        assertTrue(before == in.session().model().orElseThrow(), "the session keeps its model");
        in.execute("let ok = [1, 2]"); // and goes on
        return m;
    }

    // ---- memory ----

    @Test
    void outputsOverTheBudgetAreRefusedNamingTheNodeAndShape() throws Exception {
        Interpreter in = new Interpreter();
        // below the 6 GB output whatever the test heap (the default budget is half of it: 6 GB with -Xmx12g)
        in.execute("set memory-budget 4g");
        Path expand = model("expand.onnx", node("Expand", "x", "s"), List.of(value("x", 1, 1)), ints("s", 40000, 40000));
        assertEquals("infer: node 'Expand_1' (Expand): output [40000, 40000] needs 6.0 GB, over the memory budget of "
                + MemoryBudget.describe(MemoryBudget.bytes()) + " (set memory-budget SIZE to change it)",
                failure(in, expand, "infer --random"));
        in.execute("set memory-budget 64m");
        Path tile = model("tile.onnx", node("Tile", "x", "r"), List.of(value("x", 1, 1)), ints("r", 5000, 5000));
        assertEquals("infer: node 'Tile_1' (Tile): output [5000, 5000] needs 95.4 MB, over the memory budget of 64.0 MB"
                + " (set memory-budget SIZE to change it)", failure(in, tile, "infer --random"));
        Path cos = model("cos.onnx", node("ConstantOfShape", "s"), List.of(), ints("s", 5000, 5000));
        assertTrue(failure(in, cos, "infer --random").startsWith("infer: node 'ConstantOfShape_1' (ConstantOfShape): output [5000, 5000]"));
        Path resize = model("resize.onnx", node("Resize", "x", "", "sc"), List.of(value("x", 1, 1, 4, 4)),
                floats("sc", 1, 1, 2000, 2000));
        assertTrue(failure(in, resize, "infer --random").startsWith("infer: node 'Resize_1' (Resize): output [1, 1, 8000, 8000]"));
        Path wide = model("wide.onnx", node("Relu", "x"), List.of(value("x", 1, 1_000_000, 1000)));
        assertTrue(failure(in, wide, "infer --random").startsWith("infer: input 'x' [1, 1000000, 1000] needs 3.7 GB"));
        // an Expand to a shape computed at run time is checked when the node runs, from its actual inputs
        GraphProto.Builder g = GraphProto.newBuilder().setName("g").addInput(value("x", 1, 1))
                .addNode(node("Shape", "x").addOutput("sx"))
                .addNode(node("Mul", "sx", "k").addOutput("s"))
                .addNode(node("Expand", "x", "s").addOutput("y"))
                .addInitializer(ints("k", 6000, 6000)).addOutput(ValueInfoProto.newBuilder().setName("y"));
        Path computed = dir.resolve("computed.onnx");
        Files.write(computed, ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).build().toByteArray());
        assertTrue(failure(in, computed, "infer --random").startsWith("infer: node 'Expand_1' (Expand): output [6000, 6000]"));
        in.execute("set memory-budget auto");
        assertEquals("auto", in.session().settings().asMap().get("memory-budget"));
    }

    @Test
    void anOutOfMemoryErrorEndsTheCommandNotTheSession() {
        CommandRegistry reg = CommandRegistry.standard();
        reg.add(new Command() {
            private final CommandSpec spec = new CommandSpec("hog", "test", "runs out of memory", List.of(), List.of(), List.of(),
                    List.of(), false);

            @Override
            public CommandSpec spec() {
                return spec;
            }

            @Override
            public Result run(Args args, Session session) {
                session.put(SessionTensor.floats("half", qsh.core.tensor.Tensor.vector(1f), "hog"));
                throw new OutOfMemoryError("Java heap space");
            }
        });
        Interpreter in = new Interpreter(new Session(), reg);
        in.execute("let a = [1, 2]");
        CommandException e = assertThrows(CommandException.class, () -> in.execute("hog"));
        assertTrue(e.getMessage().startsWith("hog: ran out of memory (the heap holds at most "), e.getMessage());
        assertTrue(e.getMessage().contains("the session is intact"), e.getMessage());
        assertEquals(2, in.session().tensor("a").tensor().size());
        in.execute("let b = a");
    }

    @Test
    void aHugeInitializerInATinyFileIsOneLine() throws Exception {
        TensorProto t = TensorProto.newBuilder().setName("w").setDataType(1).addDims(2_147_483_639L).build();
        Path f = model("huge.onnx", node("Identity", "w"), List.of(), t);
        assertTrue(Files.size(f) < 100);
        Interpreter in = new Interpreter();
        CommandException e = assertThrows(CommandException.class, () -> in.execute("load " + f));
        assertEquals("load: " + f + ": initializer 'w': tensor 'w' has 0 values but shape [2147483639] needs 2147483639"
                + " (missing or truncated data)", e.getMessage());
    }

    @Test
    void devicesAndFifosAsInputListsFailAtOnce() throws Exception {
        Path fifo = dir.resolve("list.txt");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Interpreter in = new Interpreter();
        in.execute("load demo");
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (String bad : List.of("/dev/zero", "/dev/urandom", fifo.toString())) {
                for (String cmd : List.of("calibrate ", "compare ")) {
                    CommandException e = assertThrows(CommandException.class, () -> in.execute(cmd + bad));
                    if (cmd.startsWith("calibrate")) {
                        assertEquals("calibrate: " + bad + ": not a regular file (a device, FIFO or socket); the input list"
                                + " must be a file", e.getMessage());
                    }
                }
            }
        });
    }

    // ---- no internal errors ----

    @Test
    void malformedNodesAreInputErrorsNamingTheNode() throws Exception {
        Interpreter in = new Interpreter();
        assertEquals("input shape [2, 3] does not fit the model: node 'Add_1' (Add-14): 1 input(s), the schema takes 2",
                failure(in, model("add.onnx", node("Add", "x"), List.of(value("x", 2, 3))), "infer --random"));
        assertEquals("input shape [2, 3] does not fit the model: node 'Gather_1' (Gather-13): 1 input(s), the schema takes 2",
                failure(in, model("gather1.onnx", node("Gather", "x"), List.of(value("x", 2, 3))), "infer --random"));
        assertEquals("infer: node 'Gather_1' (Gather): input 'indices' must hold integers (int64 or int32), not float",
                failure(in, model("gather2.onnx", node("Gather", "x", "i"), List.of(value("x", 2, 3)), floats("i", 1)),
                        "infer --random"));
        TensorProto w = floats("w", 1);
        w = w.toBuilder().clearDims().addAllDims(List.of(1L, 1L, 1L, 1L)).build();
        assertEquals("input shape [1, 1, 4, 4] does not fit the model: node 'Conv_1' (Conv): strides [1] must have 2 entries"
                + " (one per spatial axis)", failure(in, model("conv1.onnx", node("Conv", "x", "w")
                .addAttribute(intsAttr("strides", 1)), List.of(value("x", 1, 1, 4, 4)), w), "infer --random"));
        assertEquals("input shape [1, 1, 4, 4] does not fit the model: node 'Conv_1' (Conv): strides [0, 0] must hold"
                + " values from 1 to 1073741823", failure(in, model("conv0.onnx", node("Conv", "x", "w")
                .addAttribute(intsAttr("strides", 0, 0)), List.of(value("x", 1, 1, 4, 4)), w), "infer --random"));
        AttributeProto floatStrides = AttributeProto.newBuilder().setName("strides")
                .setType(AttributeProto.AttributeType.FLOATS).addFloats(1.5f).addFloats(2f).build();
        assertEquals("input shape [1, 1, 4, 4] does not fit the model: node 'Conv_1' (Conv): attribute 'strides' must be"
                + " INTS, not FLOATS", failure(in, model("convf.onnx", node("Conv", "x", "w").addAttribute(floatStrides),
                List.of(value("x", 1, 1, 4, 4)), w), "infer --random"));
    }

    @Test
    void aModelWithoutInputsThatCannotRunSaysSo() throws Exception {
        Interpreter in = new Interpreter();
        // was: internal error NoSuchElementException
        assertEquals("the model cannot run: node 'ConstantOfShape_1' (ConstantOfShape): shape [100000, 100000] is too large"
                + " (more than 2147483639 elements)", failure(in, model("cos.onnx", node("ConstantOfShape", "s"), List.of(),
                ints("s", 100000, 100000)), "infer --random"));
    }

    @Test
    void aKernelsUnexpectedExceptionIsAnInternalFailureNotAnInputError() {
        CommandRegistry reg = CommandRegistry.standard();
        reg.add(new Command() {
            @Override
            public CommandSpec spec() {
                return new CommandSpec("crash", "test", "a kernel bug", List.of(), List.of(), List.of(), List.of(), false);
            }

            @Override
            public Result run(Args args, Session session) {
                throw new qsh.core.exec.Executor.InternalFailure("node 'Add_1' (Add): IndexOutOfBoundsException: Index 1",
                        new IndexOutOfBoundsException("Index 1"));
            }
        });
        Interpreter in = new Interpreter(new Session(), reg);
        CommandException e = assertThrows(CommandException.class, () -> in.execute("crash"));
        assertEquals("crash: internal error in node 'Add_1' (Add): IndexOutOfBoundsException: Index 1 (a bug in qsh, not in"
                + " your input; type 'trace' for details)", e.getMessage());
        assertTrue(in.session().lastError().isPresent(), "trace has the stack");
    }

    @Test
    void aLabelBeyondTheClassesIsAnInputError() throws Exception {
        Interpreter in = new Interpreter();
        in.session().baseDir(dir);
        in.execute("dataset fashion-mnist --count 2 --out d");
        Files.writeString(dir.resolve("labels.txt"), "3\n10\n");
        in.execute("load demo");
        CommandException e = assertThrows(CommandException.class,
                () -> in.execute("evaluate --input_list d/input_list.txt --labels labels.txt"));
        assertEquals("evaluate: label 10 of sample 2 is not a class of the model, whose output scores 10 classes"
                + " (labels 0 to 9): fix the labels", e.getMessage());
    }

    // ---- writes ----

    @Test
    void saveHistoryAndRecordRefuseFifosAndDevices() throws Exception {
        Path fifo = dir.resolve("h.qsh");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Interpreter in = new Interpreter();
        in.execute("let a = [1]");
        for (String target : List.of(fifo.toString(), "/dev/null")) {
            CommandException e = assertThrows(CommandException.class, () -> in.execute("save-history " + target));
            assertEquals("save-history: " + target + ": not a regular file (a device, FIFO or socket): qsh writes only"
                    + " regular files; give another path", e.getMessage());
            e = assertThrows(CommandException.class, () -> in.execute("record " + target));
            assertTrue(e.getMessage().startsWith("record: " + target + ": not a regular file"), e.getMessage());
            assertEquals(null, in.session().history().recording(), "a refused record is not on");
        }
        assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo));
        assertFalse(Files.isRegularFile(Path.of("/dev/null")));
        CommandException e = assertThrows(CommandException.class, () -> in.execute("save-history " + dir.resolve("no/h.qsh")));
        assertEquals("save-history: " + dir.resolve("no/h.qsh") + ": folder " + dir.resolve("no") + " does not exist:"
                + " create it first (mkdir -p " + dir.resolve("no") + ")", e.getMessage());
    }

    @Test
    void aRecordingWhoseFileGoesAwayStopsAndSaysSo() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("sub"));
        Path rec = sub.resolve("rec.qsh");
        Interpreter in = new Interpreter();
        in.execute("record " + rec);
        in.execute("let a = [1]");
        Files.delete(rec);
        Files.delete(sub); // the folder is gone: the next write fails
        Interpreter.Outcome o = in.execute("let b = [2]");
        String warning = o.result().lines().get(o.result().lines().size() - 1);
        assertTrue(warning.startsWith("warning: recording to " + rec + " stopped (" + rec + ": folder " + sub
                + " does not exist"), warning);
        assertTrue(warning.contains("the last 1 command(s) before it were recorded"), warning);
        assertEquals(2, in.session().tensor("b").tensor().size() + 1, "the command itself ran");
        assertEquals(null, in.session().history().recording());
        in.execute("let c = [3]"); // no more warnings, no errors
        CommandException e = assertThrows(CommandException.class, () -> in.execute("record off"));
        assertTrue(e.getMessage().startsWith("not recording: recording to " + rec + " stopped"), e.getMessage());
        assertFalse(e.getMessage().contains("recorded 2"), e.getMessage());
    }

    @Test
    void exportReplacesTheModelAndEncodingsAsAPairAndFollowsSymlinks() throws Exception {
        Path real = Files.createDirectories(dir.resolve("real"));
        Files.writeString(real.resolve("m.onnx"), "old model");
        Path link = Files.createSymbolicLink(dir.resolve("m.onnx"), real.resolve("m.onnx"));
        Files.createDirectories(dir.resolve("m.encodings")); // the encodings target is a folder: refused
        Interpreter in = new Interpreter();
        in.execute("load demo");
        in.execute("calibrate " + Path.of("..", "scripts", "data", "demo", "input_list.txt").toAbsolutePath());
        CommandException e = assertThrows(CommandException.class, () -> in.execute("export " + link));
        assertEquals("cannot export: " + dir.resolve("m.encodings") + ": is a folder: give a file name; nothing"
                + " was written", e.getMessage());
        assertEquals("old model", Files.readString(real.resolve("m.onnx")), "the model was not replaced without its encodings");
        Files.delete(dir.resolve("m.encodings"));
        in.execute("export " + link);
        assertTrue(Files.isSymbolicLink(link), "the link stays a link");
        assertTrue(Files.size(real.resolve("m.onnx")) > 1000);
        assertTrue(Files.isRegularFile(dir.resolve("m.encodings")));
        try (var s = Files.list(dir)) {
            assertEquals(List.of("m.encodings", "m.onnx", "real"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
