package qsh.commands.algorithms;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.core.calib.CalibrationInputs;
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
import qsh.core.adaround.AdaRound;
import qsh.core.tensor.Tensor;

/**
 * {@code adaround INPUT_LIST}: learned rounding of the quantized model's Conv/Gemm weights (Nagel et al. 2020) on
 * calibration data, after {@code calibrate} fixed the encodings. The spec's default mode ("--apply_algorithms
 * adaround" without a config: the data of the input list).
 */
public final class AdaroundCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("adaround", "quantization",
            "learn each weight's rounding (up or down) layer by layer on calibration data (AdaRound)", List.of(ArgSpec.of("INPUT_LIST", ArgKind.FILE).asOptional()),
            List.of(OptionSpec.file("config", "FILE.yaml", "the spec's AdaRound config: a dataset with a JS loader, num_batches, optional_adaround_args"),
                    OptionSpec.integer("iterations", "N", "Adam steps per layer (default {default}; the paper uses 10 000)").defaults(AdaRound.Options.DEFAULTS.iterations()).atLeast(1),
                    OptionSpec.integer("samples", "N", "calibration inputs used (default {default}, from the start of the list)").defaults(64).atLeast(1),
                    OptionSpec.integer("batch", "N", "samples per step").defaults(AdaRound.Options.DEFAULTS.batchSize()).atLeast(1)),
            List.of("calibrate scripts/data/demo/input_list.txt --per-channel --weight-bw 4; adaround scripts/data/demo/input_list.txt", "adaround scripts/data/demo/input_list.txt --iterations 500",
                    "adaround --config scripts/algorithms/adaround.yaml"),
            List.of("calibrate", "eval", "compare"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        args.atMost(1);
        if (args.get("config").isPresent()) { // the spec's YAML: encodings computed here, then rounding on the dataset
            ModelState m = session.requireModel();
            ConfigRun.Rounded o = ConfigRun.adaround(session, m, ConfigRun.config(args, session), ConfigRun.optionalList(args, session));
            session.transform(o.model(), "adaround");
            return report(m.source(), o.model().plan().label(), o.result(), o.options(), o.samples(), session, o.notes());
        }
        String file = args.positional(0, "an input list (calibration data)");
        ModelState m = session.requireModel();
        if (!m.quantizesWeights()) { // before any data is read
            throw new CommandException(ModelState.ADAROUND_NEEDS_PLAN);
        }
        List<Map<String, Tensor>> samples = CalibrationInputs.samples(session.resolve(file), m.graph(),
                args.getInt("samples"));
        int count = samples.size();
        AdaRound.Options d = AdaRound.Options.DEFAULTS;
        AdaRound.Options opt = new AdaRound.Options(args.getInt("iterations"),
                args.getInt("batch"), d.lambda(), d.betaStart(), d.betaEnd(), d.warmup(),
                d.learningRate(), d.seed());
        long layers = m.plan().params().entrySet().stream().filter(e -> e.getValue().isInt()).count();
        ModelState.Step<AdaRound.Result> step;
        try {
            step = m.adaround(samples, opt, session.progress("adaround", (int) layers));
        } catch (IllegalStateException e) {
            throw new CommandException(e.getMessage());
        }
        AdaRound.Result r = step.result();
        session.transform(step.state(), "adaround");
        return report(m.source(), m.plan().label(), r, opt, count, session, List.of());
    }

    static Result report(String source, String label, AdaRound.Result r, AdaRound.Options opt, int count, Session session,
                         List<String> notes) {
        List<String> lines = new ArrayList<>();
        lines.add("adaround " + source + " (" + label + "): " + r.layers().size() + " layers, " + count
                + " samples, " + opt.iterations() + " iterations × batch " + opt.batchSize());
        lines.addAll(notes);
        boolean timing = session.settings().timing(); // times vary run to run: shown with 'set timing on' (and in --json)
        lines.add(String.format("  %-40s %12s %12s %9s%s", "layer", "MSE nearest", "MSE adaround", "flipped",
                timing ? String.format(" %8s", "ms") : ""));
        long total = 0;
        List<Map<String, Object>> json = new ArrayList<>();
        for (AdaRound.LayerReport l : r.layers()) {
            total += l.millis();
            lines.add(String.format("  %-40s %12.4g %12.4g %8.1f%%%s", qsh.commands.spi.Format.tail(l.layer(), 40), l.nearestMse(), l.adaroundMse(),
                    100.0 * l.flipped() / l.weights(), timing ? String.format(" %8d", l.millis()) : ""));
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("layer", l.layer());
            o.put("weight", l.weight());
            o.put("mse_nearest", l.nearestMse());
            o.put("mse_adaround", l.adaroundMse());
            o.put("flipped", l.flipped());
            o.put("weights", l.weights());
            o.put("ms", l.millis());
            json.add(o);
        }
        r.skipped().forEach((k, v) -> lines.add("  skipped " + k + ": " + v));
        lines.add("  " + (timing ? "total " + total + " ms; " : "") + "eval / evaluate / export now use the AdaRound weights");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("layers", json);
        data.put("skipped", r.skipped());
        data.put("total_ms", total);
        return Result.of(data, lines);
    }

}
