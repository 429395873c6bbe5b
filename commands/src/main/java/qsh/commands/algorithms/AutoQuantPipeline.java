package qsh.commands.algorithms;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleFunction;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import qsh.commands.spi.ShapeProbe;
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
import qsh.core.sim.QuantConfig;
import qsh.core.sim.QuantOverrides;
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

    /** A model tried: its state (plan and simulation included), its calibration, and its score. */
    private record Tried(ModelState state, ModelQuantizer.Outcome calibration, double score) {}

    private Outcome run() {
        ModelState loaded = ModelState.loaded(s.graph(), s.source());
        double fp = s.eval().applyAsDouble(s.graph());
        target = fp - s.allowedDrop();
        lines.add(String.format("autoquant %s: float score %s, target ≥ %s (allowed drop %s)", s.source(), s.fmt().apply(fp),
                s.fmt().apply(target), s.fmt().apply(s.allowedDrop())));
        Tried best = calibrated("1 " + s.cfg().label(), loaded, s.cfg()); // batch norms folded, as the converter does
        if (best.score() < target) { // 2: batch-norm folding + CLE, absorption exact on the calibration inputs
            Tried cle = attempt("2 CLE", () -> {
                ModelState.Step<CleAlgorithm.Result> e = loaded.equalize(absorptionInputs());
                return calibrated("2 CLE (" + e.result().chains().size() + " chains)", e.state(), s.cfg());
            });
            best = better(cle, best);
        }
        if (best.score() < target) { // 3: quantizer scheme search on the best graph so far
            QuantConfig cfg = s.cfg();
            for (QuantMode[] scheme : new QuantMode[][] {{QuantMode.TF, QuantMode.ENHANCED}, {QuantMode.TF, QuantMode.PERCENTILE},
                    {QuantMode.ENHANCED, QuantMode.TF}}) {
                QuantConfig c = cfg.perChannel() ? cfg.withQuantizers(cfg.paramQuantizer(), scheme[1]) : cfg.withQuantizers(scheme[0], scheme[1]);
                if (c.paramQuantizer() == cfg.paramQuantizer() && c.actQuantizer() == cfg.actQuantizer()) {
                    continue; // tried in steps 1 and 2 already
                }
                ModelState on = best.state();
                String what = "3 scheme " + c.paramQuantizer().id() + "/" + c.actQuantizer().id();
                best = better(attempt(what, () -> calibrated(what, on, c)), best);
                if (best.score() >= target) {
                    break;
                }
            }
        }
        Tried calibratedBest = best; // AdaRound and AMP start from it
        if (best.score() < target) { // 4: AdaRound on the best so far
            best = better(attempt("4 AdaRound", () -> {
                ModelState.Step<AdaRound.Result> a = calibratedBest.state().adaround(s.adaroundData(), s.adaroundOptions(), d -> { });
                return new Tried(a.state(), calibratedBest.calibration(),
                        score("4 AdaRound (" + a.result().layers().size() + " layers)", a.state().simulated()));
            }), best);
        }
        if (best.score() < target && calibratedBest.calibration().statistics() != null) { // 5: AMP — raise the most sensitive ops
            best = better(attempt("5 AMP", () -> mixedPrecision(calibratedBest, fp)), best);
        }
        lines.add(String.format("  result: %s (%s target); the session model is now this one", s.fmt().apply(best.score()),
                best.score() >= target ? "meets the" : "misses the"));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("float_score", fp);
        data.put("target", target);
        data.put("steps", steps);
        data.put("result_score", best.score());
        data.put("config", best.state().plan().label());
        return new Outcome(best.state(), lines, data);
    }

    /** The spec's calibration of {@code on} under {@code cfg}, scored as step {@code what}. */
    private Tried calibrated(String what, ModelState on, QuantConfig cfg) {
        ModelState.Step<ModelQuantizer.Outcome> c = on.calibrate(ModelQuantizer.Converter.DEFAULTS, s.calib(), cfg,
                QuantOverrides.EMPTY, d -> { });
        return new Tried(c.state(), c.result(), score(what, c.state().simulated()));
    }

    /** AMP on the calibrated model {@code from} (its statistics and configuration), scored by its chosen mix. */
    private Tried mixedPrecision(Tried from, double fp) {
        ModelQuantizer.Outcome b = from.calibration();
        ModelState on = from.state();
        List<Candidate> cands = s.ampCandidates() != null ? s.ampCandidates()
                : List.of(Candidate.parse("16/16"), Candidate.parse("16/8"),
                          Candidate.parse(b.plan().config().actBw() + "/" + b.plan().config().weightBw()));
        Map<String, int[]> shapes = ShapeProbe.shapes(ModelState.loaded(on.graph(), s.source()));
        AmpCache cache = null;
        double[][] cached = null;
        List<String> names = MixedPrecisionSearch.groups(on.graph(), b.statistics(), b.plan().config(), shapes).stream()
                .map(MixedPrecisionSearch.Group::op).toList();
        if (s.cacheId() != null) {
            cache = AmpCache.of(s.cacheId(), on.graph(), calibrationSamples(s.calib().size()),
                    "autoquant|" + cands + "|" + b.plan().config().label() + "|" + s.evalId());
            cached = cache.load(names);
        }
        ModelState.Step<MixedPrecisionSearch.Result> amp = on.mixedPrecision(b.statistics(), b.plan().config(), cands, shapes,
                s.eval(), s.allowedDrop(),
                new MixedPrecisionSearch.Options(MixedPrecisionSearch.Search.BINARY, false, s.ampPhase1(), cached, null, fp),
                d -> { });
        if (cache != null && !amp.result().cached()) {
            cache.save(names, amp.result().sensitivity());
        }
        if (cache != null) {
            lines.add("  AMP phase 1 " + (amp.result().cached() ? "reused from " : "cached in ") + cache.file());
        }
        double sc = step(String.format("5 AMP (%.0f%% of all-%s BitOps)", 100 * amp.result().chosen().relativeBitOps(),
                cands.get(0).label()), amp.result().chosen().score());
        return new Tried(amp.state(), b, sc);
    }

    /** The calibration inputs CLE's absorption bounds c by (as {@code cle --input-list}: the first 32). */
    private List<Map<String, Tensor>> absorptionInputs() {
        return calibrationSamples(Math.min(ABSORPTION_SAMPLES, s.calib().size()));
    }

    /** The default of {@code cle}/{@code absorb-bias --samples}. */
    private static final int ABSORPTION_SAMPLES = 32;

    private List<Map<String, Tensor>> calibrationSamples(int n) {
        List<Map<String, Tensor>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(s.calib().load(i));
        }
        return out;
    }

    /** {@code tried} when it scored higher than {@code best} (null: the step failed and was skipped). */
    private static Tried better(Tried tried, Tried best) {
        return tried != null && tried.score() > best.score() ? tried : best;
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
    private Tried attempt(String what, Supplier<Tried> step) {
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
