package qsh.core.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.modelio.OnnxReader;
import qsh.core.onnx.proto.OnnxProto.AttributeProto;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.Tensor;
import qsh.core.testing.ModelBuilder;

/**
 * Static shapes: per-op tables (each case's expected shape is also checked against what the executor
 * produces), the constant folding of shape subgraphs, unknown and inconsistent cases, and the real models,
 * where every value's static shape must equal its shape in one executor run.
 */
class ShapeInferenceTest {
    private static final long[] NONE = {};

    /** One case: a graph "x" (and maybe "x2") -> ... -> "y" built by {@code body}, and y's expected shape. */
    private static Arguments shapeCase(String name, long opset, long[] x, long[] x2, Function<ModelBuilder, ModelBuilder> body,
                                       int... expected) {
        return Arguments.of(name, opset, x, x2, body, expected);
    }

    private static Arguments unary(String op, AttributeProto... attrs) {
        return shapeCase(op, 13, new long[] {2, 3, 4}, NONE, b -> b.node(op, List.of("x"), "y", attrs), 2, 3, 4);
    }

    private static ModelBuilder weight(ModelBuilder b, String name, int... shape) {
        return b.init(name, ModelBuilder.random(name.hashCode(), -1, 1, shape));
    }

    private static AttributeProto ints(String n, long... v) {
        return ModelBuilder.ints(n, v);
    }

    static Stream<Arguments> cases() {
        long[] img = {1, 3, 10, 10};
        return Stream.of(
            shapeCase("Conv pad 1", 13, img, NONE, b -> weight(b, "w", 4, 3, 3, 3)
                    .node("Conv", List.of("x", "w"), "y", ints("pads", 1, 1, 1, 1)), 1, 4, 10, 10),
            shapeCase("Conv stride 2 bias", 13, img, NONE, b -> weight(weight(b, "w", 4, 3, 3, 3), "b", 4)
                    .node("Conv", List.of("x", "w", "b"), "y", ints("strides", 2, 2)), 1, 4, 4, 4),
            shapeCase("Conv dilation 2", 13, img, NONE, b -> weight(b, "w", 2, 3, 3, 3)
                    .node("Conv", List.of("x", "w"), "y", ints("dilations", 2, 2)), 1, 2, 6, 6),
            shapeCase("Conv depthwise asymmetric pads", 13, img, NONE, b -> weight(b, "w", 6, 1, 3, 3)
                    .node("Conv", List.of("x", "w"), "y", ModelBuilder.integer("group", 3), ints("pads", 0, 1, 2, 0)),
                    1, 6, 10, 9),
            shapeCase("Conv SAME_UPPER stride 2", 13, new long[] {1, 3, 7, 7}, NONE, b -> weight(b, "w", 4, 3, 3, 3)
                    .node("Conv", List.of("x", "w"), "y", ModelBuilder.text("auto_pad", "SAME_UPPER"),
                            ints("strides", 2, 2)), 1, 4, 4, 4),
            shapeCase("Conv 1-D", 13, new long[] {2, 2, 9}, NONE, b -> weight(b, "w", 3, 2, 3)
                    .node("Conv", List.of("x", "w"), "y"), 2, 3, 7),
            shapeCase("ConvTranspose stride 2 output_padding", 13, new long[] {1, 4, 5, 5}, NONE, b -> weight(b, "w", 4, 2, 3, 3)
                    .node("ConvTranspose", List.of("x", "w"), "y", ints("strides", 2, 2), ints("pads", 1, 1, 1, 1),
                            ints("output_padding", 1, 1)), 1, 2, 10, 10),
            shapeCase("ConvTranspose group 2", 13, new long[] {1, 4, 5, 5}, NONE, b -> weight(b, "w", 4, 3, 2, 2)
                    .node("ConvTranspose", List.of("x", "w"), "y", ints("strides", 2, 2), ModelBuilder.integer("group", 2)),
                    1, 6, 10, 10),
            shapeCase("ConvTranspose output_shape", 13, new long[] {1, 4, 5, 5}, NONE, b -> weight(b, "w", 4, 2, 3, 3)
                    .node("ConvTranspose", List.of("x", "w"), "y", ints("strides", 2, 2), ints("output_shape", 11, 10)),
                    1, 2, 11, 10),
            shapeCase("BatchNormalization", 13, img, NONE, b -> weight(weight(weight(weight(b, "s", 3), "bb", 3), "m", 3), "v", 3)
                    .node("BatchNormalization", List.of("x", "s", "bb", "m", "v"), "y"), 1, 3, 10, 10),
            shapeCase("Add broadcast", 13, new long[] {2, 3, 4}, new long[] {4}, b -> b.node("Add", List.of("x", "x2"), "y"), 2, 3, 4),
            shapeCase("Mul both sides broadcast", 13, new long[] {2, 1, 5}, new long[] {3, 1}, b -> b.node("Mul", List.of("x", "x2"), "y"),
                    2, 3, 5),
            shapeCase("Sum of three", 13, new long[] {3, 1}, new long[] {1, 4}, b -> weight(b, "c", 4)
                    .node("Sum", List.of("x", "x2", "c"), "y"), 3, 4),
            shapeCase("Gemm transB", 13, new long[] {2, 5}, NONE, b -> weight(weight(b, "w", 7, 5), "c", 7)
                    .node("Gemm", List.of("x", "w", "c"), "y", ModelBuilder.integer("transB", 1)), 2, 7),
            shapeCase("Gemm transA", 13, new long[] {5, 2}, NONE, b -> weight(b, "w", 5, 3)
                    .node("Gemm", List.of("x", "w"), "y", ModelBuilder.integer("transA", 1)), 2, 3),
            shapeCase("MatMul batch broadcast", 13, new long[] {2, 1, 3, 4}, new long[] {5, 4, 6},
                    b -> b.node("MatMul", List.of("x", "x2"), "y"), 2, 5, 3, 6),
            shapeCase("MatMul vector @ matrix", 13, new long[] {4}, new long[] {4, 5}, b -> b.node("MatMul", List.of("x", "x2"), "y"), 5),
            shapeCase("MatMul matrix @ vector", 13, new long[] {3, 4}, new long[] {4}, b -> b.node("MatMul", List.of("x", "x2"), "y"), 3),
            shapeCase("MaxPool 2x2", 13, img, NONE, b -> b.node("MaxPool", List.of("x"), "y", ints("kernel_shape", 2, 2),
                    ints("strides", 2, 2)), 1, 3, 5, 5),
            shapeCase("MaxPool ceil_mode pads", 13, new long[] {1, 2, 7, 7}, NONE, b -> b.node("MaxPool", List.of("x"), "y",
                    ints("kernel_shape", 3, 3), ints("strides", 2, 2), ints("pads", 1, 1, 1, 1),
                    ModelBuilder.integer("ceil_mode", 1)), 1, 2, 4, 4),
            shapeCase("AveragePool SAME_LOWER", 13, new long[] {1, 2, 7, 6}, NONE, b -> b.node("AveragePool", List.of("x"), "y",
                    ints("kernel_shape", 3, 2), ints("strides", 2, 2), ModelBuilder.text("auto_pad", "SAME_LOWER")), 1, 2, 4, 3),
            shapeCase("GlobalAveragePool", 13, img, NONE, b -> b.node("GlobalAveragePool", List.of("x"), "y"), 1, 3, 1, 1),
            shapeCase("Concat axis -1", 13, new long[] {2, 3}, new long[] {2, 5}, b -> b.node("Concat", List.of("x", "x2"), "y",
                    ModelBuilder.integer("axis", -1)), 2, 8),
            shapeCase("Reshape 0 and -1", 13, new long[] {2, 3, 4}, NONE, b -> b.init("s", new long[] {2}, 0, -1)
                    .node("Reshape", List.of("x", "s"), "y"), 2, 12),
            shapeCase("Reshape opset 1 attribute", 1, new long[] {2, 3, 4}, NONE, b -> b.node("Reshape", List.of("x"), "y",
                    ints("shape", 4, -1)), 4, 6),
            shapeCase("Reshape target computed by Shape/Gather/Unsqueeze/Concat", 11, new long[] {2, 3, 4}, NONE, b -> b
                    .init("i0", new long[] {}, 0).init("m1", new long[] {1}, -1)
                    .node("Shape", List.of("x"), "s").node("Gather", List.of("s", "i0"), "n")
                    .node("Unsqueeze", List.of("n"), "n1", ints("axes", 0))
                    .node("Concat", List.of("n1", "m1"), "t", ModelBuilder.integer("axis", 0))
                    .node("Reshape", List.of("x", "t"), "y"), 2, 12),
            shapeCase("Reshape target via Slice/Cast/Mul", 13, new long[] {2, 3, 4}, NONE, b -> b
                    .init("st", new long[] {1}, 1).init("en", new long[] {1}, 3).init("two", new long[] {1}, 2)
                    .node("Shape", List.of("x"), "s").node("Slice", List.of("s", "st", "en"), "hw")
                    .node("Cast", List.of("hw"), "hw2", ModelBuilder.integer("to", 7))
                    .node("Mul", List.of("hw2", "two"), "t2").init("sh", new long[] {2}, 2, 1)
                    .node("Div", List.of("t2", "two"), "t3")
                    .node("Concat", List.of("sh", "t3"), "t", ModelBuilder.integer("axis", 0))
                    .node("Reshape", List.of("x", "t"), "y"), 2, 1, 3, 4),
            shapeCase("Flatten axis 2", 13, new long[] {2, 3, 4, 5}, NONE, b -> b.node("Flatten", List.of("x"), "y",
                    ModelBuilder.integer("axis", 2)), 6, 20),
            shapeCase("Flatten axis -1", 13, new long[] {2, 3, 4}, NONE, b -> b.node("Flatten", List.of("x"), "y",
                    ModelBuilder.integer("axis", -1)), 6, 4),
            shapeCase("Flatten axis 0", 13, new long[] {2, 3}, NONE, b -> b.node("Flatten", List.of("x"), "y",
                    ModelBuilder.integer("axis", 0)), 1, 6),
            shapeCase("Transpose default", 13, new long[] {2, 3, 4}, NONE, b -> b.node("Transpose", List.of("x"), "y"), 4, 3, 2),
            shapeCase("Transpose perm", 13, new long[] {2, 3, 4}, NONE, b -> b.node("Transpose", List.of("x"), "y",
                    ints("perm", 0, 2, 1)), 2, 4, 3),
            shapeCase("Squeeze opset 11 axes attribute", 11, new long[] {1, 3, 1, 4}, NONE, b -> b.node("Squeeze", List.of("x"), "y",
                    ints("axes", -2)), 1, 3, 4),
            shapeCase("Squeeze opset 13 no axes", 13, new long[] {1, 3, 1, 4}, NONE, b -> b.node("Squeeze", List.of("x"), "y"), 3, 4),
            shapeCase("Squeeze opset 13 axes input", 13, new long[] {1, 3, 1, 4}, NONE, b -> b.init("a", new long[] {1}, 0)
                    .node("Squeeze", List.of("x", "a"), "y"), 3, 1, 4),
            shapeCase("Unsqueeze opset 11", 11, new long[] {3, 4}, NONE, b -> b.node("Unsqueeze", List.of("x"), "y",
                    ints("axes", 0, 3)), 1, 3, 4, 1),
            shapeCase("Unsqueeze opset 13", 13, new long[] {3, 4}, NONE, b -> b.init("a", new long[] {2}, -1, 1)
                    .node("Unsqueeze", List.of("x", "a"), "y"), 3, 1, 4, 1),
            shapeCase("Softmax", 13, new long[] {2, 7}, NONE, b -> b.node("Softmax", List.of("x"), "y"), 2, 7),
            shapeCase("Resize scales", 11, new long[] {1, 2, 5, 6}, NONE, b -> b.init("roi", Tensor.zeros(0))
                    .init("sc", Tensor.vector(1, 1, 2, 1.5f)).node("Resize", List.of("x", "roi", "sc"), "y"), 1, 2, 10, 9),
            shapeCase("Resize sizes", 13, new long[] {1, 2, 5, 6}, NONE, b -> b.init("sz", new long[] {4}, 1, 2, 7, 3)
                    .node("Resize", List.of("x", "", "", "sz"), "y"), 1, 2, 7, 3),
            shapeCase("Resize opset 10", 10, new long[] {1, 2, 5, 6}, NONE, b -> b.init("sc", Tensor.vector(1, 1, 2, 2))
                    .node("Resize", List.of("x", "sc"), "y"), 1, 2, 10, 12),
            shapeCase("Upsample opset 9", 9, new long[] {1, 2, 3, 3}, NONE, b -> b.init("sc", Tensor.vector(1, 1, 2, 3))
                    .node("Upsample", List.of("x", "sc"), "y"), 1, 2, 6, 9),
            shapeCase("Pad opset 11", 11, new long[] {1, 2, 3, 3}, NONE, b -> b.init("p", new long[] {8}, 0, 0, 1, 2, 0, 0, 3, 4)
                    .node("Pad", List.of("x", "p"), "y"), 1, 2, 7, 9),
            shapeCase("Pad opset 2", 2, new long[] {2, 3}, NONE, b -> b.node("Pad", List.of("x"), "y", ints("pads", 1, 0, 1, 2)), 4, 5),
            shapeCase("Slice negative and steps", 13, new long[] {10, 8}, NONE, b -> b.init("st", new long[] {2}, -3, 7)
                    .init("en", new long[] {2}, 100, 0).init("ax", new long[] {2}, 0, 1).init("sp", new long[] {2}, 1, -2)
                    .node("Slice", List.of("x", "st", "en", "ax", "sp"), "y"), 3, 4),
            shapeCase("ReduceMean keepdims 0", 13, new long[] {2, 3, 4}, NONE, b -> b.node("ReduceMean", List.of("x"), "y",
                    ints("axes", 1), ModelBuilder.integer("keepdims", 0)), 2, 4),
            shapeCase("Expand", 13, new long[] {3, 1}, NONE, b -> b.init("s", new long[] {3}, 2, 1, 4)
                    .node("Expand", List.of("x", "s"), "y"), 2, 3, 4),
            shapeCase("Quantize/Dequantize", 13, new long[] {2, 3}, NONE, b -> b.init("sc", Tensor.vector(0.1f))
                    .node("QuantizeLinear", List.of("x", "sc"), "q").node("DequantizeLinear", List.of("q", "sc"), "y"), 2, 3),
            shapeCase("Clip with bounds", 13, new long[] {2, 3}, NONE, b -> b.init("lo", Tensor.vector(0)).init("hi", Tensor.vector(6))
                    .node("Clip", List.of("x", "lo", "hi"), "y"), 2, 3),
            unary("Relu"), unary("Sigmoid"), unary("Tanh"), unary("HardSigmoid"), unary("HardSwish"), unary("LeakyRelu"),
            unary("Identity"), unary("Cast", ModelBuilder.integer("to", 1)), unary("Abs"), unary("Exp"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void inferredShapeEqualsExpectedAndTheExecutors(String name, long opset, long[] x, long[] x2,
                                                     Function<ModelBuilder, ModelBuilder> body, int[] expected) {
        ModelBuilder b = new ModelBuilder(opset).input("x", x);
        if (x2.length > 0) {
            b.input("x2", x2);
        }
        Graph g = body.apply(b).output("y").build();
        ShapeInference.Result r = ShapeInference.infer(g);
        assertEquals(List.of(), r.problems());
        assertArrayEquals(expected, r.shape("y"), name);
        Map<String, Tensor> in = new HashMap<>();
        in.put("x", ModelBuilder.random(1, -2, 2, toInt(x)));
        if (x2.length > 0) {
            in.put("x2", ModelBuilder.random(2, -2, 2, toInt(x2)));
        }
        Map<String, int[]> ran = new HashMap<>();
        Executor.run(g, in, (v, node, value) -> ran.put(v, Executor.shapeOf(value)));
        ran.forEach((v, s) -> assertArrayEquals(s, r.shape(v), name + ": value " + v));
    }

    private static int[] toInt(long[] s) {
        return Arrays.stream(s).mapToInt(Math::toIntExact).toArray();
    }

    @Test
    void unknownOpsAndDataDependentShapesStayUnknownWithoutProblems() {
        Graph g = new ModelBuilder(13).input("x", 2, 3).typedInput("t", 7, 2)
                .node("Reshape", List.of("x", "t"), "r") // target is a graph input: data-dependent
                .node("Relu", List.of("r"), "a")
                .node("NonZero", List.of("x"), "nz") // no rule
                .node("Relu", List.of("x"), "y").output("y").output("a").output("nz").build();
        ShapeInference.Result r = ShapeInference.infer(g);
        assertEquals(List.of(), r.problems());
        assertNull(r.shape("r"));
        assertNull(r.shape("a"));
        assertNull(r.shape("nz"));
        assertArrayEquals(new int[] {2, 3}, r.shape("y"));
    }

    @Test
    void symbolicInputsNeedShapesAndInconsistenciesNameTheNode() {
        Graph g = new ModelBuilder(13).input("x", -1, 3, -1, -1)
                .init("w", ModelBuilder.random(1, -1, 1, 4, 2, 3, 3))
                .node("Conv", List.of("x", "w"), "c").node("Relu", List.of("c"), "y").output("y").build();
        assertNull(ShapeInference.infer(g).shape("y"), "symbolic dimensions: unknown without input shapes");
        ShapeInference.Result r = ShapeInference.infer(g, Map.of("x", new int[] {1, 3, 8, 8}));
        assertEquals(1, r.problems().size());
        assertTrue(r.problems().get(0).startsWith("node 'Conv_1' (Conv): Conv X [1, 3, 8, 8] has 3 channels but W"),
                r.problems().get(0));
        assertNull(r.shape("y"));
    }

    @Test
    void foldedShapeValuesAreConstants() {
        Graph g = new ModelBuilder(13).input("x", 2, 3, 4).init("i", new long[] {1}, 2)
                .node("Shape", List.of("x"), "s").node("Gather", List.of("s", "i"), "g").node("Relu", List.of("x"), "y")
                .output("y").output("g").build();
        ShapeInference.Result r = ShapeInference.infer(g);
        assertArrayEquals(new long[] {2, 3, 4}, ((LongTensor) r.constants().get("s")).data());
        assertArrayEquals(new long[] {4}, ((LongTensor) r.constants().get("g")).data());
        assertNotNull(r.constants().get("i"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "demo, 1x1x28x28",
        ModelBuilder.CLASSIFIER + ", 1x3x48x192",
        ModelBuilder.DETECTOR + ", 1x3x320x320",
        ModelBuilder.DETECTOR + ", 2x3x96x160",
    })
    void realModelsStaticShapesEqualOneRun(String which, String shapeText) throws Exception {
        Graph g = which.equals("demo") ? OnnxReader.read(ModelBuilder.DEMO) : ModelBuilder.resource(which);
        int[] shape = Arrays.stream(shapeText.split("x")).mapToInt(Integer::parseInt).toArray();
        String in = g.inputs().get(0).name();
        ShapeInference.Result r = ShapeInference.infer(g, Map.of(in, shape));
        assertEquals(List.of(), r.problems());
        Map<String, int[]> ran = new LinkedHashMap<>();
        Executor.run(g, Map.of(in, ModelBuilder.random(5, 0, 1, shape)), (v, node, value) -> ran.put(v, Executor.shapeOf(value)));
        int values = 0;
        for (Node n : g.nodes()) {
            for (String o : n.outputs()) {
                if (!o.isEmpty()) {
                    assertArrayEquals(ran.get(o), r.shape(o), "value " + o + " of " + n);
                    values++;
                }
            }
        }
        g.weights().forEach((k, v) -> assertArrayEquals(Executor.shapeOf(v), r.shape(k), k));
        assertArrayEquals(shape, r.shape(in));
        assertEquals(ran.size(), values);
        System.out.printf("static shapes of %s at %s: %d node outputs equal to one executor run%n", which, shapeText, values);
    }
}
