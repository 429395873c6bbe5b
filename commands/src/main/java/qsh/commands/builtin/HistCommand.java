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
import qsh.commands.spi.EncodingText;
import qsh.commands.spi.Format;
import qsh.commands.spi.Operands;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.core.quant.Encoding;
import qsh.core.quant.Explanation;
import qsh.core.quant.QuantMode;
import qsh.core.tensor.Histogram;
import qsh.core.tensor.Tensor;
import qsh.core.tensor.TensorStats;

/**
 * {@code hist}: a terminal histogram, one row per bin, with the encoding range marked and the values that
 * fall outside it (clipped by quantization) counted — why enhanced/percentile beat min/max on long tails.
 */
public final class HistCommand implements Command {
    private static final String[] EIGHTHS = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};

    private static final CommandSpec SPEC = new CommandSpec("hist", "encodings",
            "histogram of a tensor with an encoding's range and clipped mass marked",
            List.of(ArgSpec.of("TENSOR|LITERAL", ArgKind.TENSOR)), OptionSpec.concat(List.of(
                    OptionSpec.choice("mode", "encoder whose range is marked (default: the 'mode' setting)", QuantMode.idArray()),
                    OptionSpec.integer("bw", "N", "bitwidth of the marked encoding (default: the 'bitwidth' setting)")),
                    OptionSpec.integer("bins", "N", "number of rows").defaults(20).range(2, 200),
                    OptionSpec.integer("width", "N", "bar width in characters").defaults(40).range(10, 200),
                    OptionSpec.file("png", "FILE.png", "also draw it as a PNG (80 bins unless --bins)")),
            List.of("let t = longtail 10000 --seed 1; hist t --mode enhanced --bw 4", "load demo; hist features.0.weight --bins 30"), List.of("encode", "show"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        Operands.Operand op = Operands.tensor(args, 0, session);
        args.atMost(1);
        int bins = args.getInt("bins");
        int width = args.getInt("width");
        int bw = Operands.bitwidth(args, session);
        Tensor t = op.tensor();
        Encoding e = Operands.checkFloat32Range(Operands.encoder(args, session).encode(t.data(), 0, t.size(), bw,
                session.settings().encoderOptions(), Explanation.NONE));
        TensorStats s = TensorStats.of(t);
        double lo = Math.min(s.min(), e.min());
        double hi = Math.max(s.max(), e.max());
        Histogram h = Histogram.of(t.data(), 0, t.size(), lo, hi, bins);
        double half = e.scale() / 2;
        long below = 0;
        long above = 0;
        for (float v : t.data()) {
            if (v < e.min() - half) {
                below++;
            } else if (v > e.max() + half) {
                above++;
            }
        }
        double peak = 0;
        for (int i = 0; i < bins; i++) {
            peak = Math.max(peak, h.count(i));
        }
        List<String> lines = new ArrayList<>();
        lines.add("hist " + op.name() + " " + Format.shape(t.shape()) + ": " + t.size() + " values; "
                + Operands.mode(args, session).id() + " " + bw + "-bit range [" + Format.num(e.min()) + ", "
                + Format.num(e.max()) + "], " + e.qmax() + " steps of " + Format.num(e.scale()));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < bins; i++) {
            double a = h.edge(i);
            double b = h.edge(i + 1);
            boolean outside = b <= e.min() - half || a >= e.max() + half;
            String mark = outside ? " ✂ clipped" : "";
            if (a <= e.min() && e.min() < b) {
                mark += " ◀ encoding-min";
            }
            if (a <= e.max() && e.max() < b || (i == bins - 1 && e.max() == b)) {
                mark += " ◀ encoding-max";
            }
            if (a <= 0 && 0 < b) {
                mark += " · zero (grid " + e.zeroPoint() + ")";
            }
            lines.add(String.format("  %11s │%-" + width + "s %d%s", Format.num(a), bar(h.count(i), peak, width),
                    (long) h.count(i), mark));
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("from", a);
            r.put("to", b);
            r.put("count", (long) h.count(i));
            rows.add(r);
        }
        lines.add(String.format("  clipped by the encoding: %d below, %d above (%.3f%% of values)", below, above,
                100.0 * (below + above) / t.size()));
        if (args.get("png").isPresent()) {
            String file = args.get("png").get();
            int pngBins = args.get("bins").isPresent() ? bins : 80;
            qsh.commands.spi.Charts.histogram(session.resolve(file), "hist " + op.name() + ": " + Operands.mode(args, session).id()
                    + " " + bw + "-bit encoding", Histogram.of(t.data(), 0, t.size(), lo, hi, pngBins), e, below, above);
            lines.add("  drew " + file);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("tensor", op.name());
        data.put("encoding", EncodingText.json(e));
        data.put("bins", rows);
        data.put("clipped_below", below);
        data.put("clipped_above", above);
        return Result.of(data, lines);
    }

    /** A bar of {@code count/peak·width} cells drawn with eighth blocks. */
    private static String bar(double count, double peak, int width) {
        if (peak <= 0) {
            return "";
        }
        int eighths = (int) Math.round(count / peak * width * 8);
        if (count > 0 && eighths == 0) {
            eighths = 1;
        }
        return "█".repeat(eighths / 8) + EIGHTHS[eighths % 8];
    }
}
