package qsh.commands.algorithms;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.commands.spi.Args;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.core.adaround.AdaRound;
import qsh.core.calib.CalibrationInputs;
import qsh.core.tensor.Tensor;
import qsh.core.workflow.ModelState;

/**
 * AdaRound on the session's quantized model ({@link ModelState#adaround}, or the spec's YAML config) with typed
 * arguments: what {@code adaround} and JavaScript's {@code qsh.adaround} both call. The rounded model becomes the
 * session's, as an undoable step.
 */
public final class Rounding {
    private Rounding() {}

    /**
     * What to round with.
     *
     * @param inputList the calibration data as typed (resolved against the session's folder); optional with a config
     * @param config    the spec's AdaRound YAML config as typed, or null
     * @param samples   how many inputs of the list are used
     * @param options   Adam steps, batch size and the paper's hyper-parameters
     */
    public record Request(String inputList, String config, int samples, AdaRound.Options options) {}

    /** The request {@code adaround}'s arguments describe (typed words, or {@link Args#of} for a JS call). */
    public static Request request(Args args) {
        args.atMost(1);
        String config = args.get("config").orElse(null);
        String list = config != null && args.positional().isEmpty() ? null
                : args.positional(0, "an input list (calibration data)");
        AdaRound.Options d = AdaRound.Options.DEFAULTS;
        AdaRound.Options opt = new AdaRound.Options(args.getInt("iterations"),
                args.getInt("batch"), d.lambda(), d.betaStart(), d.betaEnd(), d.warmup(),
                d.learningRate(), d.seed());
        return new Request(list, config, args.getInt("samples"), opt);
    }

    /** Rounds the session's model as {@code r} asks; the result becomes the session's model (undo reverts it). */
    public static Result run(Session session, Request r) {
        if (r.config() != null) { // the spec's YAML: encodings computed here, then rounding on the dataset
            ModelState m = session.requireModel();
            ConfigRun.Rounded o = ConfigRun.adaround(session, m, AlgorithmConfig.read(session.resolve(r.config()), r.config()),
                    r.inputList() == null ? null : session.resolve(r.inputList()));
            session.transform(o.model(), "adaround");
            return report(m.source(), o.model().plan().label(), o.result(), o.options(), o.samples(), session, o.notes());
        }
        ModelState m = session.requireModel();
        if (!m.quantizesWeights()) { // before any data is read
            throw new CommandException(ModelState.ADAROUND_NEEDS_PLAN);
        }
        List<Map<String, Tensor>> samples = CalibrationInputs.samples(session.resolve(r.inputList()), m.graph(), r.samples());
        int count = samples.size();
        long layers = m.plan().params().entrySet().stream().filter(e -> e.getValue().isInt()).count();
        ModelState.Step<AdaRound.Result> step;
        try {
            step = m.adaround(samples, r.options(), session.progress("adaround", (int) layers));
        } catch (IllegalStateException e) {
            throw new CommandException(e.getMessage());
        }
        session.transform(step.state(), "adaround");
        return report(m.source(), m.plan().label(), step.result(), r.options(), count, session, List.of());
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
