package qsh.commands.js;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;
import qsh.commands.spi.Evaluator;
import qsh.core.workflow.ModelState;
import qsh.commands.algorithms.Rounding;
import qsh.commands.equalize.Equalizing;
import qsh.commands.model.Calibration;
import qsh.commands.model.Comparison;
import qsh.commands.model.Encodings;
import qsh.commands.model.Exporting;
import qsh.commands.model.Inference;
import qsh.commands.model.Loading;
import qsh.commands.spi.Args;
import qsh.commands.spi.CommandException;
import qsh.core.sim.EncodingsVersion;
import qsh.commands.spi.Result;
import qsh.commands.spi.ScriptRunner;
import qsh.commands.spi.Session;
import qsh.commands.spi.SessionTensor;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.tensor.Tensor;

/**
 * The {@code qsh} global: the session as scripts see it. Only {@code @HostAccess.Export} methods are visible;
 * data comes back as plain JS objects and arrays. Everything a typed command can do is reachable through
 * {@link #run}, which runs command lines. The other methods take typed arguments and call the layer the commands
 * call ({@link Loading}, {@link Calibration}, {@link Rounding}, {@link Equalizing}, {@link Exporting},
 * {@link Inference}, {@link Comparison}, {@link Encodings}, or a tensor command's run), with no command line in
 * between, through {@link Evaluator#perform} (the session changes as the typed command changes it, and fails with its
 * messages); the rest are coarse views that keep loops in Java.
 */
public final class QshApi {
    /** Largest tensor {@code toArray()}/{@code fromArray()} move element by element. */
    static final int ARRAY_LIMIT = 1_000_000;

    private final JsRuntime rt;
    /** The data functions (Fashion-MNIST, raw and text files). */
    private final JsData data;

    QshApi(JsRuntime rt) {
        this.rt = rt;
        this.data = new JsData(this);
    }

    private Evaluator interp() {
        return rt.interpreter();
    }

    Session session() {
        return interp().session();
    }

    /**
     * {@code value} when it is a string; null or undefined (a forgotten argument) is a JavaScript Error naming the
     * function and the argument, not a Java NullPointerException.
     */
    String required(String value, String function, String what) {
        if (value == null) {
            throw rt.fail("qsh." + function + " needs " + what + " (a string), not null or undefined");
        }
        return value;
    }

    /**
     * Runs the statements of {@code text} through the session's one statement runner (so ';', '#' and brackets
     * mean what they mean at the prompt), handing each outcome to {@code onOutcome}; the first error stops them.
     * {@code exit} is refused (a script cannot end the session it runs in).
     */
    private void runStatements(String text, String function, java.util.function.Consumer<Evaluator.Outcome> onOutcome) {
        ScriptRunner runner = new ScriptRunner(interp(), o -> {
            if (o.exit()) {
                throw rt.fail("qsh." + function + "('exit'): a script cannot end the session; let the script finish,"
                        + " then exit");
            }
            onOutcome.accept(o);
        });
        // an interrupt between statements comes back as a failure, like a failing statement
        // every file a command opens obeys the script's file-access policy; 'set' refuses the safety settings
        String line = required(text, function, "a command line");
        List<ScriptRunner.Failure> failures = rt.guarded(() -> runner.run(line, "qsh." + function, false, false, f -> { }));
        if (!failures.isEmpty()) {
            throw rt.fail(failures.get(0).message());
        }
    }

    /** Runs command lines and returns the result data of the last one; a failure becomes a JavaScript Error. */
    Object data(String line) {
        Object[] last = {Result.EMPTY.data()};
        runStatements(line, "run", o -> last[0] = o.result().data());
        return last[0];
    }

    /** {@code qsh.run("calibrate list.txt --per-channel")}: any command; its --json data as JS objects. */
    @HostAccess.Export
    public Value run(String line) {
        return rt.toJs(data(line));
    }

    /**
     * Runs {@code body} as the command {@code command} runs when typed (the same session restore on failure, the same
     * one-line errors; see {@link Evaluator#perform}), under the script's file-access policy, and returns its data as
     * JS objects; a failure becomes a JavaScript Error.
     */
    private Value perform(String command, java.util.function.Supplier<Result> body) {
        try {
            Result r = rt.guarded(() -> interp().perform(command, body));
            return rt.toJs(r.data());
        } catch (CommandException e) {
            throw rt.fail(e.getMessage());
        }
    }

    /**
     * A JS call's arguments as the command {@code command} reads them, converted once through its spec ({@link
     * Args#of}: the checks and messages of typed options, no command line in between).
     */
    private Args args(String command, List<String> positional, Value options) {
        return Args.of(interp().commands().get(command).spec(), positional, JsOptions.typed(command, options));
    }

    /** {@code operand} as the positional words of a call: none when null. */
    private static List<String> operands(String... operand) {
        List<String> out = new ArrayList<>();
        for (String o : operand) {
            if (o != null) {
                out.add(o);
            }
        }
        return out;
    }

    /** A command with no work of its own below it (a tensor command): its run, with typed arguments. */
    private Value command(String command, String operand, Value options) {
        return perform(command, () -> interp().commands().get(command).run(args(command, operands(operand), options), session()));
    }

    /** {@code qsh.exec("graph")}: runs command lines and prints their output as if typed. */
    @HostAccess.Export
    public void exec(String line) {
        runStatements(line, "exec", o -> interp().sink().emit(o));
    }

    /** {@code qsh.load(path | "demo")}: loads a model as {@code load} does ({@link Loading}); returns the load summary. */
    @HostAccess.Export
    public Value load(String what) {
        String file = required(what, "load", "a model file or \"demo\"");
        return perform("load", () -> Loading.load(session(), file, List.of(), false));
    }

    /** The model's nodes in order as {@code {name, op, inputs, outputs}}. */
    @HostAccess.Export
    public Value nodes() {
        Graph g = model().graph();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Node n : g.nodes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", n.name());
            m.put("op", n.opType());
            m.put("inputs", n.inputs());
            m.put("outputs", n.outputs());
            out.add(m);
        }
        return rt.toJs(out);
    }

    /** Every tensor name: session tensors, model weights, activations of the last infer. */
    @HostAccess.Export
    public Value tensors() {
        session().requireModel();
        return rt.toJs(session().tensorNames());
    }

    /** A view of the tensor named {@code name} (see {@link JsTensor}). */
    @HostAccess.Export
    public JsTensor tensor(String name) {
        try {
            session().requireModel();
            return new JsTensor(this, session().tensor(required(name, "tensor", "a tensor name")));
        } catch (CommandException e) {
            throw rt.fail(e.getMessage());
        }
    }

    /** {@code qsh.fromArray("x", [1, 2, 3])}: a 1-D session tensor. */
    @HostAccess.Export
    public JsTensor fromArray(String name, Value values) {
        return fromArray(name, values, null);
    }

    /** {@code qsh.fromArray("x", [1, 2, 3, 4], [2, 2])}: a new session tensor (shape defaults to 1-D). */
    @HostAccess.Export
    public JsTensor fromArray(String name, Value values, Value shape) {
        try {
            Session.checkName(required(name, "fromArray", "a name for the new tensor"));
            if (values == null || values.isNull()) {
                throw rt.fail("qsh.fromArray needs values (an array of numbers), not null or undefined");
            }
            float[] data = floats(values, "fromArray values");
            int[] s = shape == null || shape.isNull() ? new int[] {data.length} : ints(shape, "fromArray shape");
            Tensor t = Tensor.of(s, data);
            SessionTensor st = SessionTensor.floats(name, t, "qsh.fromArray");
            session().put(st);
            return new JsTensor(this, st);
        } catch (CommandException | IllegalArgumentException e) {
            throw rt.fail(e.getMessage());
        }
    }

    /** {@code qsh.encode(name)} with the session's defaults. */
    @HostAccess.Export
    public Value encode(String name) {
        return encode(name, null);
    }

    /** {@code qsh.encode(name, {bw: 4, mode: "enhanced", perChannel: 0})}: the encode command's data. */
    @HostAccess.Export
    public Value encode(String name, Value options) {
        return command("encode", name, options);
    }

    /** {@code qsh.quantize(name)} with the session's defaults. */
    @HostAccess.Export
    public Value quantize(String name) {
        return quantize(name, null);
    }

    /** {@code qsh.quantize(name, {bw, mode, as})}: stores NAME_q (or {@code as}); returns its description. */
    @HostAccess.Export
    public Value quantize(String name, Value options) {
        return command("quantize", name, options);
    }

    /** {@code qsh.dequantize(name)} with the session's defaults. */
    @HostAccess.Export
    public Value dequantize(String name) {
        return dequantize(name, null);
    }

    /** {@code qsh.dequantize(name, {as})}. */
    @HostAccess.Export
    public Value dequantize(String name, Value options) {
        return command("dequantize", name, options);
    }

    /** {@code qsh.pack(name)} with the session's defaults. */
    @HostAccess.Export
    public Value pack(String name) {
        return pack(name, null);
    }

    /** {@code qsh.pack(name, {bw: 4, signed: true})}: packed bytes and their hex. */
    @HostAccess.Export
    public Value pack(String name, Value options) {
        return command("pack", name, options);
    }

    /** {@code qsh.calibrate("list.txt")} with the default configuration. */
    @HostAccess.Export
    public Value calibrate(Value list) {
        return calibrate(list, null);
    }

    /**
     * {@code qsh.calibrate("list.txt", {perChannel: true, actBw: 16})}, or {@code qsh.calibrate(null,
     * {floatFallback: true})}: the calibrate command.
     */
    @HostAccess.Export
    public Value calibrate(Value list, Value options) {
        if (list != null && !list.isNull() && !list.isString()) { // a function or object (found by JsApiFuzzer)
            throw rt.fail("qsh.calibrate needs an input list path (a string) or null, not " + JsArrays.kind(list));
        }
        String l = list == null || list.isNull() ? null : list.asString();
        return perform("calibrate", () -> Calibration.run(session(), Calibration.request(args("calibrate", operands(l), options), session())));
    }

    /** {@code qsh.export("out.onnx")} with the default encodings version. */
    @HostAccess.Export
    public Value export(String file) {
        return export(file, null);
    }

    /** {@code qsh.export("out.onnx", {pack4BitWeights: true, version: "1.0.0"})}: as {@code export} ({@link Exporting}). */
    @HostAccess.Export
    public Value export(String file, Value options) {
        String out = required(file, "export", "an output file (OUT.onnx)");
        return perform("export", () -> {
            Args a = args("export", List.of(out), options);
            return Exporting.export(session(), out, a.has("pack-4-bit-weights"), EncodingsVersion.parse(a.getOrDefault("version")));
        });
    }

    /** {@code qsh.adaround("list.txt")} with the default options. */
    @HostAccess.Export
    public Value adaround(Value list) {
        return adaround(list, null);
    }

    /**
     * {@code qsh.adaround("list.txt", {iterations: 500, samples: 16})}, or {@code qsh.adaround(null, {config:
     * "adaround.yaml"})}: as {@code adaround} ({@link Rounding}); undo reverts it.
     */
    @HostAccess.Export
    public Value adaround(Value list, Value options) {
        if (list != null && !list.isNull() && !list.isString()) {
            throw rt.fail("qsh.adaround needs an input list path (a string) or null, not " + JsArrays.kind(list));
        }
        String l = list == null || list.isNull() ? null : list.asString();
        return perform("adaround", () -> Rounding.run(session(), Rounding.request(args("adaround", operands(l), options))));
    }

    /** {@code qsh.cle("apply")}: cross-layer equalization, {@code "plan"}, {@code "step"} or {@code "apply"}. */
    @HostAccess.Export
    public Value cle(String step) {
        return cle(step, null);
    }

    /** {@code qsh.cle("apply", {keepRelu6: true})}: as {@code cle} ({@link Equalizing}); step and apply are undoable. */
    @HostAccess.Export
    public Value cle(String step, Value options) {
        String s = required(step, "cle", "a step (plan, step or apply)");
        return perform("cle", () -> Equalizing.run(session(), Equalizing.request(args("cle", List.of(s), options))));
    }

    /** {@code qsh.compare("list.txt")} with the default options. */
    @HostAccess.Export
    public Value compare(String list) {
        return compare(list, null);
    }

    /** {@code qsh.compare("list.txt", {limit: 8, top: 5})}: per-layer SQNR as {@code compare} ({@link Comparison}). */
    @HostAccess.Export
    public Value compare(String list, Value options) {
        String l = required(list, "compare", "an input list (compare needs real inputs)");
        return perform("compare", () -> Comparison.run(session(), Comparison.request(args("compare", List.of(l), options))));
    }

    /** {@code qsh.encodings()}: every encoding of the quantized model, as {@code encodings show}. */
    @HostAccess.Export
    public Value encodings() {
        return encodings("show", null, null);
    }

    /** {@code qsh.encodings("clear")}, or {@code "show"}. */
    @HostAccess.Export
    public Value encodings(String action) {
        return encodings(action, null, null);
    }

    /** {@code qsh.encodings("show", tensor)}, {@code ("save", file)}, {@code ("load", file)}. */
    @HostAccess.Export
    public Value encodings(String action, String operand) {
        return encodings(action, operand, null);
    }

    /** {@code qsh.encodings("save", "enc.json", {version: "1.0.0"})}: as {@code encodings} ({@link Encodings}). */
    @HostAccess.Export
    public Value encodings(String action, String operand, Value options) {
        String a = required(action, "encodings", "an action (show, save, load or clear)");
        return perform("encodings", () -> Encodings.run(session(), Encodings.request(args("encodings", operands(a, operand), options))));
    }

    /** {@code qsh.infer("img0.raw")} or {@code qsh.infer(["input:=img0.raw"])}: a float run on raw files. */
    @HostAccess.Export
    public Value infer(Value inputs) {
        return infer(inputs, null);
    }

    /**
     * {@code qsh.infer(null, {random: true, seed: 2})} or {@code qsh.infer("img0.raw", {out: "outs"})}: as {@code infer}
     * ({@link Inference}); the activations are kept for {@code qsh.tensor}.
     */
    @HostAccess.Export
    public Value infer(Value inputs, Value options) {
        List<String> files = JsArrays.files(rt, inputs, "infer");
        return perform("infer", () -> Inference.run(session(), Inference.request(args("infer", files, options))));
    }

    /** {@code qsh.eval("fashion-mnist")}. */
    @HostAccess.Export
    public Value eval(String dataset) {
        return eval(dataset, null);
    }

    /** {@code qsh.eval("fashion-mnist", {limit: 1000})}: the eval command. */
    @HostAccess.Export
    public Value eval(String dataset, Value options) {
        return command("eval", dataset, options);
    }

    /**
     * {@code qsh.evaluate(model => score)}: calls the evaluation function on the float model and, after
     * calibrate, on the simulated quantized one; returns {@code {float, quantized}} (quantized null when float).
     */
    @HostAccess.Export
    public Value evaluate(Value metric) {
        JsCallbacks.Metric m = JsCallbacks.metric(this, metric);
        ModelState s = model();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("float", m.score(s.graph(), false));
        out.put("quantized", s.quantized() ? m.score(s.simulated(), true) : null);
        return rt.toJs(out);
    }

    /**
     * {@code qsh.accuracy(i => sample or null, labels)}: top-1/top-5 of the float and (after calibrate) the
     * quantized model on the samples of a JS data loader.
     */
    @HostAccess.Export
    public Value accuracy(Value loader, Value labels) {
        ModelState s = model();
        int[] y = ints(labels, "accuracy labels");
        List<Map<String, Tensor>> samples = JsCallbacks.collect(JsCallbacks.dataLoader(this, loader, s.graph()), y.length);
        if (samples.size() != y.length) {
            throw rt.fail("the data loader gave " + samples.size() + " samples for " + y.length + " labels");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("samples", y.length);
        out.put("float", JsCallbacks.top(this, s.graph(), samples, y));
        out.put("quantized", s.quantized() ? JsCallbacks.top(this, s.simulated(), samples, y) : null);
        return rt.toJs(out);
    }

    /**
     * {@code qsh.fashionMnist({split: "test", offset: 0, count: 100})}: Fashion-MNIST images as the demo model
     * reads them ({@code images}: 1×1×28×28 tensor views in [0, 1]) and their {@code labels}; for data loaders.
     */
    @HostAccess.Export
    public Value fashionMnist(Value options) {
        return data.fashionMnist(options);
    }

    /** {@code qsh.readRaw("img0.raw")}: a raw float32 little-endian file (the spec's input format) as a 1-D tensor view. */
    @HostAccess.Export
    public JsTensor readRaw(String path) {
        return data.readRaw(path);
    }

    /** {@code qsh.readText("labels.txt")}: a text file (UTF-8), e.g. an input list or labels. */
    @HostAccess.Export
    public String readText(String path) {
        return data.readText(path);
    }

    /** {@code qsh.graph()}: a builder for a small network, made into the session's model by {@code build}. */
    @HostAccess.Export
    public GraphBuilder graph() {
        return new GraphBuilder(this);
    }

    @Override
    public String toString() {
        return "qsh (the session: run, exec, load, nodes, tensors, tensor, fromArray, encode, quantize, dequantize, "
                + "pack, calibrate, adaround, cle, export, infer, compare, encodings, eval, evaluate, accuracy, graph, fashionMnist, "
                + "readRaw, readText)";
    }

    ModelState model() {
        try {
            return session().requireModel();
        } catch (CommandException | IllegalArgumentException e) {
            throw rt.fail(e.getMessage());
        }
    }

    JsRuntime runtime() {
        return rt;
    }

    /** A JS array (or typed array) of numbers as floats; refuses more than {@link #ARRAY_LIMIT}. */
    float[] floats(Value v, String what) {
        return JsArrays.floats(rt, v, what);
    }

    /** A JS array of integers. */
    int[] ints(Value v, String what) {
        return JsArrays.ints(rt, v, what);
    }
}
