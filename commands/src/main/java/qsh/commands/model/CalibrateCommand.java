package qsh.commands.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.commands.ModelState;
import qsh.commands.Session;
import qsh.commands.builtin.EncodeCommand;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.core.calib.CalibrationInputs;
import qsh.core.calib.CalibrationStatistics;
import qsh.core.calib.HistogramObserver;
import qsh.core.calib.InputList;
import qsh.core.calib.RangeObserver;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.graph.ValueInfo;
import qsh.core.quant.EncoderOptions;
import qsh.core.quant.Encoders;
import qsh.core.quant.EnhancedEncoder;
import qsh.core.quant.Encoding;
import qsh.core.quant.Explanation;
import qsh.core.quant.PerChannel;
import qsh.core.quant.QuantMode;
import qsh.core.quant.RangeEncoder;
import qsh.core.quant.TfEncoder;
import qsh.core.sim.EncodingsJson;
import qsh.core.sim.EncodingsVersion;
import qsh.core.sim.QuantOverrides;
import qsh.core.tensor.Histogram;
import qsh.core.tensor.Tensor;

/**
 * {@code calibrate LIST}: runs the model over an input list (spec, "Quantizing a Model": one line per inference,
 * {@code name:=path} for several inputs, paths relative to the list) with streaming per-tensor statistics, then
 * computes activation encodings (act_bw, act_quantizer) and weight/bias encodings (weight_bw, param_quantizer;
 * biases in 32 bits with scale = input scale × weight scale and zero offset). {@code --save} writes AIMET JSON.
 */
public final class CalibrateCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("calibrate", "quantization",
            "compute activation and weight encodings from an input list; --save writes encodings JSON", "INPUT_LIST",
            List.of(OptionSpec.choice("act-bw", "activation bitwidth (spec: 8 or 16)", "8", "16"),
                    OptionSpec.choice("act-quantizer", "activation encoder", "tf", "symmetric", "enhanced", "percentile"),
                    OptionSpec.choice("weight-bw", "weight bitwidth (spec: 4, 8 or 16)", "4", "8", "16"),
                    OptionSpec.choice("param-quantizer", "weight encoder", "tf", "symmetric", "enhanced", "adjusted", "percentile"),
                    OptionSpec.flag("per-channel", "per-output-channel weight encodings for Conv/ConvTranspose (symmetric)"),
                    OptionSpec.value("save", "FILE.json", "write the encodings as AIMET encodings JSON"),
                    OptionSpec.choice("version", "encodings JSON version for --save (default 0.6.1)", "0.4.0", "0.5.0", "0.6.1", "1.0.0")),
            List.of("calibrate data/demo/input_list.txt", "calibrate list.txt --act-quantizer percentile --per-channel --save enc.json"),
            List.of("load", "infer", "encode"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        String file = args.positional(0, "an input list file");
        args.atMost(1);
        ModelState m = session.requireModel();
        Graph g = m.graph();
        EncoderOptions opts = session.settings().encoderOptions();
        int actBw = args.getInt("act-bw", 8);
        int weightBw = args.getInt("weight-bw", 8);
        String actQ = args.get("act-quantizer").orElse("tf");
        boolean perChannel = args.has("per-channel");
        QuantMode paramQ = QuantMode.parse(args.get("param-quantizer").orElse(perChannel ? "symmetric" : "tf"));
        if (perChannel && paramQ != QuantMode.SYMMETRIC) {
            throw new CommandException("per-channel weights use symmetric encodings (spec, per-channel overrides); drop --param-quantizer or use symmetric");
        }
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (ValueInfo v : g.inputs()) {
            if (!v.isStatic()) {
                throw new CommandException("input '" + v.name() + "' has a symbolic shape " + v.shapeString() + "; calibration needs fixed shapes (batch 1)");
            }
            int[] s = new int[v.dims().length];
            for (int i = 0; i < s.length; i++) {
                s[i] = Math.toIntExact(v.dims()[i]);
            }
            shapes.put(v.name(), s);
        }
        CalibrationInputs inputs = new CalibrationInputs(InputList.read(session.resolve(file)), shapes);
        CalibrationStatistics stats = actQ.equals("percentile") || actQ.equals("enhanced") ? CalibrationStatistics.withHistograms(2048)
                : CalibrationStatistics.rangesOnly();
        for (int i = 0; i < inputs.size(); i++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CommandException("calibration interrupted after " + i + " of " + inputs.size() + " inputs");
            }
            Map<String, Tensor> in = inputs.load(i);
            in.forEach(stats::observe);
            Executor.run(g, in, (name, node, value) -> {
                if (value instanceof Tensor) {
                    stats.observe(name, (Tensor) value);
                }
            });
        }
        Map<String, List<Encoding>> acts = new LinkedHashMap<>();
        for (String t : stats.tensors()) {
            acts.put(t, List.of(activationEncoding(stats, t, actQ, actBw, opts)));
        }
        Map<String, List<Encoding>> params = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            boolean conv = n.opType().equals("Conv") || n.opType().equals("ConvTranspose");
            if (!conv && !n.opType().equals("Gemm") && !n.opType().equals("MatMul")) {
                continue;
            }
            Object w = g.weights().get(n.input(1));
            if (!(w instanceof Tensor)) {
                continue;
            }
            Tensor wt = (Tensor) w;
            List<Encoding> we = perChannel && conv
                    ? PerChannel.encode(wt, n.opType().equals("Conv") ? 0 : 1, Encoders.forMode(paramQ), weightBw, opts, Explanation.NONE)
                    : List.of(Encoders.encode(paramQ, wt.data(), weightBw, opts, Explanation.NONE));
            params.put(n.input(1), we);
            List<Encoding> inEnc = acts.get(n.input(0));
            if (!n.input(2).isEmpty() && g.weights().get(n.input(2)) instanceof Tensor && inEnc != null) {
                List<Encoding> be = new ArrayList<>();
                for (Encoding e : we) { // spec: bias scale = input scale × weight scale, zero offset (signed 32-bit)
                    be.add(Encoding.fromScaleAndZeroPoint(32, inEnc.get(0).scale() * e.scale(), 1L << 31, true));
                }
                params.put(n.input(2), be);
            }
        }
        QuantOverrides enc = QuantOverrides.of(acts, params);
        if (args.get("save").isPresent()) {
            EncodingsVersion v = versionOf(args.get("version").orElse("0.6.1"));
            EncodingsJson.write(session.resolve(args.get("save").get()), enc, v);
        }
        session.model(session.model().orElseThrow().withEncodings(enc));
        return summary(m, inputs.size(), actQ, actBw, paramQ, weightBw, perChannel, enc, args.get("save").orElse(null));
    }

    private static Encoding activationEncoding(CalibrationStatistics stats, String t, String actQ, int bw, EncoderOptions opts) {
        switch (actQ) {
            case "percentile": {
                HistogramObserver h = stats.histogram(t);
                double p = opts.percentile() / 100;
                return TfEncoder.fromTrueRange(h.quantile(1 - p), h.quantile(p), bw, opts, Explanation.NONE);
            }
            case "enhanced": {
                // AIMET-style SQNR search over the streamed histogram (algorithms.md, "Enhanced")
                HistogramObserver h = stats.histogram(t);
                Histogram hist = Histogram.ofCounts(h.lowerEdge(), h.lowerEdge() + h.binWidth() * h.bins(), h.counts());
                return new EnhancedEncoder(false).fromHistogram(hist, bw, opts, Explanation.NONE);
            }
            default: { // tf, symmetric: the streamed true range is all they need
                RangeObserver r = stats.range(t);
                return ((RangeEncoder) Encoders.forMode(QuantMode.parse(actQ))).encodeRange(r.min(), r.max(), bw, opts,
                        Explanation.NONE);
            }
        }
    }

    private static EncodingsVersion versionOf(String s) {
        for (EncodingsVersion v : EncodingsVersion.values()) {
            if (v.text().equals(s)) {
                return v;
            }
        }
        throw new CommandException("unknown encodings version " + s);
    }

    private static Result summary(ModelState m, int n, String actQ, int actBw, QuantMode paramQ, int weightBw,
                                  boolean perChannel, QuantOverrides enc, String saved) {
        List<String> lines = new ArrayList<>();
        lines.add("calibrate " + m.source() + " on " + n + " input(s): " + enc.activations().size() + " activation encodings ("
                + actQ + ", " + actBw + " bits), " + enc.params().size() + " weight/bias encodings (" + paramQ.id() + ", "
                + weightBw + " bits" + (perChannel ? ", per channel" : "") + "; biases 32 bits)");
        int shown = 0;
        for (Map.Entry<String, List<Encoding>> e : enc.activations().entrySet()) {
            if (shown++ >= 8) {
                lines.add("  … " + (enc.activations().size() - 8) + " more activations (--json lists all)");
                break;
            }
            lines.add(String.format("  %-48s %s", e.getKey(), EncodeCommand.describe(e.getValue().get(0))));
        }
        if (saved != null) {
            lines.add("  wrote " + saved);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("inputs", n);
        Map<String, Object> a = new LinkedHashMap<>();
        enc.activations().forEach((k, v) -> a.put(k, v.stream().map(EncodeCommand::json).toList()));
        Map<String, Object> p = new LinkedHashMap<>();
        enc.params().forEach((k, v) -> p.put(k, v.stream().map(EncodeCommand::json).toList()));
        data.put("activation_encodings", a);
        data.put("param_encodings", p);
        return Result.of(data, lines);
    }
}
