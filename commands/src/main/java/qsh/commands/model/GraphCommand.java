package qsh.commands.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.commands.spi.Format;
import qsh.commands.spi.TextFit;
import qsh.commands.spi.ShapeProbe;
import qsh.core.workflow.ModelState;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.core.exec.Executor;
import qsh.core.exec.ops.Ops;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;

/** {@code graph}: the nodes in topological order with op, activation shapes and parameter shapes. */
public final class GraphCommand implements Command {
    /** The widest name and op columns; a longer name takes a line of its own. */
    private static final int NAME_COLUMN = 28;
    private static final int OP_COLUMN = 18;
    /** Where the continuation lines of a node start: under its name, two columns in. */
    private static final int CONTINUATION = 8;
    private static final CommandSpec SPEC = new CommandSpec("graph", "model",
            "list the model's nodes in order: op, input/output shapes, parameter shapes",
            List.of(), List.of(OptionSpec.value("op", "TYPE", "only nodes of this op type")),
            List.of("graph", "graph --op Conv", "graph --json"), List.of("load", "node", "infer"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        args.atMost(0);
        ModelState m = session.requireModel();
        Graph g = m.graph();
        Map<String, int[]> shapes;
        String note = null;
        try {
            shapes = ShapeProbe.shapes(m);
            if (m.shapes().isEmpty()) {
                session.model(m.withRun(shapes, m.activations()));
            }
        } catch (Executor.ExecutionException e) {
            shapes = ShapeProbe.staticShapes(g); // what inference knows without running
            note = "activation shapes unknown where inference cannot tell: " + e.getMessage();
        }
        String only = args.get("op").orElse(null);
        List<String> lines = new ArrayList<>();
        List<Map<String, Object>> nodes = new ArrayList<>();
        int columns = session.columns();
        // Column widths from the rows shown (a name longer than its column gets a line of its own), so that on a
        // terminal of any width no row wraps: what does not fit after the name moves to indented lines below it.
        int nameWidth = 0;
        int opWidth = 0;
        for (Node n : g.nodes()) {
            if (only == null || n.opType().equalsIgnoreCase(only)) {
                nameWidth = Math.max(nameWidth, TextFit.width(n.name()));
                opWidth = Math.max(opWidth, TextFit.width(n.opType()));
            }
        }
        nameWidth = Math.min(nameWidth, Math.min(NAME_COLUMN, columns / 3));
        opWidth = Math.min(opWidth, OP_COLUMN);
        int i = 0;
        for (Node n : g.nodes()) {
            i++;
            if (only != null && !n.opType().equalsIgnoreCase(only)) {
                continue;
            }
            List<String> acts = new ArrayList<>();
            List<String> params = new ArrayList<>();
            for (String in : n.inputs()) {
                if (in.isEmpty()) {
                    continue;
                }
                Object w = g.weights().get(in);
                if (w != null) {
                    params.add(Format.shape(Executor.shapeOf(w)));
                } else {
                    acts.add(shapes.containsKey(in) ? Format.shape(shapes.get(in)) : "?");
                }
            }
            String out = n.outputs().isEmpty() || !shapes.containsKey(n.outputs().get(0)) ? "?" : Format.shape(shapes.get(n.outputs().get(0)));
            boolean ok = Ops.get(n.domain(), n.opType()) != null;
            var plan = m.plan();
            if (plan != null) { // convert ops sit on the edges into this node (spec, "Mixed Precision")
                for (var c : plan.converts()) {
                    if (c.consumer().equals(n.name())) {
                        lines.addAll(TextFit.pack("      ⇄ convert " + TextFit.middle(c.tensor(), columns - 17) + ":",
                                List.of(c.from().describe() + " → " + c.to().describe()), " ", CONTINUATION + 2, columns));
                    }
                }
            }
            String precision = plan == null || plan.ops().get(n.name()) == null ? ""
                    : plan.int32Ops().contains(n.name()) ? "[int32: Cast(INT32) in, Cast(FP32) out]"
                    : "[" + plan.ops().get(n.name()).describe() + "]";
            List<String> pieces = new ArrayList<>();
            String head = String.format("  %3d ", i);
            if (TextFit.width(n.name()) <= nameWidth) {
                head += TextFit.pad(n.name(), nameWidth) + " " + TextFit.pad(n.opType(), opWidth);
            } else { // the name alone on its line (cut in the middle only if the terminal is narrower), the op below
                String nameLine = head + TextFit.middle(n.name(), columns - TextFit.width(head));
                if (!precision.isEmpty() && TextFit.width(nameLine) + 3 + TextFit.width(precision) <= columns) {
                    nameLine += "   " + precision; // the precision stays at the right of the node's first line
                    precision = "";
                }
                lines.add(nameLine);
                head = " ".repeat(CONTINUATION) + n.opType();
            }
            String shapesInOut = String.join(", ", acts) + " → " + out;
            if (TextFit.width(head) + 1 + TextFit.width(shapesInOut) <= columns) {
                head += " " + shapesInOut;
            } else {
                pieces.add(shapesInOut);
            }
            pieces.add(params.isEmpty() ? "" : "params " + String.join(" ", params));
            pieces.add(precision);
            pieces.add(ok ? "" : "✗ unsupported");
            lines.addAll(TextFit.pack(head, pieces, "   ", CONTINUATION, columns));
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("index", i);
            d.put("name", n.name());
            d.put("op", n.opType());
            d.put("inputs", n.inputs());
            d.put("outputs", n.outputs());
            d.put("output_shape", n.outputs().isEmpty() ? null : shapes.get(n.outputs().get(0)));
            d.put("supported", ok);
            if (plan != null && plan.ops().get(n.name()) != null) {
                d.put("precision", plan.ops().get(n.name()).describe());
            }
            nodes.add(d);
        }
        if (note != null) {
            lines.addAll(TextFit.wrap("  (" + note + ")", 3, columns));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("source", m.source());
        data.put("nodes", nodes);
        return Result.of(data, lines);
    }
}
