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
import qsh.commands.spi.SubcommandSpec;
import qsh.core.sim.EncodingsVersion;

/**
 * {@code encodings show|save|load|clear}: the quantized model's encodings (spec, "Quantization Overrides"):
 * list them, write them as AIMET JSON, load an overrides file for the next {@code calibrate}, or strip every
 * encoding to get the float model back. The work is {@link Encodings}'s (JavaScript's {@code qsh.encodings} calls
 * it too).
 */
public final class EncodingsCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("encodings", "quantization",
            "show, save, load (as overrides) or clear the model's encodings", List.of(),
            List.of(OptionSpec.choice("version", "JSON version for save", "0.4.0", "0.5.0", "0.6.1", "1.0.0")
                    .defaults(EncodingsVersion.V0_6_1.text())),
            List.of("calibrate scripts/data/demo/input_list.txt; encodings show", "encodings show input", "encodings save /tmp/enc.json --version 1.0.0",
                    "encodings load scripts/data/overrides/mixed-int16.json", "encodings clear"),
            List.of("calibrate", "export"), true)
            .withSubcommands(SubcommandSpec.of("show", "list the encodings (or one tensor's)", ArgSpec.of("TENSOR", ArgKind.TENSOR).asOptional()),
                    SubcommandSpec.of("save", "write them as AIMET encodings JSON", ArgSpec.of("FILE", ArgKind.FILE)),
                    SubcommandSpec.of("load", "read an encodings JSON as overrides for the next calibrate", ArgSpec.of("FILE", ArgKind.FILE)),
                    SubcommandSpec.of("clear", "drop the loaded overrides"));

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        return Encodings.run(session, Encodings.request(args));
    }
}
