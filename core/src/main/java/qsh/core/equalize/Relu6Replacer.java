package qsh.core.equalize;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.onnx.proto.OnnxProto.NodeProto;
import qsh.core.tensor.Tensor;

/**
 * Replaces ReLU6 activations (Clip with min 0 and max 6, as attributes before opset 11 or as inputs from 11 on,
 * or a Relu6 op) by Relu. CLE relies on positive homogeneity, ReLU(s·x) = s·ReLU(x) for s > 0, which ReLU6
 * lacks because of its fixed upper clip (Nagel et al. 2019, §4.1; the spec: "Any Relu6 activations will be
 * automatically changed to Relu"). This changes the function wherever values exceeded 6.
 *
 * <p>Only layer activations are replaced — a Clip fed by a Conv, Gemm or BatchNormalization. A Clip(0, 6) fed
 * by anything else is part of another function (hard-swish computes x·Clip(x + 3, 0, 6)/6) and stays.
 */
public final class Relu6Replacer {
    private static final Set<String> LAYERS = Set.of("Conv", "Gemm", "BatchNormalization");

    /**
     * What the replacement did.
     *
     * @param graph    the new graph
     * @param replaced names of the nodes that became Relu
     */
    public record Result(Graph graph, List<String> replaced) {}

    private Relu6Replacer() {}

    /** Replaces every ReLU6 layer activation of {@code g}; {@code g} itself is unchanged. */
    public static Result replace(Graph g) {
        GraphEditor ed = new GraphEditor(g);
        List<String> replaced = new ArrayList<>();
        List<String> freed = new ArrayList<>();
        for (Node n : g.nodes()) {
            Node from = g.producer(n.input(0));
            if (!isRelu6(g, n) || from == null || !LAYERS.contains(from.opType())) {
                continue;
            }
            NodeProto relu = NodeProto.newBuilder().setName(n.name()).setOpType("Relu").addInput(n.input(0))
                    .addOutput(n.outputs().get(0)).build();
            ed.replaceNode(n.name(), relu);
            freed.addAll(n.inputs().subList(1, n.inputs().size()));
            replaced.add(n.name());
        }
        ed.dropUnusedWeights(freed);
        return new Result(replaced.isEmpty() ? g : ed.build(), List.copyOf(replaced));
    }

    /** Whether {@code n} computes min(max(x, 0), 6). */
    public static boolean isRelu6(Graph g, Node n) {
        if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) {
            return false;
        }
        if (n.opType().equals("Relu6")) {
            return true;
        }
        if (!n.opType().equals("Clip")) {
            return false;
        }
        if (n.hasAttr("min") || n.hasAttr("max") || g.opset() < 11) {
            return n.attrFloat("min", Float.NEGATIVE_INFINITY) == 0f && n.attrFloat("max", Float.POSITIVE_INFINITY) == 6f;
        }
        return scalar(g, n.input(1)) == 0f && scalar(g, n.input(2)) == 6f;
    }

    private static float scalar(Graph g, String name) {
        Object v = name.isEmpty() ? null : g.weights().get(name);
        return v instanceof Tensor && ((Tensor) v).size() == 1 ? ((Tensor) v).get(0) : Float.NaN;
    }
}
