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
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.commands.spi.SessionTensor;
import qsh.commands.spi.SubcommandSpec;
import qsh.core.quant.Encoding;
import qsh.core.tensor.TensorStats;

/** {@code show NAME}: a header (name, shape, dtype, encoding, stats) and a summarised body. */
public final class ShowCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("show", "tensors",
            "print a tensor: header with shape, dtype, encoding and statistics, then its values (summarised)",
            List.of(ArgSpec.of("NAME", ArgKind.TENSOR)),
            List.of(OptionSpec.integer("edge", "N", "items shown at each end of every axis").defaults(3).range(1, 1000)),
            List.of("let x = [-1.8, -1.0, 0, 0.5]; show x", "load demo; show features.0.weight --edge 5", "show node /features/features.0/Conv"), List.of("let", "tensors", "hist", "node"), true)
            .withSubcommands(SubcommandSpec.of("tensor", "a session tensor, weight or activation", ArgSpec.of("NAME", ArgKind.TENSOR)),
                    SubcommandSpec.of("node", "a node of the model (as the node command)", ArgSpec.of("NODE", ArgKind.NODE)));

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        String first = args.positional(0, "a tensor name");
        if (first.equals("node")) {
            String name = args.positional(1, "a node name");
            args.atMost(2);
            return qsh.commands.model.NodeDescription.describe(session, name);
        }
        int at = first.equals("tensor") ? 1 : 0;
        SessionTensor st = session.tensor(args.positional(at, "a tensor name"));
        args.atMost(at + 1);
        int edge = args.getInt("edge");
        TensorStats s = TensorStats.of(st.tensor());
        List<String> lines = new ArrayList<>();
        lines.add(st.name() + ": " + st.dtype() + " " + Format.shape(st.tensor().shape()) + "  (" + st.origin() + ")");
        lines.add("  stats: min " + Format.num(s.min()) + ", max " + Format.num(s.max()) + ", mean " + Format.num(s.mean())
                + ", std " + Format.num(s.std()) + ", count " + s.count());
        for (int i = 0; i < st.encodings().size(); i++) {
            lines.add("  encoding" + (st.axis() >= 0 ? " [" + i + "]" : "") + ": " + EncodingText.describe(st.encodings().get(i)));
        }
        boolean ints = st.kind().equals("quantized");
        lines.add("  " + (ints ? Format.ints(st.tensor().data(), st.tensor().shape(), edge)
                : Format.values(st.tensor().data(), st.tensor().shape(), edge)));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("name", st.name());
        data.put("dtype", st.dtype());
        data.put("shape", st.tensor().shape());
        data.put("origin", st.origin());
        data.put("stats", s);
        List<Map<String, Object>> encs = new ArrayList<>();
        for (Encoding e : st.encodings()) {
            encs.add(EncodingText.json(e));
        }
        data.put("encodings", encs);
        if (st.tensor().size() <= EncodeCommand.JSON_VALUES_LIMIT) {
            data.put("values", st.tensor().data());
        }
        return Result.of(data, lines);
    }
}
