package qsh.core.equalize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
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
import qsh.core.tensor.Tensor;

/** Small graph builder for equalization tests (random weights, seeded), plus model loading and output comparison. */
final class TestGraphs {
    static final Path DEMO = Path.of("..", "commands", "src", "main", "resources", "qsh", "demo", "demo.onnx");
    static final Path DEMO_INPUTS = Path.of("..", "scripts", "data", "demo");

    private final GraphProto.Builder g = GraphProto.newBuilder();
    private final SplittableRandom random;
    private int count;

    TestGraphs(long seed) {
        random = new SplittableRandom(seed);
    }

    static Graph demo() throws IOException {
        return OnnxReader.read(DEMO);
    }

    static Graph classifier() throws IOException {
        try (var in = TestGraphs.class.getClassLoader().getResourceAsStream("models/ch_ppocr_mobile_v2.0_cls_infer.onnx")) {
            return OnnxReader.read(in, "cls");
        }
    }

    /** The demo's sample images (1×1×28×28 float32 LE). */
    static List<Tensor> demoSamples() throws IOException {
        List<Tensor> l = new ArrayList<>();
        try (var s = Files.list(DEMO_INPUTS)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".raw")).sorted().toList()) {
                l.add(qsh.core.calib.RawTensorFile.read(p, "input", new int[] {1, 1, 28, 28}));
            }
        }
        return l;
    }

    static Tensor random(int[] shape, long seed, double lo, double hi) {
        Tensor t = Tensor.zeros(shape);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) (lo + r.nextDouble() * (hi - lo));
        }
        return t;
    }

    /** max |a − b| over the first outputs of both graphs on {@code inputs}, divided by the range of a's outputs. */
    static double relativeMaxError(Graph a, Graph b, List<Tensor> inputs) {
        String in = a.inputs().get(0).name();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        double err = 0;
        for (Tensor x : inputs) {
            Tensor ya = (Tensor) Executor.run(a, Map.of(in, x), null).values().iterator().next();
            Tensor yb = (Tensor) Executor.run(b, Map.of(in, x), null).values().iterator().next();
            for (int i = 0; i < ya.size(); i++) {
                lo = Math.min(lo, ya.get(i));
                hi = Math.max(hi, ya.get(i));
                err = Math.max(err, Math.abs(ya.get(i) - yb.get(i)));
            }
        }
        return err / Math.max(hi - lo, 1e-12);
    }

    private Tensor normal(int[] shape, double std) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) (random.nextGaussian() * std);
        }
        return t;
    }

    private String init(String name, Tensor t) {
        g.addInitializer(TensorProtos.encode(name, t));
        return name;
    }

    private String node(String op, List<String> inputs, AttributeProto... attrs) {
        String name = op.toLowerCase() + "_" + (++count);
        g.addNode(NodeProto.newBuilder().setName(name).setOpType(op).addAllInput(inputs).addOutput(name + "_out")
                .addAllAttribute(List.of(attrs)));
        return name + "_out";
    }

    private static AttributeProto ints(String name, int... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (int x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    private static AttributeProto integer(String name, int v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    /** A k×k conv (pad k/2) with random weights; depthwise when {@code group} = cin = cout. */
    String conv(String in, int cin, int cout, int k, int stride, int group, boolean bias) {
        String w = init("w" + (count + 1), normal(new int[] {cout, cin / group, k, k}, Math.sqrt(2.0 / (cin / group * k * k))));
        List<String> ins = new ArrayList<>(List.of(in, w));
        if (bias) {
            ins.add(init("b" + (count + 1), normal(new int[] {cout}, 0.1)));
        }
        int p = k / 2;
        return node("Conv", ins, ints("kernel_shape", k, k), ints("strides", stride, stride), ints("pads", p, p, p, p),
                integer("group", group));
    }

    /** BatchNormalization with random γ (some channels much wider than others), β, mean and variance. */
    String bn(String in, int c) {
        int id = count + 1;
        Tensor gamma = Tensor.zeros(c);
        Tensor beta = Tensor.zeros(c);
        Tensor mean = Tensor.zeros(c);
        Tensor var = Tensor.zeros(c);
        for (int i = 0; i < c; i++) {
            gamma.data()[i] = (float) (Math.exp(random.nextGaussian()) * (random.nextInt(4) == 0 ? 0.1 : 1));
            beta.data()[i] = (float) (random.nextGaussian() * 0.5 + 0.3);
            mean.data()[i] = (float) (random.nextGaussian() * 0.1);
            var.data()[i] = (float) (0.5 + random.nextDouble());
        }
        return node("BatchNormalization", List.of(in, init("gamma" + id, gamma), init("beta" + id, beta),
                init("mean" + id, mean), init("var" + id, var)));
    }

    /** Gemm with B stored as [n, k] (transB = 1), random weights and bias. */
    String gemm(String in, int k, int n) {
        int id = count + 1;
        return node("Gemm", List.of(in, init("fc" + id, normal(new int[] {n, k}, Math.sqrt(1.0 / k))),
                init("fcb" + id, normal(new int[] {n}, 0.01))), integer("transB", 1));
    }

    String relu6(String in) {
        int id = count + 1;
        return node("Clip", List.of(in, init("lo" + id, Tensor.of(new int[0], new float[] {0})),
                init("hi" + id, Tensor.of(new int[0], new float[] {6}))));
    }

    String op(String op, String... in) {
        return node(op, List.of(in));
    }

    /** The graph with one float input of {@code shape} and {@code output} as its output (opset 13). */
    Graph build(int[] shape, String output) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (int d : shape) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        g.addInput(ValueInfoProto.newBuilder().setName("input").setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))));
        g.addOutput(ValueInfoProto.newBuilder().setName(output).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1))));
        ModelProto m = ModelProto.newBuilder().setIrVersion(7).setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).build();
        return OnnxReader.fromProto(m, "test");
    }
}
