package qsh.commands.builtin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.commands.spi.ArgKind;
import qsh.commands.spi.ArgSpec;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.Format;
import qsh.commands.spi.Operands;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.core.metrics.ClippingSweep;
import qsh.core.quant.EncoderOptions;
import qsh.core.quant.Encoders;
import qsh.core.quant.Encoding;
import qsh.core.quant.Explanation;
import qsh.core.quant.QuantMode;
import qsh.core.tensor.Tensor;
import qsh.core.tensor.TensorStats;

/**
 * {@code sweep TENSOR}: quantization error (SQNR) against the clipping range, as a terminal curve with the
 * ranges tf, percentile and enhanced choose marked on it — why clipping a long tail can beat min/max.
 */
public final class SweepCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("sweep", "encodings",
            "SQNR vs clipping range for a tensor, with where tf, percentile and enhanced land", List.of(ArgSpec.of("TENSOR", ArgKind.TENSOR)),
            List.of(OptionSpec.integer("bw", "N", "bitwidth (default: the 'bitwidth' setting)"),
                    OptionSpec.integer("steps", "N", "points on the curve").defaults(24).range(2, 200),
                    OptionSpec.number("from", "F", "smallest range, as a fraction of the true range").defaults(0.02).range(1e-4, 0.99),
                    OptionSpec.file("png", "FILE.png", "also draw the curve as a PNG")),
            List.of("let t = longtail 20000 --seed 1; sweep t --bw 4", "sweep t --bw 8 --png /tmp/sweep.png"),
            List.of("encode", "hist"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        Operands.Operand op = Operands.tensor(args, 0, session);
        args.atMost(1);
        int bw = Operands.bitwidth(args, session);
        int steps = args.getInt("steps");
        double from = args.getDouble("from");
        Tensor t = op.tensor();
        EncoderOptions opts = session.settings().encoderOptions();
        TensorStats s = TensorStats.of(t);
        ClippingSweep.Point[] curve = ClippingSweep.sweep(t.data(), s.min(), s.max(), bw, steps, from, opts);
        float[] scratch = new float[t.size()];
        Map<String, double[]> marks = new LinkedHashMap<>();
        for (QuantMode m : new QuantMode[] {QuantMode.TF, QuantMode.PERCENTILE, QuantMode.ENHANCED}) {
            Encoding e = Encoders.encode(m, t.data(), bw, opts, Explanation.NONE);
            double f = Math.max(e.max() / (s.max() == 0 ? 1 : s.max()), e.min() / (s.min() == 0 ? -1 : s.min()));
            marks.put(m.id(), new double[] {f, ClippingSweep.sqnr(t.data(), e, opts, scratch)});
        }
        double best = Double.NEGATIVE_INFINITY;
        int bestAt = 0;
        for (int i = 0; i < curve.length; i++) {
            if (curve[i].sqnrDb() > best) {
                best = curve[i].sqnrDb();
                bestAt = i;
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add("sweep " + op.name() + ": " + bw + "-bit SQNR vs clipping range (range = true range × f; tf is f = 1)");
        double top = Math.max(best, 1);
        for (int i = 0; i < curve.length; i++) {
            ClippingSweep.Point p = curve[i];
            int cells = (int) Math.round(Math.max(0, p.sqnrDb()) / top * 40);
            lines.add(String.format("  f %6.3f  [%10s, %10s] %6.2f dB │%s%s", p.factor(), Format.num(p.encoding().min()),
                    Format.num(p.encoding().max()), p.sqnrDb(), "█".repeat(cells), i == bestAt ? " ◀ best" : ""));
        }
        marks.forEach((k, v) -> lines.add(String.format("  %-10s chooses f ≈ %.3f: %.2f dB", k, v[0], v[1])));
        Map<String, Object> data = new LinkedHashMap<>();
        List<Map<String, Object>> pts = new ArrayList<>();
        for (ClippingSweep.Point p : curve) {
            pts.add(Map.of("factor", p.factor(), "min", p.encoding().min(), "max", p.encoding().max(), "sqnr_db", p.sqnrDb()));
        }
        data.put("tensor", op.name());
        data.put("bitwidth", bw);
        data.put("curve", pts);
        Map<String, Object> m = new LinkedHashMap<>();
        marks.forEach((k, v) -> m.put(k, Map.of("factor", v[0], "sqnr_db", v[1])));
        data.put("encoders", m);
        if (args.get("png").isPresent()) {
            qsh.commands.spi.Charts.clippingCurve(session.resolve(args.get("png").get()), "SQNR vs clipping range: " + op.name()
                    + ", " + bw + " bits", curve, marks);
            lines.add("  drew " + args.get("png").get());
        }
        return Result.of(data, lines);
    }
}
