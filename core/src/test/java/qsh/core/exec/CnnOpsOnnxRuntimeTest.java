package qsh.core.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static qsh.core.testing.ModelBuilder.integer;
import static qsh.core.testing.ModelBuilder.ints;
import static qsh.core.testing.ModelBuilder.random;
import static qsh.core.testing.ModelBuilder.real;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import qsh.core.graph.Graph;
import qsh.core.modelio.OnnxWriter;
import qsh.core.tensor.Tensor;
import qsh.core.testing.ModelBuilder;

/**
 * ONNX Runtime as the oracle for the CNN ops qsh added for real models (LRN, PRelu, Split, Tile, ReduceSum,
 * Softplus, Selu, Sign, Shrink, InstanceNormalization, 3-D Conv and pooling): small float graphs chaining them,
 * in the attribute forms (opset 11), the input forms (13) and Split's num_outputs (18). Every output must match
 * ONNX Runtime within 1e-5 of its range, and static shape inference must know every output's shape.
 */
class CnnOpsOnnxRuntimeTest {
    /** Conv → LRN → PRelu → InstanceNormalization → Split → (Softplus, Sign | Selu → Tile → ReduceSum, Shrink). */
    static Graph chain2d(long opset) {
        ModelBuilder b = new ModelBuilder(opset).input("x", 1, 6, 8, 8)
                .init("w", random(1, -0.5, 0.5, 8, 6, 3, 3)).init("b", random(2, -0.2, 0.2, 8))
                .init("slope", random(3, 0.05, 0.4, 8, 1, 1))
                .init("scale", random(4, 0.5, 1.5, 8)).init("shift", random(5, -0.3, 0.3, 8))
                .node("Conv", List.of("x", "w", "b"), "c", ints("pads", 1, 1, 1, 1))
                .node("LRN", List.of("c"), "l", integer("size", 5), real("alpha", 0.02f), real("beta", 0.75f),
                        real("bias", 2f))
                .node("PRelu", List.of("l", "slope"), "p")
                .node("InstanceNormalization", List.of("p", "scale", "shift"), "n", real("epsilon", 1e-4f));
        if (opset >= 18) {
            b.node("Split", List.of("n"), List.of("s0", "s1", "s2"), integer("axis", 1), integer("num_outputs", 3))
                    .node("Softplus", List.of("s2"), "o5").output("o5");
        } else if (opset >= 13) {
            b.init("sizes", new long[] {2}, 3, 5).node("Split", List.of("n", "sizes"), List.of("s0", "s1"), integer("axis", 1));
        } else {
            b.node("Split", List.of("n"), List.of("s0", "s1"), integer("axis", 1), ints("split", 3, 5));
        }
        b.init("reps", new long[] {4}, 1, 1, 2, 1)
                .node("Softplus", List.of("s0"), "o1")
                .node("Sign", List.of("s0"), "o2")
                .node("Selu", List.of("s1"), "e", real("alpha", 1.5f), real("gamma", 1.1f))
                .node("Tile", List.of("e", "reps"), "t")
                .node("Shrink", List.of("s1"), "o4", real("lambd", 0.3f), real("bias", 0.1f));
        if (opset >= 13) {
            b.init("axes", new long[] {2}, 2, -1).node("ReduceSum", List.of("t", "axes"), "o3", integer("keepdims", 0));
        } else {
            b.node("ReduceSum", List.of("t"), "o3", ints("axes", 2, -1), integer("keepdims", 0));
        }
        return b.output("o1").output("o2").output("o3").output("o4").build();
    }

    /**
     * Conv3d (strided, padded) → MaxPool3d (ceil_mode) and AveragePool3d (count_include_pad) → grouped dilated
     * Conv3d → BatchNormalization → Relu (run as one fused step) → AveragePool3d → PRelu.
     */
    static Graph chain3d() {
        return new ModelBuilder(13).input("x", 1, 3, 6, 7, 8)
                .init("w", random(1, -0.5, 0.5, 4, 3, 3, 3, 3)).init("b", random(2, -0.2, 0.2, 4))
                .init("w2", random(3, -0.5, 0.5, 4, 2, 1, 3, 3))
                .init("g", random(4, 0.5, 1.5, 4)).init("be", random(5, -0.3, 0.3, 4))
                .init("mu", random(6, -0.3, 0.3, 4)).init("var", random(7, 0.5, 1.5, 4))
                .init("slope", random(8, 0.05, 0.4, 4, 1, 1, 1))
                .node("Conv", List.of("x", "w", "b"), "c", ints("pads", 1, 1, 1, 1, 1, 1), ints("strides", 1, 2, 2))
                .node("MaxPool", List.of("c"), "o1", ints("kernel_shape", 2, 2, 2), ints("strides", 2, 2, 2),
                        integer("ceil_mode", 1))
                .node("AveragePool", List.of("c"), "a", ints("kernel_shape", 3, 3, 3), ints("pads", 1, 1, 1, 1, 1, 1),
                        integer("count_include_pad", 1))
                .node("Conv", List.of("a", "w2"), "c2", integer("group", 2), ints("dilations", 1, 1, 2),
                        ints("pads", 0, 1, 2, 0, 1, 2))
                .node("BatchNormalization", List.of("c2", "g", "be", "mu", "var"), "bn")
                .node("Relu", List.of("bn"), "o2")
                .node("AveragePool", List.of("o2"), "a2", ints("kernel_shape", 2, 2, 2), ints("strides", 2, 1, 2))
                .node("PRelu", List.of("a2", "slope"), "o3")
                .output("o1").output("o2").output("o3").build();
    }

    /**
     * 3-D ConvTranspose: strided with pads and output_padding → BatchNormalization → Relu; grouped and dilated with
     * auto_pad SAME_UPPER; with output_shape; and without bias, unequal kernel sides.
     */
    static Graph transposed3d() {
        return new ModelBuilder(13).input("x", 1, 4, 3, 4, 5)
                .init("w", random(21, -0.5, 0.5, 4, 3, 3, 3, 2)).init("b", random(22, -0.2, 0.2, 3))
                .init("w2", random(23, -0.5, 0.5, 4, 2, 2, 3, 3)).init("b2", random(24, -0.2, 0.2, 4))
                .init("w3", random(25, -0.5, 0.5, 4, 1, 2, 2, 2))
                .init("g", random(26, 0.5, 1.5, 3)).init("be", random(27, -0.3, 0.3, 3))
                .init("mu", random(28, -0.3, 0.3, 3)).init("var", random(29, 0.5, 1.5, 3))
                .node("ConvTranspose", List.of("x", "w", "b"), "t", ints("strides", 2, 1, 2), ints("pads", 1, 0, 1, 0, 1, 0),
                        ints("output_padding", 1, 0, 1))
                .node("BatchNormalization", List.of("t", "g", "be", "mu", "var"), "bn")
                .node("Relu", List.of("bn"), "o1")
                .node("ConvTranspose", List.of("x", "w2", "b2"), "o2", integer("group", 2), ints("dilations", 2, 1, 2),
                        ints("strides", 2, 2, 1), ModelBuilder.text("auto_pad", "SAME_UPPER"))
                .node("ConvTranspose", List.of("x", "w3"), "o3", ints("strides", 3, 2, 2), ints("output_shape", 8, 7, 9))
                .output("o1").output("o2").output("o3").build();
    }

    @Test
    void convTranspose3dMatchesOnnxRuntime() throws Exception {
        check(transposed3d(), "x", random(30, -2, 2, 1, 4, 3, 4, 5));
    }

    @ParameterizedTest(name = "opset {0}")
    @ValueSource(longs = {11, 13, 18})
    void chain2dMatchesOnnxRuntime(long opset) throws Exception {
        check(chain2d(opset), "x", random(11, -2, 2, 1, 6, 8, 8));
    }

    @Test
    void conv3dAndPool3dMatchOnnxRuntime() throws Exception {
        check(chain3d(), "x", random(12, -2, 2, 1, 3, 6, 7, 8));
    }

    /** The 3-D Conv → BatchNormalization → Relu chain runs as one step whose epilogue equals the node-by-node run. */
    @Test
    void conv3dEpilogueEqualsNodeByNode() {
        Graph g = chain3d();
        Map<String, Tensor> in = Map.of("x", random(13, -2, 2, 1, 3, 6, 7, 8));
        List<String> steps = new ArrayList<>();
        Map<String, Object> fused = Executor.run(g, in, null, Set.of(), (n, ops, nanos) -> steps.add(ops));
        Map<String, Object> plain = Executor.run(g, in, (name, node, v) -> { }, Set.of());
        assertTrue(steps.contains("Conv+BatchNormalization+Relu"), "steps " + steps);
        for (String o : List.of("o1", "o2", "o3")) {
            assertArrayEquals(((Tensor) plain.get(o)).data(), ((Tensor) fused.get(o)).data(), o);
        }
    }

    static void check(Graph g, String input, Tensor x) throws Exception {
        Map<String, Object> ours = Executor.run(g, Map.of(input, x), null);
        ShapeInference.Result shapes = ShapeInference.infer(g, Map.of(input, x.shape()));
        assertTrue(shapes.problems().isEmpty(), "static shape problems " + shapes.problems());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(OnnxWriter.toProto(g).toByteArray(), new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()),
                     Arrays.stream(x.shape()).asLongStream().toArray());
             OrtSession.Result res = s.run(Map.of(input, in))) {
            for (var out : g.outputs()) {
                String name = out.name();
                OnnxTensor ref = (OnnxTensor) res.get(name).orElseThrow();
                Tensor mine = (Tensor) ours.get(name);
                long[] refShape = ref.getInfo().getShape();
                assertArrayEquals(refShape, Arrays.stream(mine.shape()).asLongStream().toArray(), name + ": shape");
                assertArrayEquals(mine.shape(), shapes.shape(name), name + ": static shape");
                float[] r = new float[mine.size()];
                ref.getFloatBuffer().get(r);
                double lo = Double.POSITIVE_INFINITY;
                double hi = Double.NEGATIVE_INFINITY;
                double worst = 0;
                for (int i = 0; i < r.length; i++) {
                    lo = Math.min(lo, r[i]);
                    hi = Math.max(hi, r[i]);
                    worst = Math.max(worst, Math.abs(r[i] - mine.get(i)));
                }
                double tol = 1e-5 * Math.max(hi - lo, 1);
                assertTrue(worst <= tol, name + ": max |qsh - ORT| = " + worst + " > " + tol);
            }
        }
    }
}
