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
 * {@code export OUT.onnx}: the quantized model as a QDQ ONNX model (QuantizeLinear/DequantizeLinear around float
 * ops, integer weights; opset 13, or 21 for 4/16-bit) plus {@code OUT.encodings} (AIMET JSON) next to it
 * ({@link Exporting}).
 */
public final class ExportCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("export", "quantization",
            "write the quantized model as QDQ ONNX (ONNX Runtime runs it) and OUT.encodings", List.of(ArgSpec.of("OUT.onnx", ArgKind.FILE)),
            List.of(OptionSpec.flag("pack-4-bit-weights", "store 4-bit weights packed as int4/uint4 (opset 21)"),
                    OptionSpec.choice("version", "encodings JSON version", "0.4.0", "0.5.0", "0.6.1", "1.0.0")
                            .defaults(EncodingsVersion.V0_6_1.text())),
            List.of("calibrate scripts/data/demo/input_list.txt; export /tmp/demo_w8a8.onnx", "export /tmp/demo_w4.onnx --pack-4-bit-weights"),
            List.of("calibrate", "encodings", "save"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        String file = args.positional(0, "an output file (OUT.onnx)");
        args.atMost(1);
        return Exporting.export(session, file, args.has("pack-4-bit-weights"), EncodingsVersion.parse(args.getOrDefault("version")));
    }
}
