package qsh.commands.builtin;

import java.util.List;
import java.util.Map;
import qsh.commands.Format;
import qsh.commands.Operands;
import qsh.commands.Session;
import qsh.commands.SessionTensor;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.core.quant.Encoding;
import qsh.core.tensor.Tensor;

/** {@code quantize}: stores the grid values of a tensor as a new session tensor that keeps its encoding. */
public final class QuantizeCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("quantize", "encodings",
            "quantize a tensor onto its grid [0, 2^bw-1] and keep the result (with its encoding) as a new tensor",
            "TENSOR", EncodeCommand.concat(Operands.ENCODING_OPTIONS,
                    OptionSpec.value("as", "NAME", "name of the result (default: TENSOR_q)")),
            List.of("quantize x --bw 8", "quantize w --mode symmetric --per-channel 0 --as wq"),
            List.of("dequantize", "encode", "pack"), true).withRefused(batchFlags());

    /**
     * The batch quantizer's flags, typed after the REPL's tensor {@code quantize} (as {@code ./qsh quantize --input_network …}
     * would be): each answers with a pointer to {@code qairt-quantizer} instead of "unknown option".
     */
    static java.util.Map<String, String> batchFlags() {
        String why = "a flag of the model quantizer: this 'quantize' quantizes one tensor; for a model type"
                + " 'qairt-quantizer --input_network M.onnx …' (the batch form './qsh quantize …' runs it from a terminal)";
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        for (String f : List.of("input_network", "input_dlc", "input_list", "output_path", "output_dlc",
                "enable_float_fallback", "float_fallback", "quantization_overrides", "ignore_quantization_overrides",
                "ignore_encodings", "act_bw", "weight_bw", "bias_bw", "float_bw", "float_bias_bw", "act_quantizer",
                "param_quantizer", "use_per_channel_quantization", "algorithms", "apply_algorithms", "config",
                "use_aimet_quantizer", "pack_4_bit_weights", "encodings_version")) {
            m.put(f, why);
        }
        return m;
    }

    @Override
    public CommandSpec spec() {
        return SPEC;
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
