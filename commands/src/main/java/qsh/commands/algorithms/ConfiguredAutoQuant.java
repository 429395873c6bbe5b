package qsh.commands.algorithms;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import qsh.commands.spi.ConfigCallbacks.Batch;
import qsh.commands.spi.Session;
import qsh.core.adaround.AdaRound;
import qsh.core.amp.MixedPrecisionSearch.Candidate;
import qsh.core.calib.CalibrationInputs;
import qsh.core.graph.Graph;
import qsh.core.sim.QuantConfig;
import qsh.core.tensor.Tensor;
import qsh.core.workflow.ModelState;

/**
 * AutoQuant driven by the spec's YAML config (its {@code autoquant} section): shared by the {@code autoquant} command
 * and {@code qairt-quantizer --apply_algorithms autoquant --config} ({@link AlgorithmResult}), as {@link ConfigRun} is
 * for AdaRound and AMP. The JS data loaders run once; the eval callback scores each trial of {@link AutoQuantPipeline}.
 */
final class ConfiguredAutoQuant {
    private ConfiguredAutoQuant() {}

    /** The pipeline set up from the config's autoquant section (the JS callbacks run inside). */
    static AutoQuantPipeline.Outcome run(Session session, ModelState m, AlgorithmConfig config, Path list, QuantConfig flags) {
        AlgorithmConfig.AutoQuant a = (AlgorithmConfig.AutoQuant) config.section("autoquant");
        Graph g = m.graph();
        List<String> notes = new ArrayList<>();
        QuantConfig cfg = flags;
        if (a.paramBw() != null) {
            cfg = cfg.withWeightBw(a.paramBw());
        }
        if (a.outputBw() != null) {
            cfg = cfg.withActBw(a.outputBw());
        }
        boolean perChannel = cfg.perChannel();
        if (a.configFile() != null) {
            QuantsimConfig qs = QuantsimConfig.read(a.configFile());
            perChannel = qs.perChannel() == null ? perChannel : qs.perChannel();
        }
        cfg = ConfigRun.schemes(cfg, perChannel, a.scheme(), a.scheme(), notes);
        cfg = ConfigRun.adaroundConfig(cfg, a.adaroundArgs(), notes);
        QuantConfig base = cfg;
        List<Candidate> cands = new ArrayList<>(a.ampCandidates());
        cands.sort(Comparator.comparingDouble((Candidate c) -> -c.bitFactor()));
        AutoQuantPipeline.Outcome o = session.js().withScripts(js -> {
            AlgorithmConfig.Dataset ds = config.dataset(a.dataset());
            AlgorithmConfig.Dataset evalDs = config.dataset(a.evalDataset());
            List<Batch> data = ConfigData.batches(js, ds, g, Integer.MAX_VALUE);
            List<Batch> evalData = ConfigData.batches(js, evalDs, g, Integer.MAX_VALUE);
            ConfigData.requireLabels(evalData, evalDs, "autoquant (eval_callback)");
            List<Batch> p2 = ConfigData.firstSamples(evalData, a.phase2Samples());
            ToDoubleFunction<Graph> eval = ConfigData.evaluator(js, a.eval(), p2);
            ToDoubleFunction<Graph> phase1 = a.phase1Samples() == null ? null
                    : ConfigData.evaluator(js, a.eval(), ConfigData.firstSamples(evalData, a.phase1Samples()));
            List<Map<String, Tensor>> calib = a.forwardFn() != null
                    ? js.forwardPass(a.forwardFn().file(), a.forwardFn().function(), g, data)
                    : list != null ? CalibrationInputs.samples(list, g, Integer.MAX_VALUE)
                    : ConfigData.samples(data, data.size());
            int batches = a.numBatches() == null ? data.size() : a.numBatches();
            List<Map<String, Tensor>> adaData = ConfigData.samples(data, batches);
            AdaRound.Options opt = ConfigRun.adaroundOptions(a.adaroundArgs(), data.get(0).samples().size());
            notes.add("  " + calib.size() + " calibration samples, AdaRound on " + adaData.size() + " (" + Math.min(batches, data.size())
                    + " batches of '" + ds.name() + "', " + opt.iterations() + " iterations); scored by " + a.eval().text() + " on "
                    + ConfigData.samples(p2, p2.size()).size() + " samples of '" + evalDs.name() + "'"
                    + (a.phase1Samples() == null ? "" : ", AMP phase 1 on " + a.phase1Samples()));
            return AutoQuantPipeline.run(new AutoQuantPipeline.Setup(g, m.source(), ConfigRun.inputs(calib, g, "dataset " + ds.name()),
                    base, eval, v -> String.format("%.4g", v), a.allowedDrop(), cands, phase1, adaData, opt, a.strictValidation(),
                    a.cacheId(), a.eval().text() + "|" + AmpCache.contents(a.eval().file()) + "|" + evalDs.loader().text() + "|"
                    + AmpCache.contents(evalDs.loader().file()) + "|" + evalDs.kwargs() + "|" + a.phase1Samples() + "|" + a.phase2Samples()));
        });
        List<String> lines = new ArrayList<>(o.lines());
        lines.addAll(1, notes);
        return new AutoQuantPipeline.Outcome(o.model(), lines, o.data());
    }
}
