package qsh.commands.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.commands.spi.Format;
import qsh.commands.spi.ModelLoader;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.graph.InputDims;
import qsh.core.graph.Node;
import qsh.core.graph.ValueInfo;
import qsh.core.workflow.ModelState;

/**
 * Loading a model into the session, with typed arguments: what {@code load} and JavaScript's {@code qsh.load} both
 * call. The new model replaces the old one and the undo history (it belonged to the old model).
 */
public final class Loading {
    private Loading() {}

    /**
     * Loads {@code what} (a file, resolved against the session's folder, or "demo") with its input dims bound by
     * {@code inputDims} ({@code NAME DIMS} pairs as {@code --input_dim} gives them); returns the summary.
     */
    public static Result load(Session session, String what, List<String> inputDims, boolean noSimplification) {
        // the file resolves against the script's folder; the model is named as typed (stable transcripts)
        InputDims.Binding b = ModelLoader.loadBound(what.equals("demo") ? what : session.resolve(what).toString(),
                inputDims, noSimplification);
        session.model(ModelState.loaded(b.graph(), what));
        session.clearUndo();
        Result r = summary(b.graph(), what);
        if (b.notes().isEmpty()) {
            return r;
        }
        List<String> lines = new ArrayList<>(r.lines());
        b.notes().forEach(n -> lines.add("  " + n));
        @SuppressWarnings("unchecked")
        Map<String, Object> data = new LinkedHashMap<>((Map<String, Object>) r.data());
        data.put("notes", b.notes());
        return Result.of(data, lines);
    }

    /** The model summary shown by load (inputs, outputs, op counts, parameters, opset, unsupported ops). */
    static Result summary(Graph g, String source) {
        List<String> lines = new ArrayList<>();
        Map<String, Object> data = new LinkedHashMap<>();
        lines.add("loaded " + source + ": " + g.nodes().size() + " nodes, " + g.parameterCount() + " parameters ("
                + bytes(g.parameterBytes()) + "), opset " + g.opset());
        List<Map<String, Object>> ins = new ArrayList<>();
        for (ValueInfo v : g.inputs()) {
            lines.add("  input   " + v.name() + " " + v.typeName() + " " + v.shapeString() + declared(g, v));
            ins.add(Map.of("name", v.name(), "type", v.typeName(), "shape", v.dims()));
        }
        List<Map<String, Object>> outs = new ArrayList<>();
        for (ValueInfo v : g.outputs()) {
            lines.add("  output  " + v.name() + " " + v.typeName() + " " + v.shapeString());
            outs.add(Map.of("name", v.name(), "type", v.typeName(), "shape", v.dims()));
        }
        StringBuilder ops = new StringBuilder("  ops     ");
        g.opCounts().forEach((k, v) -> ops.append(k).append(" ×").append(v).append("  "));
        lines.add(ops.toString().stripTrailing());
        List<Node> unsupported = Executor.unsupported(g);
        if (!unsupported.isEmpty()) {
            lines.add("  unsupported by the executor: " + unsupported.stream().map(Node::toString).distinct().limit(8).toList());
        }
        data.put("source", source);
        data.put("opset", g.opset());
        data.put("nodes", g.nodes().size());
        data.put("parameters", g.parameterCount());
        data.put("parameter_bytes", g.parameterBytes());
        data.put("inputs", ins);
        data.put("outputs", outs);
        data.put("op_counts", g.opCounts());
        data.put("unsupported", unsupported.stream().map(n -> Map.of("node", n.name(), "op", n.opType())).toList());
        return Result.of(data, lines);
    }

    /** " (declared [batch, 3, 224, 224])" when binding changed what the file declares, else "". */
    static String declared(Graph g, ValueInfo v) {
        for (var d : g.declaredInputs()) {
            ValueInfo dv = ValueInfo.of(d);
            if (dv.name().equals(v.name()) && !java.util.Arrays.equals(dv.dims(), v.dims())) {
                return " (declared " + dv.shapeString() + ")";
            }
        }
        return "";
    }

    static String bytes(long b) {
        return b < 10_000 ? b + " B" : b < 10_000_000 ? Format.num(b / 1024.0).replaceAll("\\.\\d+$", "") + " KiB"
                : Format.num(b / 1048576.0).replaceAll("(\\.\\d)\\d*$", "$1") + " MiB";
    }
}
