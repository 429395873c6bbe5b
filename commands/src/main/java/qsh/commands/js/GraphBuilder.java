package qsh.commands.js;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;
import qsh.core.workflow.ModelState;
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
import qsh.core.tensor.Tensor;
import qsh.core.tensor.TensorGenerators;

/**
 * {@code const b = qsh.graph()}: builds a small float network live, one op per call, each returning the name of
 * the value it produces; {@code b.build("tiny")} turns it into an ONNX ModelProto (opset 13) and loads it as the
 * session's model, exactly as if read from a file. Weights are seeded He-normal, so builds are reproducible.
 */
public final class GraphBuilder {
    private final QshApi api;
    private final List<NodeProto> nodes = new ArrayList<>();
    private final List<ValueInfoProto> inputs = new ArrayList<>();
    private final List<String> outputs = new ArrayList<>();
    private final Map<String, Tensor> weights = new LinkedHashMap<>();
    private final Map<String, int[]> shapes = new LinkedHashMap<>();
    private final Map<String, Integer> counts = new LinkedHashMap<>();
    private long nextSeed = 1;

    GraphBuilder(QshApi api) {
        this.api = api;
    }

    /** {@code b.input("x", [1, 1, 28, 28])}: a float input of a fixed shape. */
    @HostAccess.Export
    public String input(String name, Value shape) {
        fresh(name);
        int[] s = api.ints(shape, "input shape");
        shapes.put(name, s);
        inputs.add(valueInfo(name, s));
        return name;
    }

    /** {@code b.conv(x)} with default options. */
    @HostAccess.Export
    public String conv(String x) {
        return conv(x, null);
    }

    /** {@code b.conv(x, {out: 8, k: 3, stride: 1, pad: 1, group: 1, bias: true, seed: 1})}: a 2-D convolution. */
    @HostAccess.Export
    public String conv(String x, Value opts) {
        int[] s = rank(x, 4, "conv");
        int out = intOpt(opts, "out", -1);
        int k = intOpt(opts, "k", 3);
        int stride = intOpt(opts, "stride", 1);
        int pad = intOpt(opts, "pad", 0);
        int group = intOpt(opts, "group", 1);
        if (out <= 0 || s[1] % group != 0 || out % group != 0) {
            throw api.runtime().fail("conv needs {out: N} with input channels " + s[1] + " and out divisible by group " + group);
        }
        String n = name("conv");
        int fanIn = s[1] / group * k * k;
        Tensor w = TensorGenerators.normal(new int[] {out, s[1] / group, k, k}, 0, Math.sqrt(2.0 / fanIn), seed(opts));
        List<String> in = new ArrayList<>(List.of(x, weight(n + ".weight", w)));
        if (boolOpt(opts, "bias", true)) {
            in.add(weight(n + ".bias", Tensor.zeros(out)));
        }
        int h = (s[2] + 2 * pad - k) / stride + 1;
        int wd = (s[3] + 2 * pad - k) / stride + 1;
        if (h <= 0 || wd <= 0) {
            throw api.runtime().fail("conv: a " + k + "x" + k + " kernel does not fit the " + s[2] + "x" + s[3] + " input");
        }
        return node("Conv", n, in, new int[] {s[0], out, h, wd},
                ints("kernel_shape", k, k), ints("strides", stride, stride), ints("pads", pad, pad, pad, pad),
                AttributeProto.newBuilder().setName("group").setType(AttributeProto.AttributeType.INT).setI(group).build());
    }

    /** {@code b.relu(x)}. */
    @HostAccess.Export
    public String relu(String x) {
        int[] s = shapeOf(x); // first: an undefined x is a one-line error, not List.of's NullPointerException
        return node("Relu", name("relu"), List.of(x), s);
    }

    /** {@code b.add(a, b)}: elementwise sum of two values of the same shape (a residual connection). */
    @HostAccess.Export
    public String add(String a, String b) {
        if (!Arrays.equals(shapeOf(a), shapeOf(b))) {
            throw api.runtime().fail("add needs equal shapes: " + Arrays.toString(shapeOf(a)) + " and "
                    + Arrays.toString(shapeOf(b)));
        }
        return node("Add", name("add"), List.of(a, b), shapeOf(a));
    }

    /** {@code b.flatten(x)}: [N, C, H, W] → [N, C·H·W]. */
    @HostAccess.Export
    public String flatten(String x) {
        int[] s = shapeOf(x);
        int rest = 1;
        for (int i = 1; i < s.length; i++) {
            rest *= s[i];
        }
        return node("Flatten", name("flatten"), List.of(x), new int[] {s[0], rest},
                AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(1).build());
    }

    /** {@code b.gemm(x)} with default options. */
    @HostAccess.Export
    public String gemm(String x) {
        return gemm(x, null);
    }

    /** {@code b.gemm(x, {out: 10, bias: true, seed: 3})}: a fully connected layer (Gemm, transB = 1). */
    @HostAccess.Export
    public String gemm(String x, Value opts) {
        int[] s = rank(x, 2, "gemm (flatten first)");
        int out = intOpt(opts, "out", -1);
        if (out <= 0) {
            throw api.runtime().fail("gemm needs {out: N}");
        }
        String n = name("gemm");
        Tensor w = TensorGenerators.normal(new int[] {out, s[1]}, 0, Math.sqrt(2.0 / s[1]), seed(opts));
        List<String> in = new ArrayList<>(List.of(x, weight(n + ".weight", w)));
        if (boolOpt(opts, "bias", true)) {
            in.add(weight(n + ".bias", Tensor.zeros(out)));
        }
        return node("Gemm", n, in, new int[] {s[0], out},
                AttributeProto.newBuilder().setName("transB").setType(AttributeProto.AttributeType.INT).setI(1).build());
    }

    /** {@code b.linear(x)} with default options. */
    @HostAccess.Export
    public String linear(String x) {
        return linear(x, null);
    }

    /** Alias of {@link #gemm}. */
    @HostAccess.Export
    public String linear(String x, Value opts) {
        return gemm(x, opts);
    }

    /** {@code b.maxpool(x)} with default options. */
    @HostAccess.Export
    public String maxpool(String x) {
        return maxpool(x, null);
    }

    /** {@code b.maxpool(x, {k: 2, stride: 2, pad: 0})}. */
    @HostAccess.Export
    public String maxpool(String x, Value opts) {
        int[] s = rank(x, 4, "maxpool");
        int k = intOpt(opts, "k", 2);
        int stride = intOpt(opts, "stride", k);
        int pad = intOpt(opts, "pad", 0);
        int h = (s[2] + 2 * pad - k) / stride + 1;
        int w = (s[3] + 2 * pad - k) / stride + 1;
        return node("MaxPool", name("maxpool"), List.of(x), new int[] {s[0], s[1], h, w},
                ints("kernel_shape", k, k), ints("strides", stride, stride), ints("pads", pad, pad, pad, pad));
    }

    /** {@code b.globalavgpool(x)}: [N, C, H, W] → [N, C, 1, 1]. */
    @HostAccess.Export
    public String globalavgpool(String x) {
        int[] s = rank(x, 4, "globalavgpool");
        return node("GlobalAveragePool", name("gap"), List.of(x), new int[] {s[0], s[1], 1, 1});
    }

    /** {@code b.softmax(x)} over the last axis. */
    @HostAccess.Export
    public String softmax(String x) {
        int[] s = shapeOf(x);
        return node("Softmax", name("softmax"), List.of(x), s,
                AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(-1).build());
    }

    /** {@code b.output(y)}: marks a graph output. */
    @HostAccess.Export
    public String output(String x) {
        shapeOf(x);
        outputs.add(x);
        return x;
    }

    /** {@code b.build("tiny")}: makes the graph the session's model; returns the load summary. */
    @HostAccess.Export
    public Value build(String modelName) {
        if (modelName == null) {
            throw api.runtime().fail("build needs the model's name (a string), as b.build('tiny')");
        }
        if (inputs.isEmpty() || outputs.isEmpty()) {
            throw api.runtime().fail("build needs at least one b.input(...) and one b.output(...)");
        }
        GraphProto.Builder g = GraphProto.newBuilder().setName(modelName).addAllNode(nodes).addAllInput(inputs);
        outputs.forEach(o -> g.addOutput(valueInfo(o, shapes.get(o))));
        weights.forEach((k, v) -> g.addInitializer(TensorProtos.encode(k, v)));
        ModelProto m = ModelProto.newBuilder().setIrVersion(8).setProducerName("qsh js graph builder")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g).build();
        Graph graph;
        try {
            graph = OnnxReader.fromProto(m, modelName);
        } catch (IllegalArgumentException e) {
            throw api.runtime().fail(e.getMessage());
        }
        api.runtime().interpreter().session().model(ModelState.loaded(graph, modelName));
        Map<String, Object> summary = new LinkedHashMap<>(); // ordered: scripts print it
        summary.put("model", modelName);
        summary.put("nodes", graph.nodes().size());
        summary.put("parameters", graph.parameterCount());
        return api.runtime().toJs(summary);
    }

    @HostAccess.Export
    @Override
    public String toString() {
        return "graph builder (" + nodes.size() + " nodes so far; ops input, conv, relu, add, flatten, gemm/linear, "
                + "maxpool, globalavgpool, softmax, output, build)";
    }

    private String node(String op, String name, List<String> in, int[] outShape, AttributeProto... attrs) {
        for (String i : in) {
            if (!weights.containsKey(i)) {
                shapeOf(i);
            }
        }
        nodes.add(NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(in).addOutput(name)
                .addAllAttribute(List.of(attrs)).build());
        shapes.put(name, outShape);
        return name;
    }

    private String weight(String name, Tensor t) {
        weights.put(name, t);
        shapes.put(name, t.shape());
        return name;
    }

    private String name(String op) {
        int k = counts.merge(op, 1, Integer::sum);
        return op + k;
    }

    private void fresh(String name) {
        if (name == null || name.isEmpty()) {
            throw api.runtime().fail("b.input needs a name (a non-empty string), as b.input('x', [1, 3, 32, 32])");
        }
        if (shapes.containsKey(name)) {
            throw api.runtime().fail("'" + name + "' is already a value of this graph");
        }
    }

    private int[] shapeOf(String x) {
        int[] s = shapes.get(x);
        if (s == null || weights.containsKey(x)) {
            throw api.runtime().fail("'" + x + "' is not a value of this graph (use what b.input/b.conv/... returned)");
        }
        return s;
    }

    private int[] rank(String x, int r, String op) {
        int[] s = shapeOf(x);
        if (s.length != r) {
            throw api.runtime().fail(op + " needs a rank-" + r + " input; '" + x + "' has shape " + Arrays.toString(s));
        }
        return s;
    }

    private long seed(Value opts) {
        long s = intOpt(opts, "seed", -1);
        return s >= 0 ? s : nextSeed++;
    }

    private int intOpt(Value opts, String key, int dflt) {
        if (opts == null || opts.isNull() || !opts.hasMember(key) || opts.getMember(key).isNull()) {
            return dflt;
        }
        Value v = opts.getMember(key);
        if (!v.fitsInInt()) {
            throw api.runtime().fail("option " + key + " must be an integer, not " + v);
        }
        return v.asInt();
    }

    private static boolean boolOpt(Value opts, String key, boolean dflt) {
        if (opts == null || opts.isNull() || !opts.hasMember(key) || !opts.getMember(key).isBoolean()) {
            return dflt;
        }
        return opts.getMember(key).asBoolean();
    }

    private static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    private static ValueInfoProto valueInfo(String name, int[] shape) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (int d : shape) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
    }
}
