package qsh.commands.model;

import java.util.List;
import qsh.commands.spi.ArgKind;
import qsh.commands.spi.ArgSpec;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.ModelLoader;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;

/** {@code load FILE|demo}: reads an ONNX model into the session and summarises it ({@link Loading}). */
public final class LoadCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("load", "model",
            "load an ONNX model (or the built-in demo) and summarise it", List.of(ArgSpec.of("FILE.onnx|demo", ArgKind.MODEL)), List.of(ModelLoader.INPUT_DIM, ModelLoader.NO_SIMPLIFICATION),
            List.of("load demo", "load models/net.onnx --json", "load rec.onnx --input_dim x 1,3,48,320"), List.of("graph", "infer", "save"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        String what = args.positional(0, "a model file or 'demo'");
        args.atMost(1);
        return Loading.load(session, what, args.getAll("input_dim"), args.has("no_simplification"));
    }
}
