package qsh.core.equalize;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.onnx.proto.OnnxProto.AttributeProto;
import qsh.core.onnx.proto.OnnxProto.NodeProto;
import qsh.core.tensor.Tensor;

/**
 * A working copy of a graph's nodes and weights that the equalization transforms edit, then turn into a new
 * {@link Graph}. The source graph is never touched: weights are replaced by new tensors, never written in place.
 */
final class GraphEditor {
    private final Graph source;
    private final List<Node> nodes;
    private final Map<String, Object> weights;
    private final Map<String, Integer> weightTypes;

    GraphEditor(Graph source) {
        this.source = source;
        this.nodes = new ArrayList<>(source.nodes());
        this.weights = new LinkedHashMap<>(source.weights());
        this.weightTypes = new HashMap<>(source.weightTypes());
    }

    /** The float weight {@code name} as currently edited. */
    Tensor weight(String name) {
        return (Tensor) weights.get(name);
    }

    /** Sets (or adds, as FLOAT) a weight. */
    void putWeight(String name, Tensor value) {
        weights.put(name, value);
        weightTypes.putIfAbsent(name, 1);
    }

    /** A weight name not used by any weight or value yet, built from {@code base}. */
    String freshName(String base) {
        String name = base;
        for (int k = 1; weights.containsKey(name) || source.producer(name) != null || source.isInput(name); k++) {
            name = base + "_" + k;
        }
        return name;
    }

    /** Replaces the node called {@code name} with one built from {@code proto} (keeping its qsh name). */
    void replaceNode(String name, NodeProto proto) {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).name().equals(name)) {
                nodes.set(i, new Node(proto.toBuilder().setName(name).build(), name));
                return;
            }
        }
        throw new IllegalArgumentException("no node named '" + name + "'");
    }

    /** The node called {@code name} as currently edited. */
    Node node(String name) {
        for (Node n : nodes) {
            if (n.name().equals(name)) {
                return n;
            }
        }
        throw new IllegalArgumentException("no node named '" + name + "'");
    }

    /**
     * The name of the bias input of layer {@code name} (Conv or Gemm, {@code channels} outputs); a layer without
     * one first gets a zero bias named after its weight ({@code x.weight} → {@code x.bias}).
     */
    String ensureBias(String name, int channels) {
        Node cur = node(name);
        if (!cur.input(2).isEmpty()) {
            return cur.input(2);
        }
        String wn = cur.input(1);
        String bias = freshName(wn.endsWith(".weight") ? wn.substring(0, wn.length() - 7) + ".bias" : wn + "_bias");
        NodeProto.Builder p = cur.proto().toBuilder();
        if (p.getInputCount() > 2) {
            p.setInput(2, bias);
        } else {
            p.addInput(bias);
        }
        replaceNode(name, p.build());
        putWeight(bias, Tensor.zeros(channels));
        return bias;
    }

    /**
     * Gives layer {@code name} (Conv, ConvTranspose or Gemm) the bias {@code bias} — a folded node's constant taken
     * in — and makes it produce {@code output}, the folded node's output. A Gemm's β goes: Y = α·A·B + β·C, so the
     * new C holds the whole bias term and β becomes 1.
     */
    void setFoldedBias(String name, float[] bias, String output) {
        String biasName = ensureBias(name, bias.length);
        putWeight(biasName, Tensor.of(weight(biasName).shape(), bias));
        NodeProto.Builder p = node(name).proto().toBuilder();
        if (p.getOpType().equals("Gemm")) {
            List<AttributeProto> keep = p.getAttributeList().stream().filter(x -> !x.getName().equals("beta")).toList();
            p.clearAttribute().addAllAttribute(keep);
        }
        p.setOutput(0, output);
        replaceNode(name, p.build());
    }

    /** Adds a node (the built graph orders nodes topologically). */
    void addNode(NodeProto proto) {
        nodes.add(new Node(proto, proto.getName()));
    }

    /** Removes a node. */
    void removeNode(String name) {
        nodes.removeIf(n -> n.name().equals(name));
    }

    /** Drops those of {@code names} that are weights no node reads any more and that are not graph outputs. */
    void dropUnusedWeights(List<String> names) {
        for (String w : names) {
            boolean used = nodes.stream().anyMatch(n -> n.inputs().contains(w))
                    || source.outputs().stream().anyMatch(o -> o.name().equals(w));
            if (!used) {
                weights.remove(w);
                weightTypes.remove(w);
            }
        }
    }

    /** The edited graph. */
    Graph build() {
        return source.edited(nodes, weights, weightTypes);
    }
}
