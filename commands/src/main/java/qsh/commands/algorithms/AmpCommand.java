package qsh.commands.algorithms;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleFunction;
import java.util.function.ToDoubleFunction;
import qsh.commands.spi.Charts;
import qsh.commands.spi.Format;
import qsh.core.workflow.ModelState;
import qsh.commands.model.FashionMnistImages;
import qsh.commands.spi.ArgKind;
import qsh.commands.spi.ArgSpec;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.commands.spi.ShapeProbe;
import qsh.core.amp.MixedPrecisionSearch.Candidate;
import qsh.core.amp.MixedPrecisionSearch;
import qsh.core.calib.CalibrationInputs;
import qsh.core.calib.CalibrationStatistics;
import qsh.core.calib.Calibrator;
import qsh.core.calib.InputList;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.io.AtomicFile;
import qsh.core.metrics.TopK;
import qsh.core.sim.QdqGraphBuilder;
import qsh.core.sim.QuantConfig;
import qsh.core.sim.QuantizationPlan;
import qsh.core.sim.QuantizationPlanner;
import qsh.core.tensor.Tensor;

/**
 * {@code amp LIST}: automatic mixed precision (the spec's AMP in default mode). Calibrates on the list, scores
 * each weighted op alone at each lower candidate (phase 1), then lowers ops least-sensitive first and keeps the
 * cheapest point within the allowed drop (phase 2). The score is the output SQNR (dB) against float on the list's
 * first samples, or with {@code --eval fashion-mnist} the top-1 on test images. The chosen mix becomes the
 * session's quantized model (its overrides are visible with {@code encodings show}, its convert ops in
 * {@code graph}).
 */
public final class AmpCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("amp", "quantization",
            "automatic mixed precision: per-op sensitivity, pareto front, the cheapest mix within the allowed drop", List.of(ArgSpec.of("INPUT_LIST", ArgKind.FILE).asOptional()),
            List.of(OptionSpec.file("config", "FILE.yaml", "the spec's AMP config: datasets with JS loaders, candidates, eval callbacks, optional_amp_args"),
                    OptionSpec.value("candidates", "LIST", "ACT/PARAM pairs, highest first").defaults("16/16,8/16,16/8,8/8"),
                    OptionSpec.number("allowed-drop", "D", "score drop allowed from the all-highest model (3 dB, or 0.01 top-1 with --eval, unless given)").atLeast(0),
                    OptionSpec.choice("search", "phase-2 search", "binary", "interpolation", "bruteforce").defaults("binary"),
                    OptionSpec.flag("reverse", "phase 2 from all-lowest, raising the most sensitive ops first (phase2_reverse)"),
                    OptionSpec.choice("eval", "score by top-1 on a labelled data set instead of output SQNR", "fashion-mnist"),
                    OptionSpec.integer("limit", "N", "test images for --eval").defaults(1000).range(1, 10000),
                    OptionSpec.integer("samples", "N", "list inputs for the SQNR score").defaults(32).atLeast(1),
                    OptionSpec.file("png", "FILE.png", "draw the pareto curve"),
                    OptionSpec.file("pareto", "FILE.json", "write the pareto list as JSON")),
            List.of("amp scripts/data/demo/input_list.txt", "amp scripts/data/demo/input_list.txt --eval fashion-mnist --allowed-drop 0.005 --png /tmp/pareto.png",
                    "amp --config scripts/algorithms/amp.yaml --pareto /tmp/pareto.json"),
            List.of("calibrate", "encodings", "graph", "export"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        args.atMost(1);
        if (args.get("config").isPresent()) {
            ModelState m = session.requireModel();
            ConfigRun.Outcome o = ConfigRun.amp(session, m, ConfigRun.config(args, session), ConfigRun.optionalList(args, session));
            session.transform(o.model(), "amp");
            return report(o.amp(), o.candidates(), "metric", v -> String.format("%.4g", v), o.allowedDrop(), args, session, o.notes());
        }
        String file = args.positional(0, "an input list (calibration data)");
        ModelState m = session.requireModel().batchNormsFolded(); // the converter's view, as calibrate quantizes it
        Graph g = m.graph();
        List<Candidate> candidates = new ArrayList<>();
        try {
            for (String c : args.getOrDefault("candidates").split(",")) {
                candidates.add(Candidate.parse(c));
            }
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage());
        }
        CalibrationInputs inputs = new CalibrationInputs(InputList.read(session.resolve(file)),
                CalibrationInputs.shapesOf(g));
        QuantConfig cfg = QuantConfig.DEFAULTS.withOptions(session.settings().encoderOptions());
        CalibrationStatistics stats;
        try {
            stats = Calibrator.collect(g, inputs, false, 0, session.progress("calibrate", inputs.size()));
        } catch (IllegalStateException e) {
            throw new CommandException(e.getMessage());
        }
        boolean top1 = args.get("eval").isPresent();
        ToDoubleFunction<Graph> score = top1 ? top1Score(g, args.getInt("limit"))
                : sqnrScore(g, inputs, args.getInt("samples"));
        double allowed = args.getDouble("allowed-drop", top1 ? 0.01 : 3.0);
        MixedPrecisionSearch.Search search = MixedPrecisionSearch.Search.parse(args.getOrDefault("search"));
        Map<String, int[]> shapes = ShapeProbe.shapes(m);
        ModelState.Step<MixedPrecisionSearch.Result> step;
        try {
            step = m.mixedPrecision(stats, cfg, candidates, shapes, score, allowed,
                    new MixedPrecisionSearch.Options(search, args.has("reverse"), null, null, null, null),
                    session.progress("amp phase 1", 0));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new CommandException(e.getMessage());
        }
        session.transform(step.state(), "amp");
        MixedPrecisionSearch.Result r = step.result();
        return report(r, candidates, top1 ? "top-1" : "dB SQNR", v -> fmt(v, top1), allowed, args, session, List.of());
    }

    static Result report(MixedPrecisionSearch.Result r, List<Candidate> cands, String unit, DoubleFunction<String> fmt,
                         double allowed, Args args, Session session, List<String> notes) {
        List<String> lines = new ArrayList<>();
        lines.add("amp: " + r.groups().size() + " quantizer groups × " + cands.size() + " candidates ("
                + String.join(", ", cands.stream().map(Candidate::label).toList()) + "), score = " + unit + "; "
                + r.evaluations() + " models scored");
        lines.addAll(notes);
        lines.add(String.format("  all-highest (%s) score %s; allowed drop %s", cands.get(0).label(), fmt.apply(r.baseline()),
                fmt.apply(allowed)));
        lines.add("  phase 1, most sensitive groups (score drop when only that op is lowered)" + (r.cached() ? ", from the cache:" : ":"));
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < r.groups().size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble(i -> -max(r.sensitivity()[i])));
        for (int k = 0; k < Math.min(6, order.size()); k++) {
            int i = order.get(k);
            StringBuilder b = new StringBuilder();
            for (int c = 1; c < cands.size(); c++) {
                b.append(String.format("  %s %s", cands.get(c).label(), fmt.apply(r.sensitivity()[i][c])));
            }
            lines.add(String.format("    %-40s%s", Format.tail(r.groups().get(i).op(), 40), b));
        }
        lines.add("  phase 2, pareto points scored (relative BitOps → score):");
        for (MixedPrecisionSearch.Point p : r.pareto()) {
            lines.add(String.format("    %6.3f → %s%s", p.relativeBitOps(), fmt.apply(p.score()), p == r.chosen()
                    || Arrays.equals(p.choice(), r.chosen().choice()) ? "  ◀ chosen" : ""));
        }
        Map<String, Integer> mix = new LinkedHashMap<>();
        for (int c : r.chosen().choice()) {
            mix.merge(cands.get(c).label(), 1, Integer::sum);
        }
        lines.add(String.format("  chosen: %s; BitOps %.1f%% of all-highest; score %s (%s from all-highest)", mix,
                100 * r.chosen().relativeBitOps(), fmt.apply(r.chosen().score()), fmt.apply(r.chosen().score() - r.baseline())));
        lines.add("  the mix is now the session's quantized model: 'graph' shows each op's precision and the convert ops");
        List<Map<String, Object>> pareto = new ArrayList<>();
        for (MixedPrecisionSearch.Point p : r.pareto()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("relative_bitops", p.relativeBitOps());
            o.put("score", p.score());
            List<String> per = new ArrayList<>();
            for (int c : p.choice()) {
                per.add(cands.get(c).label());
            }
            o.put("candidates", per);
            pareto.add(o);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("score", unit);
        data.put("baseline", r.baseline());
        data.put("phase1_cached", r.cached());
        data.put("groups", r.groups().stream().map(MixedPrecisionSearch.Group::op).toList());
        data.put("pareto", pareto);
        data.put("chosen", Map.of("relative_bitops", r.chosen().relativeBitOps(), "score", r.chosen().score(), "mix", mix));
        if (args.get("pareto").isPresent()) {
            try {
                byte[] json = new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                        .writeValueAsBytes(pareto);
                AtomicFile.write(session.resolve(args.get("pareto").get()), json);
            } catch (IOException e) {
                throw new CommandException("cannot write " + args.get("pareto").get() + ": " + e.getMessage());
            }
            lines.add("  wrote " + args.get("pareto").get());
        }
        if (args.get("png").isPresent()) {
            Charts.pareto(session.resolve(args.get("png").get()), "AMP pareto front (" + unit + ")", r.pareto(),
                    r.chosen(), r.baseline() - allowed, unit);
            lines.add("  drew " + args.get("png").get());
        }
        return Result.of(data, lines);
    }

    private static ToDoubleFunction<Graph> sqnrScore(Graph g, CalibrationInputs inputs, int samples) {
        int n = Math.min(samples, inputs.size());
        List<Map<String, Tensor>> in = new ArrayList<>();
        List<float[]> ref = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            in.add(inputs.load(i));
            ref.add(((Tensor) Executor.run(g, in.get(i), null).values().iterator().next()).data());
        }
        return sim -> {
            double s = 0;
            double e = 0;
            for (int i = 0; i < n; i++) {
                float[] q = ((Tensor) Executor.run(sim, in.get(i), null).values().iterator().next()).data();
                float[] f = ref.get(i);
                for (int k = 0; k < f.length; k++) {
                    s += (double) f[k] * f[k];
                    e += (double) (f[k] - q[k]) * (f[k] - q[k]);
                }
            }
            return e == 0 ? 200 : 10 * Math.log10(s / e);
        };
    }

    private static ToDoubleFunction<Graph> top1Score(Graph g, int limit) {
        FashionMnistImages test = FashionMnistImages.test(limit);
        var samples = test.samples(g.inputs().get(0).name());
        return sim -> TopK.evaluate(sim, test.size(), samples, test.labels(), done -> { }).top1() / (double) test.size();
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            m = Math.max(m, x);
        }
        return m;
    }

    private static String fmt(double v, boolean top1) {
        return top1 ? String.format("%.2f%%", 100 * v) : String.format("%.2f dB", v);
    }

}
