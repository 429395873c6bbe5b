package qsh.commands.algorithms;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.commands.ModelState;
import qsh.commands.model.FashionMnistImages;
import qsh.commands.model.QuantOptions;
import qsh.commands.Session;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.core.adaround.AdaRound;
import qsh.core.amp.MixedPrecisionSearch;
import qsh.core.amp.MixedPrecisionSearch.Candidate;
import qsh.core.calib.CalibrationInputs;
import qsh.core.calib.InputList;
import qsh.core.equalize.CleAlgorithm;
import qsh.core.graph.Graph;
import qsh.core.metrics.TopK;
import qsh.core.quant.QuantMode;
import qsh.core.sim.ModelQuantizer;
import qsh.core.sim.QdqGraphBuilder;
import qsh.core.sim.QuantConfig;
import qsh.core.sim.QuantOverrides;
import qsh.core.sim.QuantizationPlan;
import qsh.core.tensor.Tensor;

/**
 * {@code autoquant LIST --eval fashion-mnist}: the AutoQuant pipeline (algorithms.md): the model as configured,
 * then batch-norm folding + CLE, a quantizer-scheme search, AdaRound and AMP (16/16, 16/8 and the configured
 * bitwidths) — stopping as soon as top-1 is within the allowed drop of float; each step's top-1 is reported and
 * the best model becomes the session's (AMP's mix does not keep AdaRound's weights: its encodings differ).
 */
public final class AutoQuantCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("autoquant", "quantization",
            "try the model as configured, then CLE, scheme search, AdaRound and AMP until top-1 is within the allowed drop", "INPUT_LIST",
            QuantOptions.concat(QuantOptions.SPECS, List.of(
                    OptionSpec.choice("eval", "labelled data to score top-1 on", "fashion-mnist"),
                    OptionSpec.value("limit", "N", "test images scored (default 2000)"),
                    OptionSpec.value("allowed-drop", "POINTS", "top-1 points allowed below float (default 0.5)"),
                    OptionSpec.value("adaround-iterations", "N", "AdaRound steps per layer (default 500)"))),
            List.of("autoquant list.txt --eval fashion-mnist", "autoquant list.txt --eval fashion-mnist --weight-bw 4 --per-channel"),
            List.of("calibrate", "cle", "adaround", "amp"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        String file = args.positional(0, "an input list (calibration data)");
        args.atMost(1);
        if (args.get("eval").isEmpty()) {
            throw new CommandException("autoquant needs an evaluation: give --eval fashion-mnist (a JS eval callback is not wired yet)");
        }
        ModelState m = session.requireModel();
        QuantConfig cfg = QuantOptions.config(args, session);
        int limit = args.getInt("limit", 2000);
        double drop = args.getDouble("allowed-drop", 0.5);
        FashionMnistImages test = FashionMnistImages.test(limit);
        var testInputs = test.samples(m.graph().inputs().get(0).name());
        java.util.function.ToDoubleFunction<Graph> top1 = g -> 100.0 * TopK.evaluate(g, test.size(), testInputs, test.labels(),
                d -> { }).top1() / test.size();
        Map<String, int[]> shapes = qsh.commands.model.CalibrateCommand.inputShapes(m.graph());
        CalibrationInputs inputs = new CalibrationInputs(InputList.read(session.resolve(file)), shapes);
        double fp = top1.applyAsDouble(m.graph());
        double target = fp - drop;
        List<String> lines = new ArrayList<>();
        List<Map<String, Object>> steps = new ArrayList<>();
        lines.add(String.format("autoquant %s: float top-1 %.2f%%, target ≥ %.2f%% (allowed drop %.2f points, %d images)",
                m.source(), fp, target, drop, test.size()));
        Graph g = m.graph();
        ModelQuantizer.Outcome best = ModelQuantizer.calibrate(g, inputs, cfg, QuantOverrides.EMPTY, d -> { });
        Graph bestGraph = g;
        double bestScore = step(lines, steps, "1 " + cfg.label(), top1.applyAsDouble(best.simulated()), target);
        if (bestScore < target) { // 2: batch-norm folding + CLE
            CleAlgorithm.Result cle = CleAlgorithm.run(g);
            ModelQuantizer.Outcome o = ModelQuantizer.calibrate(cle.graph(), inputs, cfg, QuantOverrides.EMPTY, d -> { });
            double s = step(lines, steps, "2 BN folding + CLE (" + cle.chains().size() + " chains)", top1.applyAsDouble(o.simulated()), target);
            if (s > bestScore) {
                bestScore = s;
                best = o;
                bestGraph = cle.graph();
            }
        }
        if (bestScore < target) { // 3: quantizer scheme search on the best graph so far
            for (QuantMode[] scheme : new QuantMode[][] {{QuantMode.TF, QuantMode.ENHANCED}, {QuantMode.TF, QuantMode.PERCENTILE},
                    {QuantMode.ENHANCED, QuantMode.TF}}) {
                QuantConfig c = cfg.perChannel() ? cfg.withQuantizers(cfg.paramQuantizer(), scheme[1]) : cfg.withQuantizers(scheme[0], scheme[1]);
                if (c.paramQuantizer() == cfg.paramQuantizer() && c.actQuantizer() == cfg.actQuantizer()) {
                    continue; // tried in step 1 and 2 already
                }
                ModelQuantizer.Outcome o = ModelQuantizer.calibrate(bestGraph, inputs, c, QuantOverrides.EMPTY, d -> { });
                double s = step(lines, steps, "3 scheme " + c.paramQuantizer().id() + "/" + c.actQuantizer().id(),
                        top1.applyAsDouble(o.simulated()), target);
                if (s > bestScore) {
                    bestScore = s;
                    best = o;
                }
                if (bestScore >= target) {
                    break;
                }
            }
        }
        QuantizationPlan plan = best.plan();
        if (bestScore < target) { // 4: AdaRound on the best so far
            List<Map<String, Tensor>> samples = new ArrayList<>();
            for (int i = 0; i < Math.min(64, inputs.size()); i++) {
                samples.add(inputs.load(i));
            }
            AdaRound.Result ar = AdaRound.run(bestGraph, plan, samples,
                    AdaRound.Options.DEFAULTS.withIterations(args.getInt("adaround-iterations", 500)), d -> { });
            QuantizationPlan rounded = plan.withWeightValues(ar.roundedWeights());
            double s = step(lines, steps, "4 AdaRound", top1.applyAsDouble(QdqGraphBuilder.build(bestGraph, rounded, true)), target);
            if (s > bestScore) {
                bestScore = s;
                plan = rounded;
            }
        }
        if (bestScore < target && best.statistics() != null) { // 5: AMP — raise the most sensitive ops to 16 bits
            final Graph ampGraph = bestGraph;
            java.util.function.ToDoubleFunction<Graph> fraction = sim -> top1.applyAsDouble(sim) / 100;
            MixedPrecisionSearch.Result amp = MixedPrecisionSearch.run(ampGraph, best.statistics(), best.plan().config(),
                    List.of(Candidate.parse("16/16"), Candidate.parse("16/8"),
                            Candidate.parse(best.plan().config().actBw() + "/" + best.plan().config().weightBw())),
                    qsh.commands.model.ShapeProbe.shapes(ModelState.loaded(ampGraph, m.source())), fraction, drop / 100,
                    MixedPrecisionSearch.Search.BINARY, d -> { });
            QuantizationPlan mixed = qsh.core.sim.QuantizationPlanner.plan(ampGraph, best.statistics().tensors(),
                    best.plan().config(), amp.overrides(), best.statistics());
            double s = step(lines, steps, String.format("5 AMP (%.0f%% of 16-bit BitOps)", 100 * amp.chosen().relativeBitOps()),
                    100 * amp.chosen().score(), target);
            if (s > bestScore) {
                bestScore = s;
                plan = mixed;
            }
        }
        lines.add(String.format("  result: %.2f%% (%s target); the session model is now this one", bestScore,
                bestScore >= target ? "meets the" : "misses the"));
        session.model(ModelState.loaded(bestGraph, m.source()).withPlan(plan, QdqGraphBuilder.build(bestGraph, plan, true)));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("float_top1", fp);
        data.put("target", target);
        data.put("steps", steps);
        data.put("result_top1", bestScore);
        return Result.of(data, lines);
    }

    private static double step(List<String> lines, List<Map<String, Object>> steps, String what, double top1, double target) {
        lines.add(String.format("  step %-40s top-1 %6.2f%%%s", what, top1, top1 >= target ? "  ✓ within the allowed drop" : ""));
        steps.add(Map.of("step", what, "top1", top1));
        return top1;
    }
}
