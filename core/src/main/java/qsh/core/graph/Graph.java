package qsh.core.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import qsh.core.onnx.OnnxFormatException;
import qsh.core.onnx.TensorProtos;
import qsh.core.onnx.proto.OnnxProto.ModelProto;
import qsh.core.onnx.proto.OnnxProto.NodeProto;
import qsh.core.onnx.proto.OnnxProto.OperatorSetIdProto;
import qsh.core.onnx.proto.OnnxProto.ValueInfoProto;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.Tensor;

/**
 * A model as qsh holds it: nodes in topological order, weights decoded once (initializers and Constant
 * outputs), declared inputs/outputs, and for every value its producer and consumers. Everything of the
 * ONNX file that qsh does not model lives on in {@link #meta()} and is written back unchanged.
 * Instances are immutable: a transform builds a new Graph, so a failing transform leaves this one as it was.
 */
public final class Graph {
    private final ModelProto meta;
    private final List<Node> nodes;
    private final Map<String, Object> weights;
    private final Map<String, Integer> weightTypes;
    private final List<ValueInfo> inputs;
    private final List<ValueInfo> outputs;
    private final List<ValueInfoProto> declaredInputs;
    private final Map<String, Node> producers = new HashMap<>();
    private final Map<String, List<Node>> consumers = new HashMap<>();
    /** Node name → the first node of that name: {@link #node} in O(1), so a pass looking up every node is linear. */
    private final Map<String, Node> byName = new HashMap<>();

    /**
     * Builds a graph. {@code meta} is the model with its nodes and initializers removed; {@code weights}
     * maps initializer names to decoded {@link Tensor}/{@link LongTensor}; nodes are sorted topologically here.
     */
    public Graph(ModelProto meta, List<Node> nodes, Map<String, Object> weights, Map<String, Integer> weightTypes,
                 String source) {
        this(meta, nodes, weights, weightTypes, source, null);
    }

    private Graph(ModelProto meta, List<Node> nodes, Map<String, Object> weights, Map<String, Integer> weightTypes,
                  String source, List<ValueInfoProto> declared) {
        this.meta = meta;
        this.declaredInputs = declared != null ? declared : List.copyOf(meta.getGraph().getInputList());
        this.weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
        this.weightTypes = Collections.unmodifiableMap(new LinkedHashMap<>(weightTypes));
        List<ValueInfo> in = new ArrayList<>();
        for (var vi : meta.getGraph().getInputList()) {
            if (!weights.containsKey(vi.getName())) {
                in.add(ValueInfo.of(vi));
            }
        }
        this.inputs = List.copyOf(in);
        List<ValueInfo> out = new ArrayList<>();
        meta.getGraph().getOutputList().forEach(vi -> out.add(ValueInfo.of(vi)));
        this.outputs = List.copyOf(out);
        this.nodes = List.copyOf(topologicalOrder(nodes, source));
        for (Node n : this.nodes) {
            byName.putIfAbsent(n.name(), n);
            for (String o : n.outputs()) {
                if (!o.isEmpty()) {
                    producers.put(o, n);
                }
            }
            for (String i : n.inputs()) {
                if (!i.isEmpty()) {
                    consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
                }
            }
        }
        for (ValueInfo o : outputs) {
            if (!producers.containsKey(o.name()) && !weights.containsKey(o.name()) && !isInput(o.name())) {
                throw new OnnxFormatException(source + ": graph output '" + o.name() + "' is produced by no node");
            }
        }
    }

    private List<Node> topologicalOrder(List<Node> all, String source) {
        Set<String> available = new LinkedHashSet<>(weights.keySet());
        inputs.forEach(v -> available.add(v.name()));
        Map<String, List<Node>> waiting = new HashMap<>();
        Map<Node, Integer> missing = new HashMap<>();
        Deque<Node> ready = new ArrayDeque<>();
        Set<String> produced = new LinkedHashSet<>();
        all.forEach(n -> n.outputs().forEach(produced::add));
        for (Node n : all) {
            int m = 0;
            for (String i : n.inputs()) {
                if (i.isEmpty() || available.contains(i)) {
                    continue;
                }
                if (!produced.contains(i)) {
                    throw new OnnxFormatException(source + ": node '" + n.name() + "' (" + n.opType() + ") reads '" + i
                            + "', which no initializer, graph input or node provides (a missing initializer?)");
                }
                m++;
                waiting.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
            }
            missing.put(n, m);
            if (m == 0) {
                ready.add(n);
            }
        }
        List<Node> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            Node n = ready.poll();
            order.add(n);
            for (String o : n.outputs()) {
                for (Node c : waiting.getOrDefault(o, List.of())) {
                    int left = missing.merge(c, -1, Integer::sum);
                    if (left == 0) {
                        ready.add(c);
                    }
                }
            }
        }
        if (order.size() != all.size()) {
            throw new OnnxFormatException(source + ": the graph has a cycle (" + (all.size() - order.size()) + " nodes never become ready)");
        }
        return order;
    }

    /** The model without nodes and initializers: opsets, producer, doc strings, value infos, metadata, unknown fields. */
    public ModelProto meta() { return meta; }

    /** Nodes in topological order. */
    public List<Node> nodes() { return nodes; }

    /** Weights (initializers) by name: {@link Tensor} for float types, {@link LongTensor} for integer types. */
    public Map<String, Object> weights() { return weights; }

    /** The ONNX element type each weight had in the file. */
    public Map<String, Integer> weightTypes() { return weightTypes; }

    /** Graph inputs that are not initializers (what a caller must feed). */
    public List<ValueInfo> inputs() { return inputs; }

    /** Declared graph outputs. */
    public List<ValueInfo> outputs() { return outputs; }

    /** The node producing {@code value}, or null for inputs and weights. */
    public Node producer(String value) { return producers.get(value); }

    /** The nodes reading {@code value}. */
    public List<Node> consumers(String value) { return consumers.getOrDefault(value, List.of()); }

    /** Whether {@code name} is a graph input. */
    public boolean isInput(String name) {
        return inputs.stream().anyMatch(v -> v.name().equals(name));
    }

    /** The node named {@code name}, or a clear error. */
    public Node node(String name) {
        Node n = byName.get(name);
        if (n != null) {
            return n;
        }
        throw new IllegalArgumentException("no node named '" + name + "' in the model");
    }

    /** The default-domain opset version (0 when absent). */
    public long opset() {
        for (OperatorSetIdProto o : meta.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                return o.getVersion();
            }
        }
        return 0;
    }

    /** Node counts by op type, sorted by name. */
    public Map<String, Integer> opCounts() {
        Map<String, Integer> m = new TreeMap<>();
        nodes.forEach(n -> m.merge(n.opType(), 1, Integer::sum));
        return m;
    }

    /** Total number of weight elements. */
    public long parameterCount() {
        long n = 0;
        for (Object w : weights.values()) {
            n += w instanceof Tensor ? ((Tensor) w).size() : ((LongTensor) w).size();
        }
        return n;
    }

    /** Bytes the weights take in the file's element types. */
    public long parameterBytes() {
        long b = 0;
        for (Map.Entry<String, Object> e : weights.entrySet()) {
            Object w = e.getValue();
            int size = w instanceof Tensor ? ((Tensor) w).size() : ((LongTensor) w).size();
            int t = weightTypes.getOrDefault(e.getKey(), 1);
            b += (long) size * bytesPer(t);
        }
        return b;
    }

    private static int bytesPer(int t) {
        switch (t) {
            case 2: case 3: case 9: return 1;
            case 4: case 5: case 10: case 16: return 2;
            case 7: case 11: case 13: return 8;
            default: return 4;
        }
    }

    /** A copy with one weight replaced (same name and element type); used by transforms such as CLE. */
    public Graph withWeight(String name, Tensor value) {
        if (!weights.containsKey(name)) {
            throw new IllegalArgumentException("no weight named '" + name + "'");
        }
        Map<String, Object> w = new LinkedHashMap<>(weights);
        w.put(name, value);
        return new Graph(meta, nodes, w, weightTypes, "edited model", declaredInputs);
    }

    /**
     * The inputs as the model file declared them, before {@link #withInputDims} bound open dimensions: what
     * {@code save} and {@code export} write, so a model with a symbolic batch keeps it.
     */
    public List<ValueInfoProto> declaredInputs() {
        return declaredInputs;
    }

    /** A copy whose inputs have the given dimensions (input name → every dimension); the declared ones are kept. */
    public Graph withInputDims(Map<String, long[]> dims) {
        var gb = meta.getGraph().toBuilder();
        for (int i = 0; i < gb.getInputCount(); i++) {
            long[] d = dims.get(gb.getInput(i).getName());
            if (d == null) {
                continue;
            }
            var vi = gb.getInput(i).toBuilder();
            var shape = vi.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
            var old = List.copyOf(shape.getDimList());
            shape.clearDim();
            for (int k = 0; k < d.length; k++) { // a negative dimension stays as declared (open)
                if (d[k] >= 0 || k >= old.size()) {
                    shape.addDimBuilder().setDimValue(Math.max(d[k], 1));
                } else {
                    shape.addDim(old.get(k));
                }
            }
            gb.setInput(i, vi);
        }
        return new Graph(meta.toBuilder().setGraph(gb).build(), nodes, weights, weightTypes, "bound model", declaredInputs);
    }

    /**
     * Another graph derived from this one (its QDQ form, an opset upgrade): new model proto, nodes and weights, with
     * this graph's declared inputs kept for writing.
     */
    public Graph derived(ModelProto newMeta, List<Node> newNodes, Map<String, Object> newWeights,
                         Map<String, Integer> newWeightTypes, String source) {
        return new Graph(newMeta, newNodes, newWeights, newWeightTypes, source, declaredInputs);
    }

    /**
     * A copy with another node list and weight set (an edit such as folding a node away). Graph inputs that
     * were weights and are gone stay out of the declared inputs, and value infos of values that no longer
     * exist are dropped, so the written model stays valid.
     */
    public Graph edited(List<Node> newNodes, Map<String, Object> newWeights, Map<String, Integer> newWeightTypes) {
        Set<String> alive = new java.util.HashSet<>(newWeights.keySet());
        newNodes.forEach(n -> alive.addAll(n.outputs()));
        var gb = meta.getGraph().toBuilder();
        gb.clearInput();
        for (var vi : meta.getGraph().getInputList()) {
            if (!(weights.containsKey(vi.getName()) && !newWeights.containsKey(vi.getName()))) {
                gb.addInput(vi);
            }
        }
        gb.clearValueInfo();
        for (var vi : meta.getGraph().getValueInfoList()) {
            if (alive.contains(vi.getName())) {
                gb.addValueInfo(vi);
            }
        }
        List<ValueInfoProto> declared = new ArrayList<>();
        for (ValueInfoProto vi : declaredInputs) {
            if (!(weights.containsKey(vi.getName()) && !newWeights.containsKey(vi.getName()))) {
                declared.add(vi);
            }
        }
        return new Graph(meta.toBuilder().setGraph(gb).build(), newNodes, newWeights, newWeightTypes, "edited model",
                List.copyOf(declared));
    }

    /** The NodeProtos in order (for writing). */
    public List<NodeProto> nodeProtos() {
        List<NodeProto> l = new ArrayList<>();
        nodes.forEach(n -> l.add(n.proto()));
        return l;
    }

    /** Encodes a weight back to a TensorProto with its original element type. */
    public qsh.core.onnx.proto.OnnxProto.TensorProto weightProto(String name) {
        Object w = weights.get(name);
        int t = weightTypes.getOrDefault(name, 1);
        if (w instanceof Tensor) {
            return t == 10 ? TensorProtos.encodeFloat16(name, (Tensor) w) : TensorProtos.encode(name, (Tensor) w);
        }
        LongTensor l = (LongTensor) w;
        return TensorProtos.encode(name, l, weightTypes.containsKey(name) ? t : l.dataType());
    }
}
