package qsh.core.equalize;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.onnx.proto.OnnxProto.AttributeProto;
import qsh.core.onnx.proto.OnnxProto.NodeProto;
import qsh.core.tensor.Tensor;

/**
 * A working copy of a graph's nodes and weights that the equalization transforms edit, then turn into a new
 * {@link Graph}. The source graph is never touched: weights are replaced by new tensors, never written in place.
 * Every edit costs O(1) (plus the node's own inputs): nodes are found through a name index and removed by leaving
 * an empty slot, and how many node inputs read each value is counted, so a pass over an n-node chain stays O(n)
 * (issue 18.7: a scan per edit made CLE on a 10 000-node chain take minutes).
 */
final class GraphEditor {
    private final Graph source;
    /** Nodes in their original order; a removed node leaves null. */
    private final List<Node> nodes;
    /** Node name → its slots in {@link #nodes}, in order (names are unique in practice; the first one counts). */
    private final Map<String, List<Integer>> slots = new HashMap<>();
    /** Value name → how many node inputs read it. */
    private final Map<String, Integer> readers = new HashMap<>();
    private final Map<String, Object> weights;
    private final Map<String, Integer> weightTypes;

    GraphEditor(Graph source) {
        this.source = source;
        this.nodes = new ArrayList<>(source.nodes().size());
        this.weights = new LinkedHashMap<>(source.weights());
        this.weightTypes = new HashMap<>(source.weightTypes());
        source.nodes().forEach(this::append);
    }

    private void append(Node n) {
        slots.computeIfAbsent(n.name(), k -> new ArrayList<>(1)).add(nodes.size());
        nodes.add(n);
        count(n, 1);
    }

    private void count(Node n, int delta) {
        for (String i : n.inputs()) {
            if (!i.isEmpty()) {
                readers.merge(i, delta, Integer::sum);
            }
        }
    }

    private int slot(String name) {
        List<Integer> s = slots.get(name);
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException("no node named '" + name + "'");
        }
        return s.get(0);
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
        int s = slot(name);
        Node fresh = new Node(proto.toBuilder().setName(name).build(), name);
        count(nodes.get(s), -1);
        nodes.set(s, fresh);
        count(fresh, 1);
    }

    /** The node called {@code name} as currently edited. */
    Node node(String name) {
        return nodes.get(slot(name));
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
        append(new Node(proto, proto.getName()));
    }

    /** Removes a node (every node of that name). */
    void removeNode(String name) {
        List<Integer> s = slots.remove(name);
        if (s != null) {
            for (int i : s) {
                count(nodes.get(i), -1);
                nodes.set(i, null);
            }
        }
    }

    /** Drops those of {@code names} that are weights no node reads any more and that are not graph outputs. */
    void dropUnusedWeights(List<String> names) {
        for (String w : names) {
            boolean used = readers.getOrDefault(w, 0) > 0
                    || source.outputs().stream().anyMatch(o -> o.name().equals(w));
            if (!used) {
                weights.remove(w);
                weightTypes.remove(w);
            }
        }
    }

    /** The edited graph. */
    Graph build() {
        return source.edited(nodes.stream().filter(Objects::nonNull).toList(), weights, weightTypes);
    }
}
