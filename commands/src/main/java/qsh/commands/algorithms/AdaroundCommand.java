package qsh.commands.algorithms;

import java.util.List;
import qsh.commands.spi.ArgKind;
import qsh.commands.spi.ArgSpec;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.core.adaround.AdaRound;

/**
 * {@code adaround INPUT_LIST}: learned rounding of the quantized model's Conv/Gemm weights (Nagel et al. 2020) on
 * calibration data, after {@code calibrate} fixed the encodings. The spec's default mode ("--apply_algorithms
 * adaround" without a config: the data of the input list). {@link Rounding} does the work.
 */
public final class AdaroundCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("adaround", "quantization",
            "learn each weight's rounding (up or down) layer by layer on calibration data (AdaRound)", List.of(ArgSpec.of("INPUT_LIST", ArgKind.FILE).asOptional()),
            List.of(OptionSpec.file("config", "FILE.yaml", "the spec's AdaRound config: a dataset with a JS loader, num_batches, optional_adaround_args"),
                    OptionSpec.integer("iterations", "N", "Adam steps per layer (default {default}; the paper uses 10 000)").defaults(AdaRound.Options.DEFAULTS.iterations()).atLeast(1),
                    OptionSpec.integer("samples", "N", "calibration inputs used (default {default}, from the start of the list)").defaults(64).atLeast(1),
                    OptionSpec.integer("batch", "N", "samples per step").defaults(AdaRound.Options.DEFAULTS.batchSize()).atLeast(1)),
            List.of("calibrate scripts/data/demo/input_list.txt --per-channel --weight-bw 4; adaround scripts/data/demo/input_list.txt", "adaround scripts/data/demo/input_list.txt --iterations 500",
                    "adaround --config scripts/algorithms/adaround.yaml"),
            List.of("calibrate", "eval", "compare"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        return Rounding.run(session, Rounding.request(args));
    }
}
