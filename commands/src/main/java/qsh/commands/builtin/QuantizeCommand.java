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
import qsh.commands.spi.Operands;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.commands.spi.SessionTensor;
import qsh.core.quant.Encoding;
import qsh.core.tensor.Tensor;

/** {@code quantize}: stores the grid values of a tensor as a new session tensor that keeps its encoding. */
public final class QuantizeCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("quantize", "encodings",
            "quantize a tensor onto its grid [0, 2^bw-1] and keep the result (with its encoding) as a new tensor",
            List.of(ArgSpec.of("TENSOR", ArgKind.TENSOR)), OptionSpec.concat(Operands.ENCODING_OPTIONS,
                    OptionSpec.of("as", ArgKind.NAME, "NAME", "name of the result (default: TENSOR_q)")),
            List.of("let x = [-1.8, -1.0, 0, 0.5]; quantize x --bw 8", "load demo; quantize features.0.weight --mode symmetric --per-channel 0 --as wq"),
            List.of("dequantize", "encode", "pack"), true);

    private final CommandSpec spec;

    /**
     * The tensor {@code quantize}; {@code batchOptions} are the model quantizer's ({@code qairt-quantizer}) options:
     * typed here (as {@code ./qsh quantize --input_network …} would be), each answers with a pointer to it instead
     * of "unknown option".
     */
    public QuantizeCommand(List<OptionSpec> batchOptions) {
        String why = "a flag of the model quantizer: this 'quantize' quantizes one tensor; for a model type"
                + " 'qairt-quantizer --input_network M.onnx …' (the batch form './qsh quantize …' runs it from a terminal)";
        java.util.Map<String, String> refused = new java.util.LinkedHashMap<>();
        for (OptionSpec o : batchOptions) {
            if (SPEC.option(o.name()).isEmpty()) {
                refused.put(o.name(), why);
            }
        }
        this.spec = SPEC.withRefused(refused);
    }

    @Override
    public CommandSpec spec() {
        return spec;
    }

    @Override
    public Result run(Args args, Session session) {
        String name = args.positional(0, "a tensor name");
        args.atMost(1);
        SessionTensor src = session.tensor(name);
        if (src.kind().equals("quantized")) {
            throw new CommandException("'" + name + "' is already quantized; dequantize it first");
        }
        String out = args.get("as").orElse(name + "_q");
        Session.checkName(out);
        int bw = Operands.bitwidth(args, session);
        if (bw == 32) {
            throw new CommandException("32-bit grid values do not fit a float32 session tensor exactly; use 'encode --bw 32'");
        }
        Tensor t = src.tensor();
        int axis = Operands.axis(args, t);
        var opts = session.settings().encoderOptions();
        List<Encoding> encs = Operands.encodings(Operands.encoder(args, session), t, axis, bw, opts,
                qsh.core.quant.Explanation.NONE);
        int[] q = Operands.quantize(t, axis, encs, opts.rounding());
        float[] qf = new float[q.length];
        for (int i = 0; i < q.length; i++) {
            qf[i] = q[i];
        }
        Tensor qt = Tensor.of(t.shape(), qf);
        String origin = "quantize " + name + " " + Operands.mode(args, session).id() + " " + bw + " bits"
                + (axis >= 0 ? " per-channel axis " + axis : "");
        session.put(new SessionTensor(out, qt, "quantized", encs, axis, origin));
        return Result.of(Map.of("name", out, "shape", qt.shape(), "bitwidth", bw, "channels", encs.size()),
                List.of(out + " = " + origin + " " + Format.shape(qt.shape()) + ": " + Format.ints(qf, qt.shape(), 3)));
    }
}
