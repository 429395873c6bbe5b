package qsh.commands.algorithms;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import qsh.core.workflow.ModelState;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.ConfigCallbacks.Batch;
import qsh.commands.spi.Session;
import qsh.commands.spi.ShapeProbe;
import qsh.core.adaround.AdaRound;
import qsh.core.amp.MixedPrecisionSearch;
import qsh.core.amp.MixedPrecisionSearch.Candidate;
import qsh.core.calib.CalibrationInputs;
import qsh.core.calib.CalibrationStatistics;
import qsh.core.calib.Calibrator;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.quant.Encoding;
import qsh.core.sim.ModelQuantizer;
import qsh.core.sim.QdqGraphBuilder;
import qsh.core.sim.QuantConfig;
import qsh.core.sim.QuantOverrides;
import qsh.core.sim.QuantizationPlan;
import qsh.core.sim.QuantizationPlanner;
import qsh.core.tensor.Tensor;

/**
 * AdaRound and AMP driven by the spec's YAML config (shared by the {@code adaround}/{@code amp} commands and
 * {@code qairt-quantizer --apply_algorithms … --config}). The JS data loader runs once; the eval callbacks run
 * while AMP scores models. Calibration data: the input list when one is given (batch mode), else the
 * forward-pass callback's samples (AMP), else the dataset.
 */
final class ConfigRun {
    private ConfigRun() {}

    /** AMP's outcome: the session's new model, the search result, the candidates (highest first), notes. */
    record Outcome(ModelState model, MixedPrecisionSearch.Result amp, List<Candidate> candidates, double allowedDrop,
                   List<String> notes) {}

    /** AdaRound's outcome. */
    record Rounded(ModelState model, AdaRound.Result result, AdaRound.Options options, int samples, List<String> notes) {}

    /** The {@code --config FILE.yaml} of a command, read and checked. */
    static AlgorithmConfig config(qsh.commands.spi.Args args, Session session) {
        String f = args.get("config").orElseThrow();
        return AlgorithmConfig.read(session.resolve(f), f);
    }

    /** The command's optional INPUT_LIST operand (with --config), resolved, or null. */
    static Path optionalList(qsh.commands.spi.Args args, Session session) {
        return args.positional().isEmpty() ? null : session.resolve(args.positional(0, "an input list"));
    }

    /** The configuration calibration starts from: the session's last one, or the defaults with the session's encoder. */
    static QuantConfig base(Session session, ModelState m) {
        return m.quantized() ? m.plan().config() : QuantConfig.DEFAULTS.withOptions(session.settings().encoderOptions());
    }

    static CalibrationInputs inputs(List<Map<String, Tensor>> samples, Graph g, String source) {
        try {
            return CalibrationInputs.of(samples, CalibrationInputs.shapesOf(g), source);
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage());
        }
    }

    static Outcome amp(Session session, ModelState given, AlgorithmConfig config, Path list) {
        AlgorithmConfig.Amp a = (AlgorithmConfig.Amp) config.section("amp");
        ModelState m = given.batchNormsFolded(); // the converter's view, as calibrate quantizes it
        Graph g = m.graph();
        List<String> notes = new ArrayList<>();
        QuantConfig cfg = base(session, m);
        QuantsimConfig qs = a.configFile() == null ? null : QuantsimConfig.read(a.configFile());
        if (qs != null) {
            cfg = qs.perChannel() == null ? cfg : cfg.withPerChannel(qs.perChannel());
            if (!qs.unused().isEmpty()) {
                notes.add("  " + a.configFile().getFileName() + ": qsh uses per_channel_quantization and supported_kernels; not used: "
                        + String.join(", ", qs.unused()));
            }
        }
        List<Candidate> cands = new ArrayList<>(a.candidates());
        cands.sort(Comparator.comparingDouble((Candidate c) -> -c.bitFactor())); // highest first: the all-highest baseline
        final QuantConfig base = cfg;
        return session.js().withScripts(js -> {
            AlgorithmConfig.Dataset ds = config.dataset(a.dataset());
            List<Batch> data = ConfigData.batches(js, ds, g, Integer.MAX_VALUE);
            ConfigData.requireLabels(data, ds, "amp (eval_callback_for_phase2)");
            ToDoubleFunction<Graph> phase2 = ConfigData.evaluator(js, a.phase2Eval(), data);
            ToDoubleFunction<Graph> phase1 = a.phase1Eval() == null ? null : js.modelMetric(a.phase1Eval().file(), a.phase1Eval().function());
            List<Map<String, Tensor>> all = ConfigData.samples(data, data.size());
            List<Map<String, Tensor>> calib;
            String source;
            if (a.forwardPass() != null) {
                calib = js.forwardPass(a.forwardPass().file(), a.forwardPass().function(), g, null);
                source = a.forwardPass().text();
            } else if (list != null) {
                calib = CalibrationInputs.samples(list, g, Integer.MAX_VALUE);
                source = list.getFileName().toString();
            } else {
                calib = all;
                source = "dataset " + ds.name();
            }
            notes.add("  calibrated on " + calib.size() + " samples (" + source + "); phase 2 scores " + all.size()
                    + " samples of dataset '" + ds.name() + "' with " + a.phase2Eval().text()
                    + (a.phase1Eval() == null ? "" : "; phase 1 with " + a.phase1Eval().text()));
            CalibrationStatistics stats;
            try {
                stats = Calibrator.collect(g, inputs(calib, g, source), false, 0, session.progress("calibrate", calib.size()));
            } catch (IllegalStateException e) {
                throw new CommandException(e.getMessage());
            }
            double fp32 = phase2.applyAsDouble(g); // spec: the allowed drop counts from the FP32 baseline
            notes.add(String.format("  FP32 baseline %.4g; target ≥ %.4g", fp32, fp32 - a.allowedDrop()));
            Map<String, int[]> shapes = ShapeProbe.shapes(m);
            List<MixedPrecisionSearch.Group> groups = MixedPrecisionSearch.groups(g, stats, base, shapes);
            Map<String, java.util.Set<Integer>> supported = null;
            if (qs != null && !a.useAllCandidates()) {
                supported = qs.supported(cands, groups.stream().map(MixedPrecisionSearch.Group::opType).distinct().toList());
            }
            List<String> names = groups.stream().map(MixedPrecisionSearch.Group::op).toList();
            AmpCache cache = AmpCache.of(null, g, calib, description(cands, base, a.phase1Eval() == null ? a.phase2Eval() : a.phase1Eval(),
                    ds, supported));
            if (a.cleanStart()) {
                cache.delete();
            }
            double[][] cached = a.cleanStart() ? null : cache.load(names);
            ModelState.Step<MixedPrecisionSearch.Result> step;
            try {
                step = m.mixedPrecision(stats, base, cands, shapes, phase2, a.allowedDrop(),
                        new MixedPrecisionSearch.Options(a.search(), a.reverse(), phase1, cached, supported, fp32),
                        session.progress("amp phase 1", groups.size()));
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new CommandException(e.getMessage());
            }
            MixedPrecisionSearch.Result r = step.result();
            if (!r.cached()) {
                cache.save(names, r.sensitivity());
            }
            notes.add("  search " + a.search().name().toLowerCase(java.util.Locale.ROOT) + (a.reverse() ? ", phase2_reverse" : "")
                    + (supported == null ? "" : ", candidates limited by supported_kernels") + "; phase 1 "
                    + (r.cached() ? "reused from " : a.cleanStart() ? "recomputed (clean_start), cached in " : "cached in ") + cache.file());
            ModelState next = step.state();
            return new Outcome(next, r, cands, a.allowedDrop(), notes);
        });
    }

    private static String description(List<Candidate> cands, QuantConfig cfg, AlgorithmConfig.Callback eval,
                                      AlgorithmConfig.Dataset ds, Map<String, java.util.Set<Integer>> supported) {
        return cands + "|" + cfg.label() + "|" + eval.text() + "|" + AmpCache.contents(eval.file()) + "|" + ds.loader().text()
                + "|" + AmpCache.contents(ds.loader().file()) + "|" + ds.kwargs() + "|" + supported;
    }

    /** Overrides for AdaRound's optional arguments: param_bw_override_list and ignore_quant_ops_list. */
    static QuantOverrides adaroundOverrides(Graph g, QuantOverrides base, AlgorithmConfig.AdaroundArgs x, List<String> notes) {
        Map<String, List<Encoding>> acts = new LinkedHashMap<>(base.activations());
        Map<String, Integer> paramBw = new LinkedHashMap<>(base.paramBitwidths());
        x.paramBwOverrides().forEach((node, bw) -> {
            Node n = node(g, node, "param_bw_override_list");
            if (n.inputs().size() < 2 || !(g.weights().get(n.input(1)) instanceof Tensor)) {
                throw new CommandException("param_bw_override_list: node '" + node + "' (" + n.opType() + ") has no weight");
            }
            paramBw.put(n.input(1), bw);
        });
        for (String name : x.ignoreOps()) {
            Node n = node(g, name, "ignore_quant_ops_list");
            if (List.of("Conv", "ConvTranspose", "Gemm", "MatMul").contains(n.opType())) {
                notes.add("  warning: ignore_quant_ops_list names " + n.opType() + " '" + name
                        + "': it stays float and is not rounded (the spec advises against it)");
            }
            for (String out : n.outputs()) {
                acts.put(out, List.of(Encoding.floatingPoint(32)));
            }
        }
        return new QuantOverrides(acts, base.params(), base.activationBitwidths(), paramBw, base.quantizerArgs());
    }

    private static Node node(Graph g, String name, String key) {
        for (Node n : g.nodes()) {
            if (n.name().equals(name)) {
                return n;
            }
        }
        throw new CommandException(key + ": no node named '" + name + "' in the model (see graph)");
    }

    /** AdaRound's options: the config's (AIMET AdaroundParameters names) over qsh's defaults; the loader's batch size. */
    static AdaRound.Options adaroundOptions(AlgorithmConfig.AdaroundArgs x, int batchSize) {
        AdaRound.Options d = AdaRound.Options.DEFAULTS;
        return new AdaRound.Options(x.iterations() == null ? d.iterations() : x.iterations(), Math.max(1, batchSize),
                x.regParam() == null ? d.lambda() : x.regParam(), x.betaRange() == null ? d.betaStart() : x.betaRange()[0],
                x.betaRange() == null ? d.betaEnd() : x.betaRange()[1], x.warmStart() == null ? d.warmup() : x.warmStart(),
                d.learningRate(), d.seed());
    }

    /**
     * The configuration AdaRound's parameter encodings use: default_param_bw, default_quant_scheme (for the
     * weights: AIMET's AdaRound computes only parameter encodings with it), per-channel from the config file.
     * Per-channel weights stay symmetric (spec, per-channel quantization).
     */
    static QuantConfig adaroundConfig(QuantConfig cfg, AlgorithmConfig.AdaroundArgs x, List<String> notes) {
        boolean perChannel = cfg.perChannel();
        if (x.configFile() != null) {
            QuantsimConfig qs = QuantsimConfig.read(x.configFile());
            perChannel = qs.perChannel() == null ? perChannel : qs.perChannel();
            if (!qs.unused().isEmpty()) {
                notes.add("  " + x.configFile().getFileName() + ": qsh uses per_channel_quantization; not used: " + String.join(", ", qs.unused()));
            }
        }
        if (x.paramBw() != null) {
            cfg = cfg.withWeightBw(x.paramBw());
        }
        return schemes(cfg, perChannel, x.scheme(), null, notes);
    }

    /** Applies per-channel and the quantizer schemes (null: unchanged) in an order the configuration accepts. */
    static QuantConfig schemes(QuantConfig cfg, boolean perChannel, qsh.core.quant.QuantMode param, qsh.core.quant.QuantMode act,
                               List<String> notes) {
        qsh.core.quant.QuantMode p = param == null ? cfg.paramQuantizer() : param;
        qsh.core.quant.QuantMode a = act == null ? cfg.actQuantizer() : act;
        if (perChannel && p != qsh.core.quant.QuantMode.SYMMETRIC) {
            if (param != null) {
                notes.add("  per-channel weights are symmetric (spec): the weights use symmetric, not " + param.id());
            }
            p = qsh.core.quant.QuantMode.SYMMETRIC;
        }
        return cfg.withPerChannel(false).withQuantizers(p, a).withPerChannel(perChannel);
    }

    static Rounded adaround(Session session, ModelState m, AlgorithmConfig config, Path list) {
        AlgorithmConfig.Adaround a = (AlgorithmConfig.Adaround) config.section("adaround");
        Graph g = m.graph();
        List<String> notes = new ArrayList<>();
        QuantConfig cfg = adaroundConfig(base(session, m), a.args(), notes);
        QuantOverrides ov = adaroundOverrides(g, m.overrides(), a.args(), notes);
        AlgorithmConfig.Dataset ds = config.dataset(a.dataset());
        List<Batch> batches = session.js().withScripts(js -> ConfigData.batches(js, ds, g, Integer.MAX_VALUE));
        if (batches.size() < a.numBatches()) {
            notes.add("  warning: num_batches is " + a.numBatches() + " but dataset '" + ds.name() + "' has " + batches.size() + " batches");
        }
        List<Map<String, Tensor>> samples = ConfigData.samples(batches, a.numBatches());
        List<Map<String, Tensor>> calib = list != null ? CalibrationInputs.samples(list, g, Integer.MAX_VALUE)
                : ConfigData.samples(batches, batches.size());
        ModelState.Step<ModelQuantizer.Outcome> calibrated;
        try {
            calibrated = m.calibrate(ModelQuantizer.Converter.DEFAULTS, inputs(calib, g, list != null ? list.toString()
                    : "dataset " + ds.name()), cfg, ov, session.progress("calibrate", calib.size()));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new CommandException(e.getMessage());
        }
        ModelQuantizer.Outcome q = calibrated.result();
        notes.add("  encodings " + q.plan().label() + " computed on " + calib.size() + " samples (" + (list != null ? list.getFileName()
                : "dataset " + ds.name()) + "), frozen; rounding learned on " + samples.size() + " samples (" + Math.min(a.numBatches(),
                batches.size()) + " batches of " + ds.loader().text() + ")");
        AdaRound.Options opt = adaroundOptions(a.args(), batches.get(0).samples().size());
        long layers = q.plan().params().values().stream().filter(p -> p.isInt()).count();
        ModelState.Step<AdaRound.Result> rounded;
        try {
            rounded = calibrated.state().adaround(samples, opt, session.progress("adaround", (int) layers));
        } catch (IllegalStateException e) {
            throw new CommandException(e.getMessage());
        }
        return new Rounded(rounded.state(), rounded.result(), opt, samples.size(), notes);
    }
}
