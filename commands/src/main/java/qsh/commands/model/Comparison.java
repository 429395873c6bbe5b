package qsh.commands.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import qsh.commands.spi.Args;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.Format;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.core.calib.CalibrationInputs;
import qsh.core.calib.InputList;
import qsh.core.exec.Cancelled;
import qsh.core.metrics.LayerErrors;
import qsh.core.sim.QdqGraphBuilder;
import qsh.core.workflow.ModelState;

/**
 * Per-layer SQNR of the session's quantized model against float, with typed arguments: what {@code compare} and
 * JavaScript's {@code qsh.compare} both call, so both read the same inputs and give the same rows and data. Which
 * error source dominates a layer is measured by two more simulations, one with only the weights quantized and one
 * with only the activations quantized (the lower SQNR of the two is the dominant source).
 */
public final class Comparison {
    private Comparison() {}

    /**
     * What to compare on.
     *
     * @param inputList the input list as typed (resolved against the session's folder)
     * @param limit     how many of its inputs are used
     * @param top       rows shown (the data has all)
     * @param png       a bar chart to draw (as typed), or null
     */
    public record Request(String inputList, int limit, int top, String png) {}

    /** The request {@code compare}'s arguments describe (typed words, or {@link Args#of} for a JS call). */
    public static Request request(Args args) {
        String file = args.positional(0, "an input list (compare needs real inputs)");
        args.atMost(1);
        return new Request(file, args.getInt("limit"), args.getInt("top"), args.get("png").orElse(null));
    }

    /** Compares the session's quantized model with its float model on {@code r}'s inputs; the session is unchanged. */
    public static Result run(Session session, Request r) {
        ModelState m = session.requireModel();
        if (!m.quantized()) {
            throw new CommandException("the model is not quantized: run calibrate first");
        }
        CalibrationInputs inputs = new CalibrationInputs(InputList.read(session.resolve(r.inputList())), CalibrationInputs.shapesOf(m.graph()));
        int n = Math.min(inputs.size(), r.limit());
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
        int top = r.top();
        List<String> lines = new ArrayList<>();
        lines.add(String.format("per-layer SQNR over %d input(s), %s, worst first (dB; higher is better)", n, m.plan().label()));
        lines.add(String.format("  %-48s %8s %9s %9s  %-11s", "tensor", "SQNR", "w-only", "a-only", "dominated by"));
        List<Map<String, Object>> json = new ArrayList<>();
        for (LayerErrors.Row row : rows) {
            double[] d = row.sqnrDb();
            String dom = d[1] < d[2] ? "weights" : "activations";
            if (lines.size() - 2 < top) {
                lines.add(String.format("  %-48s %8s %9s %9s  %-11s %s", Format.tail(row.tensor(), 48), db(d[0]), db(d[1]), db(d[2]),
                        dom, bar(d[0])));
            }
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("tensor", row.tensor());
            o.put("sqnr_db", finite(d[0]));
            o.put("weights_only_db", finite(d[1]));
            o.put("activations_only_db", finite(d[2]));
            o.put("dominated_by", dom);
            json.add(o);
        }
        if (rows.size() > top) {
            lines.add("  … " + (rows.size() - top) + " more (--top N, or --json)");
        }
        if (r.png() != null) {
            List<String> names = new ArrayList<>();
            double[][] db = new double[rows.size()][];
            for (int i = 0; i < rows.size(); i++) {
                String label = qsh.commands.spi.Charts.shortLabel(rows.get(i).tensor());
                names.add(names.contains(label) ? label + " #" + i : label);
                db[i] = rows.get(i).sqnrDb();
            }
            qsh.commands.spi.Charts.sqnrBars(session.resolve(r.png()), "per-layer SQNR vs float, "
                    + m.plan().label(), names, List.of("quantized", "weights only", "activations only"), db);
            lines.add("  drew " + r.png());
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
