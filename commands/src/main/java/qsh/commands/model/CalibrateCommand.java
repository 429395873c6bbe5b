package qsh.commands.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.core.workflow.ModelState;
import qsh.commands.spi.ArgKind;
import qsh.commands.spi.ArgSpec;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.EncodingText;
import qsh.commands.spi.OptionSpec;
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

/**
 * {@code calibrate LIST}: the spec's "Quantizing a Model" — runs the float model over an input list with
 * streaming statistics, then decides every tensor's precision (act/weight/bias bitwidths, quantizers,
 * per-channel weights, the overrides of {@code encodings load}, mixed-precision rules and convert ops) and builds
 * the simulation graph. {@code --float-fallback} does it without data: only overridden tensors are quantized.
 */
public final class CalibrateCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("calibrate", "quantization",
            "quantize the model: calibrate on an input list (or --float-fallback), apply overrides, plan every tensor",
            List.of(ArgSpec.of("INPUT_LIST", ArgKind.FILE).asOptional()),
            OptionSpec.concat(QuantOptions.SPECS, List.of(
                    OptionSpec.flag("float-fallback", "no input list: quantize only tensors with an override encoding"),
                    OptionSpec.flag("ignore-overrides", "ignore the overrides loaded with 'encodings load'"),
                    OptionSpec.flag("explain", "show each step with its numbers: statistics, fusion, encodings, bias rule, overrides, convert ops"),
                    OptionSpec.file("save", "FILE.json", "write the encodings as AIMET encodings JSON"),
                    OptionSpec.choice("version", "encodings JSON version for --save", "0.4.0", "0.5.0", "0.6.1", "1.0.0")
                            .defaults(EncodingsVersion.V0_6_1.text()))),
            List.of("calibrate scripts/data/demo/input_list.txt", "calibrate scripts/data/demo/input_list.txt --per-channel --bias-bw 32",
                    "calibrate scripts/data/demo/input_list.txt --act-bw 16 --save /tmp/enc.json", "calibrate --float-fallback"),
            List.of("encodings", "evaluate", "compare", "export"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        boolean fallback = args.has("float-fallback");
        if (fallback == !args.positional().isEmpty()) {
            throw new CommandException(fallback ? "--float-fallback and an input list exclude each other: give one"
                    : "give an input list (calibration data) or --float-fallback");
        }
        args.atMost(1);
        ModelState m = session.requireModel();
        QuantConfig cfg = QuantOptions.config(args, session);
        QuantOverrides ov = args.has("ignore-overrides") ? QuantOverrides.EMPTY : m.overrides();
        ModelQuantizer.Converter converter = QuantOptions.converter(args, false);
        ModelState.Step<ModelQuantizer.Outcome> step;
        List<String> requested = List.of();
        try {
            if (fallback) {
                step = m.floatFallback(converter, ShapeProbe.randomInputs(m.graph(), 1, null), cfg, ov);
            } else {
                String file = args.positional(0, "an input list file");
                InputList list = InputList.read(session.resolve(file));
                CalibrationInputs inputs = CalibrationInputs.forGraph(list, m.graph());
                var outputs = ListOutputs.apply(m.graph(), list, inputs); // the list's '#'/'%' output lines
                m = outputs.graph() == m.graph() ? m : m.withGraph(outputs.graph());
                requested = ListOutputs.describe(outputs);
                step = m.calibrate(converter, inputs, cfg, ov, session.progress("calibrate", inputs.size()));
            }
        } catch (IllegalStateException e) {
            throw new CommandException(e.getMessage());
        }
        ModelQuantizer.Outcome out = step.result();
        String saved = args.get("save").orElse(null);
        if (saved != null) {
            EncodingsJson.write(session.resolve(saved), out.plan().encodings(), EncodingsVersion.parse(args.get("version").orElse("0.6.1")));
        }
        if (out.folds().isEmpty()) {
            session.model(step.state());
        } else { // the converter's batch-norm folding changed the model: undo gives back the model with its batch norms
            session.transform(step.state(), "calibrate (its batch-norm folding of " + out.folds().size() + " batch norms, and the calibration)");
        }
        Result r = summary(m, out, cfg, saved, fallback, session.columns());
        if (!requested.isEmpty()) {
            List<String> withRequested = new ArrayList<>(r.lines());
            withRequested.addAll(1, requested);
            r = Result.of(r.data(), withRequested);
        }
        if (!args.has("explain")) {
            return r;
        }
        List<String> lines = new ArrayList<>(r.lines());
        lines.addAll(CalibrateExplanation.lines(out.graph(), out, cfg, ov));
        return Result.of(r.data(), lines);
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
