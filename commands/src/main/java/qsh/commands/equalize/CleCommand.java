package qsh.commands.equalize;

import java.util.List;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.commands.spi.SubcommandSpec;
import qsh.commands.spi.TransformData;

/**
 * {@code cle plan|step|apply}: cross-layer equalization (spec "Enhanced Quantization Techniques"; Nagel et al.
 * 2019). {@code plan} shows the chains and their numbers without changing anything; {@code step} equalizes the
 * next chain and draws the layer's channel ranges before and after; {@code apply} equalizes every chain.
 * Step and apply first fold batch norms and replace ReLU6 by ReLU, as the spec's converter does.
 * The work is {@link Equalizing}'s (JavaScript's {@code qsh.cle} calls it too).
 */
public final class CleCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("cle", "equalize",
            "cross-layer equalization: plan (show chains and scales), step (equalize the next chain), apply (all)",
            List.of(),
            OptionSpec.concat(List.of(OptionSpec.flag("keep-relu6", "leave ReLU6 activations alone (their chains are skipped)"),
                    OptionSpec.flag("explain", "print the formula and the numbers of the first channels"),
                    OptionSpec.integer("rows", "N", "channels shown per chain (4 for plan, 8 for step unless given)").atLeast(1),
                    OptionSpec.integer("width", "N", "width of each whisker axis in cle step (default: what fits the terminal,"
                            + " at most " + Equalizing.DEFAULT_WIDTH + ")").range(10, 80),
                    OptionSpec.file("png", "FILE.png", "cle step: also draw the layer's channel ranges before/after as a PNG")),
                    TransformData.OPTIONS),
            List.of("cle plan", "cle step --explain", "cle apply --keep-relu6"),
            List.of("fold-bn", "absorb-bias", "undo", "ranges"), true)
            .withSubcommands(SubcommandSpec.of("plan", "show the chains and their scales (changes nothing)"),
                    SubcommandSpec.of("step", "equalize the next chain, showing its channel ranges before and after"),
                    SubcommandSpec.of("apply", "equalize every chain"));

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        return Equalizing.run(session, Equalizing.request(args));
    }
}
