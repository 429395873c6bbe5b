package qsh.commands.model;

import java.util.List;
import qsh.commands.spi.ArgKind;
import qsh.commands.spi.ArgSpec;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;

/** {@code node NAME}: one node's op, attributes, inputs (weights with shapes), outputs and consumers ({@link NodeDescription}). */
public final class NodeCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("node", "model",
            "show one node: op, attributes, inputs and weights, outputs, who consumes them", List.of(ArgSpec.of("NODE", ArgKind.NODE)), List.of(),
            List.of("node /features/features.0/Conv", "node /features/features.0/Conv --json"), List.of("graph", "show", "ranges"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        String name = args.positional(0, "a node name");
        args.atMost(1);
        return NodeDescription.describe(session, name);
    }
}
