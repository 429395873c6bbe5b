package qsh.commands.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.commands.spi.Args;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.EncodingText;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.commands.spi.ShapeProbe;
import qsh.core.calib.CalibrationInputs;
import qsh.core.calib.InputList;
import qsh.core.sim.EncodingsJson;
import qsh.core.sim.EncodingsVersion;
import qsh.core.sim.ModelQuantizer;
import qsh.core.sim.QuantConfig;
import qsh.core.sim.QuantOverrides;
import qsh.core.sim.QuantizationPlan;
import qsh.core.sim.TensorPrecision;
import qsh.core.workflow.ModelState;

/**
 * Quantizing the session's model ({@link ModelState#calibrate}, {@link ModelState#floatFallback}) with typed
 * arguments: what {@code calibrate} and JavaScript's {@code qsh.calibrate} both call, so the session changes the
 * same way (the model, and an undo step when the converter folded batch norms) and the result is the same.
 */
public final class Calibration {
    private Calibration() {}

    /**
     * What to calibrate with.
     *
     * @param inputList       the input list as typed (resolved against the session's folder), or null for float fallback
     * @param config          bitwidths, quantizers, per-channel/per-row, the session's encoder options
     * @param converter       the converter's steps before planning (batch-norm folding)
     * @param ignoreOverrides plan without the overrides of {@code encodings load}
     * @param explain         add each step's numbers to the lines
     * @param save            an encodings JSON file to write, or null
     * @param version         its format version
     */
    public record Request(String inputList, QuantConfig config, ModelQuantizer.Converter converter, boolean ignoreOverrides,
                          boolean explain, String save, EncodingsVersion version) {}

    /** The request {@code calibrate}'s arguments describe (typed words, or {@link Args#of} for a JS call). */
    public static Request request(Args args, Session session) {
        boolean fallback = args.has("float-fallback");
        if (fallback == !args.positional().isEmpty()) {
            throw new CommandException(fallback ? "--float-fallback and an input list exclude each other: give one"
                    : "give an input list (calibration data) or --float-fallback");
        }
        args.atMost(1);
        return new Request(fallback ? null : args.positional(0, "an input list file"), QuantOptions.config(args, session),
                QuantOptions.converter(args, false), args.has("ignore-overrides"), args.has("explain"),
                args.get("save").orElse(null), EncodingsVersion.parse(args.getOrDefault("version")));
    }

    /** Calibrates the session's model as {@code r} asks; the session's model becomes the quantized one. */
    public static Result run(Session session, Request r) {
        boolean fallback = r.inputList() == null;
        ModelState m = session.requireModel();
        QuantConfig cfg = r.config();
        QuantOverrides ov = r.ignoreOverrides() ? QuantOverrides.EMPTY : m.overrides();
        ModelState.Step<ModelQuantizer.Outcome> step;
        List<String> requested = List.of();
        try {
            if (fallback) {
                step = m.floatFallback(r.converter(), ShapeProbe.randomInputs(m.graph(), 1, null), cfg, ov);
            } else {
                InputList list = InputList.read(session.resolve(r.inputList()));
                CalibrationInputs inputs = CalibrationInputs.forGraph(list, m.graph());
                var outputs = ListOutputs.apply(m.graph(), list, inputs); // the list's '#'/'%' output lines
                m = outputs.graph() == m.graph() ? m : m.withGraph(outputs.graph());
                requested = ListOutputs.describe(outputs);
                step = m.calibrate(r.converter(), inputs, cfg, ov, session.progress("calibrate", inputs.size()));
            }
        } catch (IllegalStateException e) {
            throw new CommandException(e.getMessage());
        }
        ModelQuantizer.Outcome out = step.result();
        String saved = r.save();
        if (saved != null) {
            EncodingsJson.write(session.resolve(saved), out.plan().encodings(), r.version());
        }
        if (out.folds().isEmpty()) {
            session.model(step.state());
        } else { // the converter's batch-norm folding changed the model: undo gives back the model with its batch norms
            session.transform(step.state(), "calibrate (its batch-norm folding of " + out.folds().size() + " batch norms, and the calibration)");
        }
        Result res = summary(m, out, cfg, saved, fallback, session.columns());
        if (!requested.isEmpty()) {
            List<String> withRequested = new ArrayList<>(res.lines());
            withRequested.addAll(1, requested);
            res = Result.of(res.data(), withRequested);
        }
        if (!r.explain()) {
            return res;
        }
        List<String> lines = new ArrayList<>(res.lines());
        lines.addAll(CalibrateExplanation.lines(out.graph(), out, cfg, ov));
        return Result.of(res.data(), lines);
    }

    /**
     * Why an INT32 op costs accuracy, in numbers a replayed lesson prints: Cast(INT32) keeps only the integer part of
     * each input (toward zero, as ONNX Runtime's Cast does), so an input that spans a few units keeps a handful of
     * values where its 8-bit grid had 256 (spec, "Quantization Overrides": INT32 is for ops without weights).
     */
    static String int32Cost(qsh.core.graph.Graph g, QuantizationPlan p, String op) {
        List<String> spans = new ArrayList<>();
        for (String in : g.node(op).inputs()) {
            TensorPrecision t = in.isEmpty() ? null : p.activations().get(in);
            if (t != null && t.isInt() && !t.perChannel()) {
                double lo = t.encoding().min();
                double hi = t.encoding().max();
                long values = (long) (hi >= 0 ? Math.floor(hi) : Math.ceil(hi)) - (long) (lo >= 0 ? Math.floor(lo) : Math.ceil(lo)) + 1;
                spans.add(values + " of " + (1L << t.bitwidth()) + " values in [" + qsh.commands.spi.Format.num(lo) + ", "
                        + qsh.commands.spi.Format.num(hi) + "]");
            }
        }
        return "  INT32 op " + op + ": Cast(INT32) truncates each input to an integer (0.7 → 0)"
                + (spans.isEmpty() ? "" : "; its inputs keep " + String.join(" and ", spans)) + ". Activations of a few"
                + " units lose most of their information: expect a large accuracy drop. INT32 is meant for ops that"
                + " compute on integers (indices, counts)";
    }

    private static Result summary(ModelState m, ModelQuantizer.Outcome out, QuantConfig cfg, String saved, boolean fallback,
                                  int columns) {
        QuantizationPlan p = out.plan();
        List<String> lines = new ArrayList<>();
        long intActs = p.activations().values().stream().filter(TensorPrecision::isInt).count();
        long intParams = p.params().values().stream().filter(TensorPrecision::isInt).count();
        lines.add("calibrate " + m.source() + (fallback ? " without data" : " on " + out.calibrationInputs()
                + " input(s)") + ": " + p.label());
        if (!out.folds().isEmpty()) {
            lines.add("  folded " + out.folds().size() + " batch norm" + (out.folds().size() == 1 ? "" : "s") + " into the layer"
                    + (out.folds().size() == 1 ? "" : "s") + " before " + (out.folds().size() == 1 ? "it" : "them")
                    + " first, as QNN's converter does (--disable-batchnorm-folding keeps them; undo restores them)");
        }
        lines.add("  " + intActs + " of " + p.activations().size() + " activations and " + intParams + " of "
                + p.params().size() + " weights/biases quantized; " + p.fused().size() + " fused into their op; "
                + p.converts().size() + " convert op(s)");
        int shown = 0;
        for (Map.Entry<String, TensorPrecision> e : p.activations().entrySet()) {
            if (shown++ >= 6) {
                lines.add("  … " + (p.activations().size() - 6) + " more ('encodings show' lists all)");
                break;
            }
            lines.add(String.format("  %-40s %s", e.getKey(), EncodingText.describe(e.getValue())));
        }
        for (QuantizationPlan.ConvertOp c : p.converts()) {
            lines.add("  convert " + c.describe());
        }
        for (String op : p.int32Ops()) {
            lines.addAll(qsh.commands.spi.TextFit.wrap(int32Cost(out.graph(), p, op), 4, columns));
        }
        for (String w : p.warnings()) {
            lines.add("  warning: " + w);
        }
        if (saved != null) {
            lines.add("  wrote " + saved);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("inputs", out.calibrationInputs());
        data.put("config", p.label());
        data.put("folded_batch_norms", out.folds().stream().map(f -> Map.of("batch_norm", f.batchNorm(), "layer", f.layer())).toList());
        data.put("activation_encodings", EncodingText.json(p.encodings().activations()));
        data.put("param_encodings", EncodingText.json(p.encodings().params()));
        data.put("converts", p.converts().stream().map(QuantizationPlan.ConvertOp::describe).toList());
        data.put("warnings", p.warnings());
        return Result.of(data, lines);
    }
}
