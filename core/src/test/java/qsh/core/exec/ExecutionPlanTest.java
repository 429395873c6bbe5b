package qsh.core.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.core.exec.ops.Ops;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.modelio.OnnxReader;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.Tensor;
import qsh.core.testing.ModelBuilder;

/**
 * The executor's plans: observed runs produce every value exactly as its op kernel computes it alone (so
 * calibration sees the same numbers as a node-by-node interpreter), fused runs give the same outputs bit for
 * bit, kept values inside fused chains still exist, and recycled buffers never touch returned outputs.
 */
class ExecutionPlanTest {
    private static Graph model(String which) throws Exception {
        return which.equals("demo") ? OnnxReader.read(ModelBuilder.DEMO) : ModelBuilder.resource(which);
    }

    private static int[] inputShape(String which) {
        return switch (which) {
            case "demo" -> new int[] {1, 1, 28, 28};
            case ModelBuilder.CLASSIFIER -> new int[] {1, 3, 48, 192};
            default -> new int[] {1, 3, 96, 128};
        };
    }

    /** Every node run alone through its op kernel, in order: the reference for observed runs. */
    static Map<String, Object> nodeByNode(Graph g, Map<String, Tensor> inputs) {
        Map<String, Object> v = new HashMap<>(g.weights());
        v.putAll(inputs);
        for (Node n : g.nodes()) {
            Object[] args = n.inputs().stream().map(i -> i.isEmpty() ? null : v.get(i)).toArray();
            Object[] outs = Ops.get(n.domain(), n.opType()).run(n, args, g.opset());
            for (int j = 0; j < outs.length && j < n.outputs().size(); j++) {
                v.put(n.output(j), outs[j]);
            }
        }
        return v;
    }

    @ParameterizedTest
    @CsvSource({"demo", ModelBuilder.CLASSIFIER, ModelBuilder.DETECTOR})
    void observedAndFusedRunsMatchNodeByNodeBitForBit(String which) throws Exception {
        Graph g = model(which);
        Map<String, Tensor> in = Map.of(g.inputs().get(0).name(), ModelBuilder.random(3, -1, 1, inputShape(which)));
        Map<String, Object> ref = nodeByNode(g, in);
        Map<String, Object> seen = new LinkedHashMap<>();
        Executor.run(g, in, (name, node, value) -> seen.put(name, value));
        int produced = 0;
        for (Node n : g.nodes()) {
            for (String o : n.outputs()) {
                if (o.isEmpty()) {
                    continue;
                }
                assertTrue(seen.containsKey(o), "observer missed " + o);
                if (ref.get(o) instanceof Tensor t) {
                    assertArrayEquals(t.data(), ((Tensor) seen.get(o)).data(), o);
                }
                produced++;
            }
        }
        assertEquals(produced, seen.size());
        for (int run = 0; run < 2; run++) { // the second run reuses the first run's buffers
            Map<String, Object> fused = Executor.run(g, in, null);
            for (Map.Entry<String, Object> e : fused.entrySet()) {
                assertArrayEquals(((Tensor) ref.get(e.getKey())).data(), ((Tensor) e.getValue()).data(), e.getKey());
            }
        }
    }

    @Test
    void fusedChainsAreFoundInTheRealModels() throws Exception {
        ExecutionPlan cls = ExecutionPlan.of(model(ModelBuilder.CLASSIFIER), true);
        ExecutionPlan det = ExecutionPlan.of(model(ModelBuilder.DETECTOR), true);
        // every BatchNormalization is folded into a Conv or fused with what follows it
        for (ExecutionPlan p : List.of(cls, det)) {
            assertTrue(p.steps.stream().noneMatch(s -> s.node.opType().equals("BatchNormalization") && s.in.length == 5));
        }
        assertEquals(258, model(ModelBuilder.CLASSIFIER).nodes().size());
        assertTrue(cls.steps.size() < 258 - 35 - 18 * 4, "classifier steps: " + cls.steps.size());
    }

    @Test
    void keptValueInsideAFusedChainIsProducedAndOutputsSurviveLaterRuns() throws Exception {
        Graph g = model("demo");
        ExecutionPlan fused = ExecutionPlan.of(g, true);
        String inside = fused.eliminated.iterator().next();
        String in = g.inputs().get(0).name();
        Tensor x1 = ModelBuilder.random(1, 0, 1, 1, 1, 28, 28);
        Tensor x2 = ModelBuilder.random(2, 0, 1, 1, 1, 28, 28);
        Map<String, Object> seen = new HashMap<>();
        Executor.run(g, Map.of(in, x1), (name, node, value) -> seen.put(name, value));
        Map<String, Object> kept = Executor.run(g, Map.of(in, x1), null, Set.of(inside));
        assertNotNull(kept.get(inside));
        assertArrayEquals(((Tensor) seen.get(inside)).data(), ((Tensor) kept.get(inside)).data());

        Tensor first = (Tensor) Executor.run(g, Map.of(in, x1), null).values().iterator().next();
        float[] copy = first.data().clone();
        for (int i = 0; i < 3; i++) {
            Executor.run(g, Map.of(in, x2), null);
        }
        assertArrayEquals(copy, first.data(), "a returned output must not be recycled");
    }

    /**
     * Swish as exported (Mul(v, Sigmoid(v)), either operand order), after a Conv, with a simulated graph's
     * QuantizeLinear → DequantizeLinear after the Conv and after the Sigmoid, and after a BatchNormalization that
     * no Conv precedes: each chain is one step, and its output is the node-by-node output bit for bit.
     */
    @ParameterizedTest(name = "mulFirst={0} quantized={1} tiny={2}")
    @CsvSource({"false, false, false", "true, false, false", "false, true, false", "true, true, false",
        // inputs near the smallest normal float: the Mul products are subnormal and flushed, fused or not
        "false, false, true", "true, false, true"})
    void swishIsFusedAndBitIdentical(boolean mulFirst, boolean quantized, boolean tiny) {
        double r = tiny ? 3e-38 : 3;
        ModelBuilder b = new ModelBuilder(13).input("x", 1, 4, 9, 11)
                .init("w", ModelBuilder.random(1, -1, 1, 6, 4, 3, 3)).init("wb", ModelBuilder.random(2, -r / 3, r / 3, 6))
                .init("s", ModelBuilder.random(3, 0.5, 1.5, 6)).init("bb", ModelBuilder.random(4, -1, 1, 6))
                .init("m", ModelBuilder.random(5, -1, 1, 6)).init("v", ModelBuilder.random(6, 0.5, 1.5, 6))
                .init("qs", Tensor.of(new int[] {}, new float[] {0.02f}))
                .init("qz", LongTensor.of(new int[] {}, new long[] {128}), 2)
                .init("ss", Tensor.of(new int[] {}, new float[] {1f / 255}))
                .init("sz", LongTensor.of(new int[] {}, new long[] {0}), 2)
                .node("Conv", List.of("x", "w", "wb"), "c", ModelBuilder.ints("pads", 1, 1, 1, 1));
        String v = "c";
        if (quantized) {
            b.node("QuantizeLinear", List.of("c", "qs", "qz"), "cq").node("DequantizeLinear", List.of("cq", "qs", "qz"), "cd");
            v = "cd";
        }
        b.node("Sigmoid", List.of(v), "sg");
        String sg = "sg";
        if (quantized) {
            b.node("QuantizeLinear", List.of("sg", "ss", "sz"), "sq").node("DequantizeLinear", List.of("sq", "ss", "sz"), "sd");
            sg = "sd";
        }
        b.node("Mul", mulFirst ? List.of(sg, v) : List.of(v, sg), "y1")
                .node("BatchNormalization", List.of("y1", "s", "bb", "m", "v"), "bn")
                .node("Sigmoid", List.of("bn"), "sg2").node("Mul", List.of("bn", "sg2"), "y").output("y");
        Graph g = b.build();
        ExecutionPlan p = ExecutionPlan.of(g, true);
        assertTrue(p.eliminated.containsAll(List.of("c", "sg", "sg2", "bn")), "eliminated: " + p.eliminated);
        assertEquals(2, p.steps.size(), "a Conv chain and a BatchNormalization chain");
        Map<String, Tensor> in = Map.of("x", ModelBuilder.random(7, -r, r, 1, 4, 9, 11));
        Map<String, Object> ref = nodeByNode(g, in);
        if (tiny) {
            float[] y1 = ((Tensor) ref.get("y1")).data();
            long zeros = 0;
            for (float e : y1) {
                zeros += e == 0 ? 1 : 0;
            }
            assertTrue(zeros > y1.length / 4, "flushed products: " + zeros + " of " + y1.length);
        }
        for (int run = 0; run < 2; run++) {
            Map<String, Object> out = Executor.run(g, in, null);
            float[] want = ((Tensor) ref.get("y")).data();
            float[] got = ((Tensor) out.get("y")).data();
            for (int i = 0; i < want.length; i++) {
                assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]), "element " + i);
            }
        }
    }

    /**
     * DenseNet's pre-activation: Concat -> BatchNormalization -> Mul and Add by [C, 1, 1] constants -> Relu, with no Conv
     * before it (the Concat's rank known from the Convs feeding it): one step, the node-by-node bits, including
     * products small enough to be flushed.
     */
    @Test
    void denseNetsBatchNormMulAddReluAfterAConcatIsOneStep() {
        ModelBuilder b = new ModelBuilder(9).input("x", 1, 3, 6, 7)
                .init("w1", ModelBuilder.random(1, -1, 1, 2, 3, 3, 3)).init("w2", ModelBuilder.random(2, -1, 1, 3, 3, 1, 1))
                .init("s", ModelBuilder.random(3, 0.5, 1.5, 5)).init("bb", ModelBuilder.random(4, -1, 1, 5))
                .init("m", ModelBuilder.random(5, -1, 1, 5)).init("v", ModelBuilder.random(6, 0.5, 1.5, 5))
                .init("k", ModelBuilder.random(7, -1e-38, 2, 5, 1, 1)).init("a", ModelBuilder.random(8, -1, 1, 5, 1, 1))
                .node("Conv", List.of("x", "w1"), "c1", ModelBuilder.ints("pads", 1, 1, 1, 1))
                .node("Conv", List.of("x", "w2"), "c2")
                .node("Concat", List.of("c1", "c2"), "cat", ModelBuilder.integer("axis", 1))
                .node("BatchNormalization", List.of("cat", "s", "bb", "m", "v"), "bn")
                .node("Mul", List.of("bn", "k"), "mu").node("Add", List.of("mu", "a"), "ad")
                .node("Relu", List.of("ad"), "y").output("y").output("cat");
        Graph g = b.build();
        ExecutionPlan p = ExecutionPlan.of(g, true);
        assertTrue(p.eliminated.containsAll(List.of("bn", "mu", "ad")), "eliminated: " + p.eliminated);
        Map<String, Tensor> in = Map.of("x", ModelBuilder.random(9, -1, 1, 1, 3, 6, 7));
        Map<String, Object> ref = nodeByNode(g, in);
        Map<String, Object> out = Executor.run(g, in, null);
        float[] want = ((Tensor) ref.get("y")).data();
        float[] got = ((Tensor) out.get("y")).data();
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]), "element " + i);
        }
    }

    /** A Conv with one input in a model read as opset 0 (no opset import): an error naming the node, before it runs. */
    @Test
    void tooFewInputsAtOpsetZeroIsAnErrorNamingTheNode() {
        Graph g = new ModelBuilder(0).input("x", 1, 1, 3, 3).node("Conv", List.of("x"), "y").output("y").build();
        Executor.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(Executor.ExecutionException.class,
                () -> Executor.run(g, Map.of("x", ModelBuilder.random(1, -1, 1, 1, 1, 3, 3)), null));
        assertTrue(e.getMessage().contains("(Conv-1): 1 input(s), the schema takes 2"), e.getMessage());
    }

    @Test
    void chainValueThatIsAGraphOutputIsNotFused() {
        // x -> Conv -> BN -> Relu, with the BN output also declared as a graph output
        ModelBuilder b = new ModelBuilder(13).input("x", 1, 2, 5, 5)
                .init("w", ModelBuilder.random(1, -1, 1, 3, 2, 3, 3))
                .init("s", ModelBuilder.random(2, 0.5, 1.5, 3)).init("bb", ModelBuilder.random(3, -1, 1, 3))
                .init("m", ModelBuilder.random(4, -1, 1, 3)).init("v", ModelBuilder.random(5, 0.5, 1.5, 3))
                .node("Conv", List.of("x", "w"), "c", ModelBuilder.ints("pads", 1, 1, 1, 1))
                .node("BatchNormalization", List.of("c", "s", "bb", "m", "v"), "bn")
                .node("Relu", List.of("bn"), "y").output("y").output("bn");
        Graph g = b.build();
        ExecutionPlan p = ExecutionPlan.of(g, true);
        assertTrue(p.eliminated.contains("c"));
        assertTrue(!p.eliminated.contains("bn"));
        Map<String, Tensor> in = Map.of("x", ModelBuilder.random(6, -1, 1, 1, 2, 5, 5));
        Map<String, Object> ref = nodeByNode(g, in);
        Map<String, Object> out = Executor.run(g, in, null);
        for (String k : List.of("y", "bn")) {
            assertArrayEquals(((Tensor) ref.get(k)).data(), ((Tensor) out.get(k)).data(), k);
        }
    }

    @Test
    void inputsThatCannotFitAreRefusedBeforeAnyNodeRuns() {
        // x [1, 2, H, W] -> Conv 3x3 -> Relu -> Reshape to [1, 48]: only H = W = 6 fits
        Graph g = new ModelBuilder(13).input("x", 1, 2, -1, -1)
                .init("w", ModelBuilder.random(1, -1, 1, 3, 2, 3, 3)).init("s", new long[] {2}, 1, 48)
                .node("Conv", List.of("x", "w"), "c").node("Relu", List.of("c"), "r")
                .node("Reshape", List.of("r", "s"), "y").output("y").build();
        assertEquals(1, Executor.run(g, Map.of("x", ModelBuilder.random(2, 0, 1, 1, 2, 6, 6)), null).size());
        int[] produced = {0};
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Executor.run(g, Map.of("x", ModelBuilder.random(2, 0, 1, 1, 2, 7, 6)), (n, node, v) -> produced[0]++));
        assertEquals("inputs of shape x [1, 2, 7, 6] do not fit the model: node 'Reshape_3' (Reshape): cannot reshape"
                + " [1, 3, 5, 4] to [1, 48]", e.getMessage());
        assertEquals(0, produced[0]);
    }
}
