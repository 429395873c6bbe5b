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
import qsh.core.sim.EncodingsVersion;

/**
 * {@code calibrate LIST}: the spec's "Quantizing a Model" — runs the float model over an input list with
 * streaming statistics, then decides every tensor's precision (act/weight/bias bitwidths, quantizers,
 * per-channel weights, the overrides of {@code encodings load}, mixed-precision rules and convert ops) and builds
 * the simulation graph. {@code --float-fallback} does it without data: only overridden tensors are quantized.
 * The work is {@link Calibration}'s (JavaScript's {@code qsh.calibrate} calls it too).
 */
public final class CalibrateCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("calibrate", "quantization",
            "quantize the model: calibrate on an input list (or --float-fallback), apply overrides, plan every tensor",
            List.of(ArgSpec.of("INPUT_LIST", ArgKind.FILE).asOptional()),
            OptionSpec.concat(QuantOptions.SPECS, List.of(
                    OptionSpec.flag("float-fallback", "no input list: quantize only tensors with an override encoding"),
                    OptionSpec.flag("ignore-overrides", "ignore the overrides loaded with 'encodings load'"),
                    OptionSpec.flag("explain", "show each step with its numbers: statistics, fusion, encodings, bias rule, overrides, convert ops"),
                    OptionSpec.file("save", "FILE.json", "write the encodings as AIMET encodings JSON"),
                    OptionSpec.choice("version", "encodings JSON version for --save", "0.4.0", "0.5.0", "0.6.1", "1.0.0")
                            .defaults(EncodingsVersion.V0_6_1.text()))),
            List.of("calibrate scripts/data/demo/input_list.txt", "calibrate scripts/data/demo/input_list.txt --per-channel --bias-bw 32",
                    "calibrate scripts/data/demo/input_list.txt --act-bw 16 --save /tmp/enc.json", "calibrate --float-fallback"),
            List.of("encodings", "evaluate", "compare", "export"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        return Calibration.run(session, Calibration.request(args, session));
    }
}
