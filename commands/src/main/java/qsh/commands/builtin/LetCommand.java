package qsh.commands.builtin;

import java.util.List;
import java.util.Map;
import qsh.commands.spi.ArgKind;
import qsh.commands.spi.ArgSpec;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.Format;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.commands.spi.SessionTensor;
import qsh.commands.spi.TensorExpressions;
import qsh.core.tensor.Tensor;
import qsh.core.tensor.TensorGenerators;

/** {@code let NAME = LITERAL|TENSOR|GENERATOR SHAPE [options]}: names a tensor in the session. */
public final class LetCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("let", "tensors",
            "name a tensor: a literal, a copy of another tensor, or a seeded generator",
            List.of(ArgSpec.of("NAME", ArgKind.NAME), ArgSpec.of("=", ArgKind.TEXT).orWords("="),
                    ArgSpec.of("[..]|TENSOR|normal|uniform|longtail|perchannel", ArgKind.TENSOR).orWords(TensorExpressions.GENERATORS.toArray(String[]::new)),
                    ArgSpec.of("SHAPE", ArgKind.TEXT).asOptional()),
            List.of(OptionSpec.integer("seed", "N", "random seed").defaults(1),
                    OptionSpec.number("mean", "X", "normal: mean").defaults(0),
                    OptionSpec.number("std", "X", "normal: standard deviation").defaults(1),
                    OptionSpec.number("lo", "X", "uniform: lower bound").defaults(-1),
                    OptionSpec.number("hi", "X", "uniform: upper bound").defaults(1),
                    OptionSpec.number("scale", "X", "longtail: Laplace scale of the bulk").defaults(1),
                    OptionSpec.number("tail", "P", "longtail: fraction of outliers 10x wider").defaults(0.01).range(0, 1),
                    OptionSpec.number("spread", "S", "perchannel: channel std spread, log-uniform in [1/S, S]").defaults(10)),
            List.of("let x = [-1.8, -1.0, 0, 0.5]", "let w = normal 4x16 --seed 7 --std 0.2",
                    "let t = longtail 10000 --seed 1 --tail 0.01"),
            List.of("show", "tensors", "encode"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        String name = args.positional(0, "a name");
        Session.checkName(name);
        if (!"=".equals(args.positional(1, "'='"))) {
            throw new CommandException("let: expected '=' after the name (usage: let NAME = [1, 2, 3])");
        }
        String what = args.positional(2, "a literal, tensor name or generator");
        Tensor t;
        String origin;
        if (TensorExpressions.GENERATORS.contains(what)) {
            int[] shape = TensorExpressions.parseShape(args.positional(3, "a shape like 8x27"));
            args.atMost(4);
            long seed = args.getInt("seed");
            switch (what) {
                case "normal":
                    t = TensorGenerators.normal(shape, args.getDouble("mean"), positive(args, "std"), seed);
                    break;
                case "uniform": {
                    double lo = args.getDouble("lo");
                    double hi = args.getDouble("hi");
                    if (!(hi > lo)) {
                        throw new CommandException("uniform needs --hi > --lo");
                    }
                    t = TensorGenerators.uniform(shape, lo, hi, seed);
                    break;
                }
                case "longtail":
                    t = TensorGenerators.longTailed(shape, positive(args, "scale"), args.getDouble("tail"), seed);
                    break;
                default:
                    if (shape.length != 2) {
                        throw new CommandException("perchannel needs a 2-D shape CHANNELSxN, e.g. 8x27");
                    }
                    t = TensorGenerators.perChannel(shape[0], shape[1], positive(args, "spread"), seed);
            }
            origin = what + " seed " + seed;
        } else {
            args.atMost(3);
            t = TensorExpressions.resolve(what, session).copy();
            origin = what.startsWith("[") ? "literal" : "copy of " + what;
        }
        session.put(SessionTensor.floats(name, t, origin));
        return Result.of(Map.of("name", name, "shape", t.shape(), "origin", origin),
                List.of(name + " " + Format.shape(t.shape()) + " = " + origin));
    }

    private static double positive(Args args, String name) {
        double v = args.getDouble(name);
        if (!(v > 0)) {
            throw new CommandException("--" + name + " must be positive");
        }
        return v;
    }
}
