package qsh.commands.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import qsh.commands.spi.Format;
import qsh.core.workflow.ModelState;
import qsh.commands.spi.ArgKind;
import qsh.commands.spi.ArgSpec;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.core.calib.CalibrationInputs;
import qsh.core.calib.InputList;
import qsh.core.exec.Cancelled;
import qsh.core.metrics.LayerErrors;
import qsh.core.sim.QdqGraphBuilder;

/**
 * {@code compare INPUT_LIST}: per-layer SQNR between the float and the quantized model, worst first, and which
 * error source dominates each layer — measured by two more simulations, one with only the weights quantized
 * and one with only the activations quantized (the lower SQNR of the two is the dominant source).
 */
public final class CompareCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("compare", "quantization",
            "per-layer SQNR of the quantized model vs float, worst first; weights or activations dominate?", List.of(ArgSpec.of("INPUT_LIST", ArgKind.FILE)),
            List.of(OptionSpec.integer("limit", "N", "use the first N lines of the list").defaults(16).atLeast(1),
                    OptionSpec.integer("top", "N", "rows to print (default {default}; --json has all)").defaults(12).atLeast(1),
                    OptionSpec.file("png", "FILE.png", "also draw the SQNR of every layer as bars")),
            List.of("calibrate scripts/data/demo/input_list.txt; compare scripts/data/demo/input_list.txt", "compare scripts/data/demo/input_list.txt --limit 100 --top 30"),
            List.of("calibrate", "evaluate", "eval"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        String file = args.positional(0, "an input list (compare needs real inputs)");
        args.atMost(1);
        ModelState m = session.requireModel();
        if (!m.quantized()) {
            throw new CommandException("the model is not quantized: run calibrate first");
        }
        CalibrationInputs inputs = new CalibrationInputs(InputList.read(session.resolve(file)), CalibrationInputs.shapesOf(m.graph()));
        int n = Math.min(inputs.size(), args.getInt("limit"));
        Set<String> tensors = new LinkedHashSet<>(m.plan().activations().keySet());
        LayerErrors errors = new LayerErrors(m.graph(), List.of(m.simulated(),
                QdqGraphBuilder.build(m.graph(), m.plan().weightsOnly(), true),
                QdqGraphBuilder.build(m.graph(), m.plan().activationsOnly(), true)), tensors);
        var progress = session.progress("compare", n);
        for (int i = 0; i < n; i++) {
            if (Cancelled.requested()) {
                throw new Cancelled("compare interrupted after " + i + " of " + n + " inputs");
            }
            errors.add(inputs.load(i));
            progress.accept(i + 1);
        }
        List<LayerErrors.Row> rows = errors.rows();
        int top = args.getInt("top");
        List<String> lines = new ArrayList<>();
        lines.add(String.format("per-layer SQNR over %d input(s), %s, worst first (dB; higher is better)", n, m.plan().label()));
        lines.add(String.format("  %-48s %8s %9s %9s  %-11s", "tensor", "SQNR", "w-only", "a-only", "dominated by"));
        List<Map<String, Object>> json = new ArrayList<>();
        for (LayerErrors.Row r : rows) {
            double[] d = r.sqnrDb();
            String dom = d[1] < d[2] ? "weights" : "activations";
            if (lines.size() - 2 < top) {
                lines.add(String.format("  %-48s %8s %9s %9s  %-11s %s", Format.tail(r.tensor(), 48), db(d[0]), db(d[1]), db(d[2]),
                        dom, bar(d[0])));
            }
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("tensor", r.tensor());
            o.put("sqnr_db", finite(d[0]));
            o.put("weights_only_db", finite(d[1]));
            o.put("activations_only_db", finite(d[2]));
            o.put("dominated_by", dom);
            json.add(o);
        }
        if (rows.size() > top) {
            lines.add("  … " + (rows.size() - top) + " more (--top N, or --json)");
        }
        if (args.get("png").isPresent()) {
            List<String> names = new ArrayList<>();
            double[][] db = new double[rows.size()][];
            for (int i = 0; i < rows.size(); i++) {
                String label = qsh.commands.spi.Charts.shortLabel(rows.get(i).tensor());
                names.add(names.contains(label) ? label + " #" + i : label);
                db[i] = rows.get(i).sqnrDb();
            }
            qsh.commands.spi.Charts.sqnrBars(session.resolve(args.get("png").get()), "per-layer SQNR vs float, "
                    + m.plan().label(), names, List.of("quantized", "weights only", "activations only"), db);
            lines.add("  drew " + args.get("png").get());
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("inputs", n);
        data.put("layers", json);
        return Result.of(data, lines);
    }


    private static String db(double v) {
        return Double.isInfinite(v) ? "exact" : String.format("%.1f", v);
    }

    private static Object finite(double v) {
        return Double.isInfinite(v) ? null : v;
    }

    /** One block per 5 dB up to 60 dB: a quick visual of how much signal survives. */
    private static String bar(double v) {
        int k = Double.isInfinite(v) ? 12 : (int) Math.max(0, Math.min(12, Math.round(v / 5)));
        return "█".repeat(k);
    }
}
