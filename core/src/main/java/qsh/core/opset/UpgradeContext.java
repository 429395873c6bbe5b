package qsh.core.opset;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import qsh.core.exec.ShapeInference;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.graph.ValueInfo;
import qsh.core.onnx.proto.OnnxProto.AttributeProto;
import qsh.core.onnx.proto.OnnxProto.NodeProto;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.Tensor;

/**
 * The state of one opset upgrade: the source graph, the two opsets, the nodes emitted so far and the initializers
 * the rewrites add (with names no value of the graph uses). Rules read it and emit into it.
 */
final class UpgradeContext {
    final Graph g;
    final long from;
    final long to;
    final List<NodeProto> nodes = new ArrayList<>();
    final Map<String, Object> weights;
    final Map<String, Integer> types;
    private final Set<String> names = new HashSet<>();
    private final Set<String> graphOutputs = new HashSet<>();
    private Map<String, int[]> shapes;

    UpgradeContext(Graph g, long to) {
        this.g = g;
        this.from = g.opset();
        this.to = to;
        this.weights = new LinkedHashMap<>(g.weights());
        this.types = new HashMap<>(g.weightTypes());
        names.addAll(g.weights().keySet());
        g.inputs().forEach(v -> names.add(v.name()));
        for (Node n : g.nodes()) {
            names.add(n.name());
            names.addAll(n.outputs());
        }
        g.outputs().forEach(v -> graphOutputs.add(v.name()));
    }

    /** Whether the op's schema version {@code since} lies in (from, to]: the upgrade crosses that change. */
    boolean crosses(int since) {
        return from < since && since <= to;
    }

    /** A value or node name based on {@code base} that nothing in the graph uses yet. */
    String fresh(String base) {
        String n = base;
        for (int k = 1; names.contains(n); k++) {
            n = base + "_" + k;
        }
        names.add(n);
        return n;
    }

    /** Adds a 1-D int64 initializer (an attribute moved to an input) and returns its name. */
    String int64s(String base, long[] values) {
        String n = fresh(base);
        weights.put(n, LongTensor.of(new int[] {values.length}, values));
        types.put(n, (int) LongTensor.INT64);
        return n;
    }

    /** Adds a float initializer of {@code shape} and returns its name. */
    String floats(String base, int[] shape, float... values) {
        String n = fresh(base);
        weights.put(n, Tensor.of(shape, values));
        types.put(n, 1);
        return n;
    }

    /** Whether some node reads {@code value} or it is a graph output. */
    boolean used(String value) {
        return !value.isEmpty() && (!g.consumers(value).isEmpty() || graphOutputs.contains(value));
    }

    /**
     * The rank of {@code value}, or -1 when unknown. Ranks come from static shape inference with every symbolic
     * input dimension taken as 1 (a rank never depends on the dimension values of these ops).
     */
    int rank(String value) {
        if (shapes == null) {
            Map<String, int[]> in = new HashMap<>();
            for (ValueInfo vi : g.inputs()) {
                int[] s = new int[vi.dims().length];
                for (int i = 0; i < s.length; i++) {
                    s[i] = vi.dims()[i] < 0 ? 1 : Math.toIntExact(vi.dims()[i]);
                }
                in.put(vi.name(), s);
            }
            shapes = ShapeInference.infer(g, in).shapes();
        }
        int[] s = shapes.get(value);
        return s == null ? -1 : s.length;
    }

    /** Emits {@code node} to the upgraded graph. */
    void emit(NodeProto node) {
        nodes.add(node);
    }

    /** An error naming the node and both opsets. */
    IllegalArgumentException cannot(Node n, String why) {
        return new IllegalArgumentException("cannot upgrade node '" + n.name() + "' (" + n.opType() + ") from opset "
                + from + " to " + to + ": " + why);
    }

    /** The builder of {@code n} without the attributes {@code drop}. */
    static NodeProto.Builder without(NodeProto proto, String... drop) {
        Set<String> d = Set.of(drop);
        NodeProto.Builder b = proto.toBuilder().clearAttribute();
        for (AttributeProto a : proto.getAttributeList()) {
            if (!d.contains(a.getName())) {
                b.addAttribute(a);
            }
        }
        return b;
    }

    /** Sets input {@code i} of {@code b} to {@code value}, padding skipped optional inputs with "". */
    static void setInput(NodeProto.Builder b, int i, String value) {
        while (b.getInputCount() <= i) {
            b.addInput("");
        }
        b.setInput(i, value);
    }

    /** Drops trailing empty inputs (omitted optional inputs at the end are left out, not written as ""). */
    static void trimInputs(NodeProto.Builder b) {
        List<String> in = new ArrayList<>(b.getInputList());
        while (!in.isEmpty() && in.get(in.size() - 1).isEmpty()) {
            in.remove(in.size() - 1);
        }
        b.clearInput().addAllInput(in);
    }

    /** An INT attribute. */
    static AttributeProto intAttr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    /** A STRING attribute. */
    static AttributeProto stringAttr(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(v)).build();
    }
}
