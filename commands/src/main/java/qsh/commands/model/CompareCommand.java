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
 * {@code compare INPUT_LIST}: per-layer SQNR between the float and the quantized model, worst first, and which
 * error source dominates each layer — measured by two more simulations, one with only the weights quantized
 * and one with only the activations quantized (the lower SQNR of the two is the dominant source). The work is
 * {@link Comparison}'s (JavaScript's {@code qsh.compare} calls it too).
 */
public final class CompareCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("compare", "quantization",
            "per-layer SQNR of the quantized model vs float, worst first; weights or activations dominate?", List.of(ArgSpec.of("INPUT_LIST", ArgKind.FILE)),
            List.of(OptionSpec.integer("limit", "N", "use the first N lines of the list").defaults(16).atLeast(1),
                    OptionSpec.integer("top", "N", "rows to print (default {default}; --json has all)").defaults(12).atLeast(1),
                    OptionSpec.file("png", "FILE.png", "also draw the SQNR of every layer as bars")),
            List.of("calibrate scripts/data/demo/input_list.txt; compare scripts/data/demo/input_list.txt", "compare scripts/data/demo/input_list.txt --limit 100 --top 30"),
            List.of("calibrate", "evaluate", "eval"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        return Comparison.run(session, Comparison.request(args));
    }
}
