package qsh.commands.model;

import java.util.List;
import qsh.commands.spi.ArgKind;
import qsh.commands.spi.ArgSpec;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;

/**
 * {@code infer}: runs the model in float on raw inputs (the spec's input-list format: {@code name:=file.raw},
 * float32 little-endian) or seeded random ones; prints output summaries and keeps the activations so that
 * {@code show}, {@code hist} and {@code encode} work on them. The work is {@link Inference}'s (JavaScript's
 * {@code qsh.infer} calls it too).
 */
public final class InferCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("infer", "model",
            "run the model in float on raw inputs (NAME:=FILE.raw) or seeded random ones", List.of(ArgSpec.of("NAME:=FILE.raw|FILE.raw", ArgKind.INPUT_FILE).asVariadic()),
            OptionSpec.concat(ModelInputs.OPTIONS, OptionSpec.dir("out", "write each output as DIR/NAME.raw (float32 little-endian)")),
            List.of("infer --random --seed 1", "infer --random --shape 1x1x28x28", "infer scripts/data/demo/img0.raw", "infer input:=scripts/data/demo/img0.raw --out /tmp/out"),
            List.of("load", "graph", "show"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        return Inference.run(session, Inference.request(args));
    }
}
