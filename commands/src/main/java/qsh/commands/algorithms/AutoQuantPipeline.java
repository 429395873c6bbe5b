package qsh.commands.algorithms;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleFunction;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import qsh.core.workflow.ModelState;
import qsh.commands.spi.CommandException;
import qsh.core.adaround.AdaRound;
import qsh.core.amp.MixedPrecisionSearch;
import qsh.core.amp.MixedPrecisionSearch.Candidate;
import qsh.core.calib.CalibrationInputs;
import qsh.core.equalize.CleAlgorithm;
import qsh.core.graph.Graph;
import qsh.core.quant.QuantMode;
import qsh.core.sim.ModelQuantizer;
import qsh.core.sim.QdqGraphBuilder;
import qsh.core.sim.QuantConfig;
import qsh.core.sim.QuantOverrides;
import qsh.core.sim.QuantizationPlan;
import qsh.core.sim.QuantizationPlanner;
import qsh.core.tensor.Tensor;

/**
 * The AutoQuant pipeline (algorithms.md): the model as configured, then batch-norm folding + CLE, a quantizer
 * scheme search, AdaRound and AMP — stopping as soon as the score is within the allowed drop of float. Each step
 * is scored and reported; the best model is the result (AMP's mix does not keep AdaRound's weights: its
 * encodings differ). With strict validation off, a step that fails is reported and skipped.
 */
final class AutoQuantPipeline {
    /**
     * What to run.
     *
     * @param eval          the score of a model (higher is better), in {@code fmt}'s unit
     * @param ampPhase1     AMP's phase-1 score, or null: {@code eval}
     * @param ampCandidates AMP's candidates (highest first), or null: 16/16, 16/8 and the configured bitwidths
     * @param adaroundData  AdaRound's samples (encodings are computed on {@code calib})
     * @param cacheId       the spec's cache_id: AMP's phase 1 is cached under it (with a digest of model, data and
     *                      {@code evalId}), or null: no cache
     */
    record Setup(Graph graph, String source, CalibrationInputs calib, QuantConfig cfg, ToDoubleFunction<Graph> eval,
                 DoubleFunction<String> fmt, double allowedDrop, List<Candidate> ampCandidates, ToDoubleFunction<Graph> ampPhase1,
                 List<Map<String, Tensor>> adaroundData, AdaRound.Options adaroundOptions, boolean strict, String cacheId,
                 String evalId) {}

    /** The outcome: the session's new model, report lines, and per-step data. */
    record Outcome(ModelState model, List<String> lines, Map<String, Object> data) {}

    private final Setup s;
    private final List<String> lines = new ArrayList<>();
    private final List<Map<String, Object>> steps = new ArrayList<>();
    private double target;

    private AutoQuantPipeline(Setup s) {
        this.s = s;
    }

    static Outcome run(Setup s) {
        return new AutoQuantPipeline(s).run();
    }

    private Outcome run() {
        Graph g = s.graph();
        double fp = s.eval().applyAsDouble(g);
        target = fp - s.allowedDrop();
        lines.add(String.format("autoquant %s: float score %s, target ≥ %s (allowed drop %s)", s.source(), s.fmt().apply(fp),
                s.fmt().apply(target), s.fmt().apply(s.allowedDrop())));
        ModelQuantizer.Outcome first = ModelQuantizer.calibrate(g, s.calib(), s.cfg(), QuantOverrides.EMPTY, d -> { });
        ModelQuantizer.Outcome best = first;
        Graph bestGraph = first.graph(); // batch norms folded, as the converter does
        double bestScore = score("1 " + s.cfg().label(), first.simulated());
        if (bestScore < target) { // 2: batch-norm folding + CLE
            Object[] r = attempt("2 CLE", () -> {
                CleAlgorithm.Result cle = CleAlgorithm.run(g);
                ModelQuantizer.Outcome o = ModelQuantizer.calibrate(cle.graph(), s.calib(), s.cfg(), QuantOverrides.EMPTY, d -> { });
                return new Object[] {cle, o, score("2 CLE (" + cle.chains().size() + " chains)", o.simulated())};
            });
            if (r != null && (double) r[2] > bestScore) {
                bestScore = (double) r[2];
                best = (ModelQuantizer.Outcome) r[1];
                bestGraph = ((CleAlgorithm.Result) r[0]).graph();
            }
        }
        if (bestScore < target) { // 3: quantizer scheme search on the best graph so far
            QuantConfig cfg = s.cfg();
            for (QuantMode[] scheme : new QuantMode[][] {{QuantMode.TF, QuantMode.ENHANCED}, {QuantMode.TF, QuantMode.PERCENTILE},
                    {QuantMode.ENHANCED, QuantMode.TF}}) {
                QuantConfig c = cfg.perChannel() ? cfg.withQuantizers(cfg.paramQuantizer(), scheme[1]) : cfg.withQuantizers(scheme[0], scheme[1]);
                if (c.paramQuantizer() == cfg.paramQuantizer() && c.actQuantizer() == cfg.actQuantizer()) {
                    continue; // tried in steps 1 and 2 already
                }
                Graph on = bestGraph;
                String what = "3 scheme " + c.paramQuantizer().id() + "/" + c.actQuantizer().id();
                Object[] r = attempt(what, () -> {
                    ModelQuantizer.Outcome o = ModelQuantizer.calibrate(on, s.calib(), c, QuantOverrides.EMPTY, d -> { });
                    return new Object[] {o, score(what, o.simulated())};
                });
                if (r != null && (double) r[1] > bestScore) {
                    bestScore = (double) r[1];
                    best = (ModelQuantizer.Outcome) r[0];
                }
                if (bestScore >= target) {
                    break;
                }
            }
        }
        QuantizationPlan plan = best.plan();
        if (bestScore < target) { // 4: AdaRound on the best so far
            Graph on = bestGraph;
            QuantizationPlan p0 = plan;
            Object[] r = attempt("4 AdaRound", () -> {
                AdaRound.Result ar = AdaRound.run(on, p0, s.adaroundData(), s.adaroundOptions(), d -> { });
                QuantizationPlan rounded = p0.withWeightValues(ar.roundedWeights());
                return new Object[] {rounded, score("4 AdaRound (" + ar.layers().size() + " layers)", QdqGraphBuilder.build(on, rounded, true))};
            });
            if (r != null && (double) r[1] > bestScore) {
                bestScore = (double) r[1];
                plan = (QuantizationPlan) r[0];
            }
        }
        if (bestScore < target && best.statistics() != null) { // 5: AMP — raise the most sensitive ops
            ModelQuantizer.Outcome b = best;
            Graph on = bestGraph;
            List<Candidate> cands = s.ampCandidates() != null ? s.ampCandidates()
                    : List.of(Candidate.parse("16/16"), Candidate.parse("16/8"),
                              Candidate.parse(b.plan().config().actBw() + "/" + b.plan().config().weightBw()));
            Object[] r = attempt("5 AMP", () -> {
                Map<String, int[]> shapes = qsh.commands.spi.ShapeProbe.shapes(ModelState.loaded(on, s.source()));
                AmpCache cache = null;
                double[][] cached = null;
                List<String> names = MixedPrecisionSearch.groups(on, b.statistics(), b.plan().config(), shapes).stream()
                        .map(MixedPrecisionSearch.Group::op).toList();
                if (s.cacheId() != null) {
                    List<Map<String, Tensor>> calib = new ArrayList<>();
                    for (int i = 0; i < s.calib().size(); i++) {
                        calib.add(s.calib().load(i));
                    }
                    cache = AmpCache.of(s.cacheId(), on, calib, "autoquant|" + cands + "|" + b.plan().config().label() + "|" + s.evalId());
                    cached = cache.load(names);
                }
                MixedPrecisionSearch.Result amp = MixedPrecisionSearch.run(on, b.statistics(), b.plan().config(), cands, shapes,
                        s.eval(), s.allowedDrop(),
                        new MixedPrecisionSearch.Options(MixedPrecisionSearch.Search.BINARY, false, s.ampPhase1(), cached, null, fp),
                        d -> { });
                if (cache != null && !amp.cached()) {
                    cache.save(names, amp.sensitivity());
                }
                if (cache != null) {
                    lines.add("  AMP phase 1 " + (amp.cached() ? "reused from " : "cached in ") + cache.file());
                }
                QuantizationPlan mixed = QuantizationPlanner.plan(on, b.statistics().tensors(), b.plan().config(), amp.overrides(),
                        b.statistics());
                double sc = step(String.format("5 AMP (%.0f%% of all-%s BitOps)", 100 * amp.chosen().relativeBitOps(),
                        cands.get(0).label()), amp.chosen().score());
                return new Object[] {mixed, sc};
            });
            if (r != null && (double) r[1] > bestScore) {
                bestScore = (double) r[1];
                plan = (QuantizationPlan) r[0];
            }
        }
        lines.add(String.format("  result: %s (%s target); the session model is now this one", s.fmt().apply(bestScore),
                bestScore >= target ? "meets the" : "misses the"));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("float_score", fp);
        data.put("target", target);
        data.put("steps", steps);
        data.put("result_score", bestScore);
        data.put("config", plan.label());
        ModelState model = ModelState.loaded(bestGraph, s.source()).withPlan(plan, QdqGraphBuilder.build(bestGraph, plan, true));
        return new Outcome(model, lines, data);
    }

    private double score(String what, Graph sim) {
        return step(what, s.eval().applyAsDouble(sim));
    }

    private double step(String what, double v) {
        lines.add(String.format("  step %-40s %10s%s", what, s.fmt().apply(v), v >= target ? "  ✓ within the allowed drop" : ""));
        steps.add(Map.of("step", what, "score", v));
        return v;
    }

    /** Runs a step; with strict validation off, a failure is reported and the step skipped (null). */
    private Object[] attempt(String what, Supplier<Object[]> step) {
        try {
            return step.get();
        } catch (CommandException | IllegalArgumentException | IllegalStateException e) {
            if (s.strict()) {
                throw new CommandException("autoquant step " + what + ": " + e.getMessage()
                        + " (set strict_validation: false to skip failing steps)");
            }
            lines.add("  step " + what + " failed and was skipped (strict_validation: false): " + e.getMessage());
            steps.add(Map.of("step", what, "error", String.valueOf(e.getMessage())));
            return null;
        }
    }
}
