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
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.commands.spi.SessionTensor;
import qsh.core.quant.QuantKernels;
import qsh.core.tensor.Tensor;

/** {@code dequantize}: x̂ = (q - offset)·scale for a quantized session tensor, stored as a float tensor. */
public final class DequantizeCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("dequantize", "encodings",
            "turn a quantized tensor back into floats: x̂ = (q - offset) · scale",
            List.of(ArgSpec.of("TENSOR", ArgKind.TENSOR)), List.of(OptionSpec.of("as", ArgKind.NAME, "NAME", "name of the result (default: TENSOR_dq)")),
            List.of("let x = [-1.8, -1.0, 0, 0.5]; quantize x; dequantize x_q", "dequantize x_q --as x_hat"), List.of("quantize", "encode"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        String name = args.positional(0, "a quantized tensor name");
        args.atMost(1);
        SessionTensor src = session.tensor(name);
        if (!src.kind().equals("quantized") || src.encodings().isEmpty()) {
            throw new CommandException("'" + name + "' is not quantized; quantize it first (quantize " + name + ")");
        }
        String out = args.get("as").orElse(name.endsWith("_q") ? name.substring(0, name.length() - 2) + "_dq" : name + "_dq");
        Session.checkName(out);
        Tensor qt = src.tensor();
        int[] q = new int[qt.size()];
        for (int i = 0; i < q.length; i++) {
            q[i] = (int) qt.data()[i];
        }
        float[] dq;
        if (src.axis() < 0) {
            dq = new float[q.length];
            QuantKernels.dequantize(q, 0, q.length, src.encodings().get(0), dq, 0);
        } else {
            dq = QuantKernels.dequantizePerChannel(q, qt.shape(), src.axis(), src.encodings());
        }
        Tensor t = Tensor.of(qt.shape(), dq);
        session.put(SessionTensor.floats(out, t, "dequantize " + name));
        return Result.of(Map.of("name", out, "shape", t.shape(), "values", t.size() <= EncodeCommand.JSON_VALUES_LIMIT ? dq : new float[0]),
                List.of(out + " = dequantize " + name + " " + Format.shape(t.shape()) + ": " + Format.values(dq, t.shape(), 3)));
    }
}
