package qsh.core.opset;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.onnx.proto.OnnxProto.ModelProto;
import qsh.core.onnx.proto.OnnxProto.NodeProto;
import qsh.core.onnx.proto.OnnxProto.OperatorSetIdProto;
import qsh.core.schema.OpSchemas;
import qsh.core.schema.SchemaCheck;

/**
 * Raises a graph's default-domain opset and rewrites every node whose operator schema changed in between into the
 * target opset's form ({@link InputFormRules}: attributes that became inputs; {@link SemanticRules}: Dropout,
 * Upsample → Resize, BatchNormalization, Softmax, legacy broadcasting, ...). Value names stay, so encodings and
 * quantization plans keyed by value name still apply; added inputs are initializers. Every rewritten node is then
 * checked against the target's schema ({@link SchemaCheck}), so a node qsh cannot express there is an error here,
 * never a model ONNX Runtime rejects.
 */
public final class OpsetUpgrader {
    /** Attributes that disappeared without replacement (consumed_inputs at 6, is_test at 7): dropped. */
    private static final Set<String> OBSOLETE = Set.of("consumed_inputs", "is_test");

    private OpsetUpgrader() {}

    /**
     * {@code g} at opset {@code target}: unchanged when its opset is already at least {@code target}. Throws an
     * {@link IllegalArgumentException} naming the node when a node cannot be written at {@code target}.
     */
    public static Graph upgrade(Graph g, long target) {
        long from = g.opset();
        if (target <= from) {
            return g;
        }
        UpgradeContext c = new UpgradeContext(g, target);
        for (Node n : g.nodes()) {
            if (!(n.domain().isEmpty() || n.domain().equals("ai.onnx"))) {
                c.emit(n.proto());
                continue;
            }
            int before = c.nodes.size();
            if (!SemanticRules.apply(n, c)) {
                NodeProto p = InputFormRules.apply(n, c);
                c.emit(p != null ? p : n.proto());
            }
            for (int i = before; i < c.nodes.size(); i++) {
                NodeProto p = dropObsolete(c.nodes.get(i), target);
                c.nodes.set(i, p);
                String problem = SchemaCheck.problem(new Node(p, n.name()), target);
                if (problem != null) {
                    throw c.cannot(n, problem);
                }
            }
        }
        List<Node> nodes = new ArrayList<>();
        Set<String> read = new HashSet<>();
        for (NodeProto p : c.nodes) {
            nodes.add(new Node(p, p.getOpType() + "_" + nodes.size()));
            read.addAll(p.getInputList());
        }
        g.outputs().forEach(v -> read.add(v.name()));
        // a weight only a rewritten node read (a legacy-broadcast operand now reshaped) goes with it
        Set<String> dropped = new HashSet<>();
        for (String w : g.weights().keySet()) {
            if (!read.contains(w) && !g.consumers(w).isEmpty()) {
                dropped.add(w);
            }
        }
        c.weights.keySet().removeAll(dropped);
        c.types.keySet().removeAll(dropped);
        return g.derived(meta(g, target, nodes, dropped), nodes, c.weights, c.types, "upgraded model");
    }

    private static NodeProto dropObsolete(NodeProto p, long target) {
        OpSchemas.Version v = OpSchemas.at(p.getOpType(), target);
        if (v == null) {
            return p;
        }
        List<String> drop = new ArrayList<>();
        p.getAttributeList().forEach(a -> {
            if (OBSOLETE.contains(a.getName()) && !v.attributes().contains(a.getName())) {
                drop.add(a.getName());
            }
        });
        return drop.isEmpty() ? p : UpgradeContext.without(p, drop.toArray(new String[0])).build();
    }

    /**
     * The model header at {@code target}: the default-domain import raised, the IR version raised to the one that
     * opset needs (ONNX's versioning table: opset 13 → IR 7, 21 → IR 10), value infos of values that no longer exist
     * and inputs naming dropped weights left out.
     */
    private static ModelProto meta(Graph g, long target, List<Node> nodes, Set<String> droppedWeights) {
        ModelProto m = g.meta();
        ModelProto.Builder mb = m.toBuilder().clearOpsetImport();
        boolean found = false;
        for (OperatorSetIdProto o : m.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                found = true;
                mb.addOpsetImport(o.toBuilder().setVersion(Math.max(o.getVersion(), target)));
            } else {
                mb.addOpsetImport(o);
            }
        }
        if (!found) {
            mb.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(target));
        }
        mb.setIrVersion(Math.max(m.getIrVersion(), irVersionFor(target)));
        Set<String> alive = new HashSet<>(g.weights().keySet());
        nodes.forEach(n -> alive.addAll(n.outputs()));
        g.inputs().forEach(v -> alive.add(v.name()));
        var gb = mb.getGraph().toBuilder().clearValueInfo().clearInput();
        for (var vi : m.getGraph().getInputList()) {
            if (!droppedWeights.contains(vi.getName())) { // old models also list their initializers as inputs
                gb.addInput(vi);
            }
        }
        for (var vi : m.getGraph().getValueInfoList()) {
            if (alive.contains(vi.getName())) {
                gb.addValueInfo(vi);
            }
        }
        return mb.setGraph(gb).build();
    }

    /** The lowest IR version that may import {@code opset} (ONNX docs/Versioning.md, released versions table). */
    static long irVersionFor(long opset) {
        if (opset <= 8) {
            return 3;
        }
        if (opset == 9) {
            return 4;
        }
        if (opset == 10) {
            return 5;
        }
        if (opset == 11) {
            return 6;
        }
        if (opset <= 14) {
            return 7;
        }
        if (opset <= 18) {
            return 8;
        }
        if (opset <= 20) {
            return 9;
        }
        return opset <= 22 ? 10 : 11;
    }
}
