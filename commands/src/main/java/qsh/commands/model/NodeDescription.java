package qsh.commands.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.Format;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.onnx.proto.OnnxProto.AttributeProto;
import qsh.core.workflow.ModelState;

/** One node of the session's model described: what {@code node NAME} and {@code show node NAME} both show. */
public final class NodeDescription {
    private NodeDescription() {}

    /** The node named {@code name}: op, attributes, inputs (weights with shapes), outputs and consumers. */
    public static Result describe(Session session, String name) {
        ModelState m = session.requireModel();
        Graph g = m.graph();
        Node n;
        try {
            n = g.node(name);
        } catch (IllegalArgumentException e) {
            throw new CommandException("no node named '" + name + "'" + qsh.commands.spi.Suggest.hint(name,
                    g.nodes().stream().map(Node::name).toList(), "") + "; 'graph' lists them");
        }
        List<String> lines = new ArrayList<>();
        lines.add(n.name() + ": " + n.opType() + (n.domain().isEmpty() ? "" : " (" + n.domain() + ")"));
        Map<String, Object> attrs = new LinkedHashMap<>();
        for (AttributeProto a : n.attributes().values()) {
            Object v = attrValue(a);
            attrs.put(a.getName(), v);
            lines.add("  attribute " + a.getName() + " = " + v);
        }
        List<Map<String, Object>> ins = new ArrayList<>();
        for (String in : n.inputs()) {
            if (in.isEmpty()) {
                continue;
            }
            Object w = g.weights().get(in);
            int[] s = w != null ? Executor.shapeOf(w) : m.shapes().get(in);
            String from = w != null ? "weight" : g.producer(in) != null ? "from " + g.producer(in).name() : "graph input";
            lines.add("  input  " + in + " " + (s == null ? "?" : Format.shape(s)) + "  (" + from + ")");
            ins.add(Map.of("name", in, "from", from));
        }
        List<Map<String, Object>> outs = new ArrayList<>();
        for (String o : n.outputs()) {
            List<String> cons = g.consumers(o).stream().map(Node::name).toList();
            int[] s = m.shapes().get(o);
            lines.add("  output " + o + " " + (s == null ? "?" : Format.shape(s)) + "  → " + (cons.isEmpty() ? "graph output" : String.join(", ", cons)));
            outs.add(Map.of("name", o, "consumers", cons));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("name", n.name());
        data.put("op", n.opType());
        data.put("attributes", attrs);
        data.put("inputs", ins);
        data.put("outputs", outs);
        return Result.of(data, lines);
    }

    private static Object attrValue(AttributeProto a) {
        switch (a.getType()) {
            case FLOAT: return a.getF();
            case INT: return a.getI();
            case STRING: return a.getS().toStringUtf8();
            case FLOATS: return a.getFloatsList();
            case INTS: return a.getIntsList();
            case STRINGS: return a.getStringsList().stream().map(com.google.protobuf.ByteString::toStringUtf8).toList();
            case TENSOR: return "tensor " + a.getT().getDimsList();
            default: return a.getType().name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
