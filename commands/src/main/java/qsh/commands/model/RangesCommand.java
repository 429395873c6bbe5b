package qsh.commands.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.commands.spi.ArgKind;
import qsh.commands.spi.ArgSpec;
import qsh.commands.spi.Args;
import qsh.commands.spi.ChannelRanges;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.Format;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.commands.spi.TextFit;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.tensor.Tensor;

/**
 * {@code ranges NODE}: per-output-channel weight ranges, one whisker row per channel on a shared axis — the
 * picture of why one per-tensor grid fails when channel ranges differ (Nagel et al. 2019, Fig. 2).
 */
public final class RangesCommand implements Command {
    /** The whisker axis on a wide terminal; a narrower one (80 columns: scripts, transcripts) gets what fits. */
    static final int DEFAULT_WIDTH = 50;
    private static final CommandSpec SPEC = new CommandSpec("ranges", "model",
            "per-output-channel weight ranges of a node, one whisker row per channel", List.of(ArgSpec.of("NODE", ArgKind.NODE)),
            List.of(OptionSpec.integer("width", "N", "width of the whisker axis (default: what fits the terminal, at most "
                    + DEFAULT_WIDTH + ")").range(10, 200),
                    OptionSpec.integer("max", "N", "show at most N channels").defaults(32).atLeast(1),
                    OptionSpec.file("png", "FILE.png", "also draw every channel's range as a PNG")),
            List.of("ranges /features/features.0/Conv", "ranges /features/features.3/body/body.3/Conv --max 8"), List.of("node", "encode"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        String name = args.positional(0, "a node name");
        args.atMost(1);
        Graph g = session.requireModel().graph();
        Node n;
        try {
            n = g.node(name);
        } catch (IllegalArgumentException e) {
            throw new CommandException("no node named '" + name + "'; 'graph' lists them");
        }
        Object w = n.inputs().size() > 1 ? g.weights().get(n.input(1)) : null;
        if (!(w instanceof Tensor)) {
            throw new CommandException("node '" + name + "' (" + n.opType() + ") has no float weight as its second input");
        }
        Tensor t = (Tensor) w;
        ChannelRanges r = ChannelRanges.of(n, t);
        int axis = r.axis();
        int channels = r.channels();
        float[] lo = r.lo();
        float[] hi = r.hi();
        float gl = r.min();
        float gh = r.max();
        int max = args.getInt("max");
        int columns = session.columns();
        List<String> numbers = new ArrayList<>();
        int numbersWidth = 0;
        for (int c = 0; c < Math.min(max, channels); c++) {
            numbers.add("[" + Format.num(lo[c]) + ", " + Format.num(hi[c]) + "]");
            numbersWidth = Math.max(numbersWidth, TextFit.width(numbers.get(c)));
        }
        // a row is "  cccc │axis│  [lo, hi]": the axis gets what the terminal leaves (--width asks for an exact one)
        int width = args.getInt("width", Math.max(10, Math.min(DEFAULT_WIDTH, columns - 7 - 2 - 2 - numbersWidth)));
        List<String> lines = new ArrayList<>();
        lines.addAll(TextFit.wrap(name + " (" + n.opType() + ") weight " + n.input(1) + " " + Format.shape(t.shape()) + ": "
                + channels + " output channels on axis " + axis + ", overall [" + Format.num(gl) + ", " + Format.num(gh) + "]",
                2, columns));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            rows.add(Map.of("channel", c, "min", lo[c], "max", hi[c]));
            if (c < max) {
                lines.add(String.format("  %4d %s  %s", c, r.row(c, width), numbers.get(c)));
            }
        }
        if (channels > max) {
            lines.add("  … " + (channels - max) + " more channels (--max " + channels + " shows all)");
        }
        if (args.get("png").isPresent()) {
            qsh.commands.spi.Charts.channelRanges(session.resolve(args.get("png").get()), "weight ranges per output channel: "
                    + name + " (" + n.input(1) + ")", r, null);
            lines.add("  drew " + args.get("png").get());
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("node", name);
        data.put("weight", n.input(1));
        data.put("axis", axis);
        data.put("channels", rows);
        return Result.of(data, lines);
    }
}
