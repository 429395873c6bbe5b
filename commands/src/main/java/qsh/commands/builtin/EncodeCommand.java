package qsh.commands.builtin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.commands.spi.ArgKind;
import qsh.commands.spi.ArgSpec;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.EncodingText;
import qsh.commands.spi.Format;
import qsh.commands.spi.Operands;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.core.metrics.ErrorMetrics;
import qsh.core.quant.Encoder;
import qsh.core.quant.EncoderOptions;
import qsh.core.quant.Encoding;
import qsh.core.quant.Explanation;
import qsh.core.quant.QuantKernels;
import qsh.core.tensor.Tensor;

/**
 * {@code encode}: computes an encoding for a tensor and shows what it does to the values — the spec's
 * "Quantization" algorithm made visible (encoding-min/max, scale, offset, quantized, dequantized, error).
 */
public final class EncodeCommand implements Command {
    /** Tensors up to this many values carry their values in --json output. */
    public static final int JSON_VALUES_LIMIT = 65536;

    private static final CommandSpec SPEC = new CommandSpec("encode", "encodings",
            "compute an encoding (min, max, scale, offset) and show the quantized and dequantized values",
            List.of(ArgSpec.of("TENSOR|LITERAL", ArgKind.TENSOR)), OptionSpec.concat(Operands.ENCODING_OPTIONS,
                    OptionSpec.flag("explain", "print every step of the algorithm with its numbers")),
            List.of("encode [-1.8, -1.0, 0, 0.5] --bw 8", "encode [-5.1, 5.1] --explain",
                    "load demo; encode features.0.weight --mode symmetric --per-channel 0"),
            List.of("quantize", "hist", "set"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        Operands.Operand op = Operands.tensor(args, 0, session);
        args.atMost(1);
        int bw = Operands.bitwidth(args, session);
        Encoder enc = Operands.encoder(args, session);
        EncoderOptions opts = session.settings().encoderOptions();
        boolean explainAsked = args.has("explain") || session.settings().feedback().equals("verbose");
        Explanation ex = explainAsked ? new Explanation() : Explanation.NONE;
        Tensor t = op.tensor();
        int axis = Operands.axis(args, t);
        List<Encoding> encs = Operands.encodings(enc, t, axis, bw, opts, ex);
        float[] dq = new float[t.size()];
        if (bw == 32) {
            if (axis >= 0) {
                throw new qsh.commands.spi.CommandException("per-channel encodings use 2-16 bits; 32 bits is for per-tensor biases");
            }
            long[] q32 = new long[t.size()];
            QuantKernels.quantize32(t.data(), 0, t.size(), encs.get(0), opts.rounding(), q32, 0);
            QuantKernels.dequantize32(q32, 0, t.size(), encs.get(0), dq, 0);
            return build(op, enc, bw, axis, encs, null, q32, dq, ex);
        }
        int[] q = Operands.quantize(t, axis, encs, opts.rounding());
        if (axis < 0) {
            QuantKernels.dequantize(q, 0, t.size(), encs.get(0), dq, 0);
        } else {
            dq = QuantKernels.dequantizePerChannel(q, t.shape(), axis, encs);
        }
        return build(op, enc, bw, axis, encs, q, null, dq, ex);
    }

    private static Result build(Operands.Operand op, Encoder enc, int bw, int axis, List<Encoding> encs, int[] q,
                                long[] q32, float[] dq, Explanation ex) {
        Tensor t = op.tensor();
        double sqnr = ErrorMetrics.sqnrDb(t.data(), dq);
        double maxErr = ErrorMetrics.maxAbsError(t.data(), dq);
        List<String> lines = new ArrayList<>();
        lines.add("encode " + op.name() + " " + Format.shape(t.shape()) + " with " + enc.mode().id() + ", " + bw + " bits"
                + (axis >= 0 ? ", per channel along axis " + axis + " (" + encs.size() + " channels)" : ""));
        for (Explanation.Step s : ex.steps()) {
            lines.add("  " + s.title() + ": " + s.detail());
        }
        if (axis < 0) {
            Encoding e = encs.get(0);
            lines.add("  encoding-min  " + Format.num(e.min()));
            lines.add("  encoding-max  " + Format.num(e.max()));
            lines.add("  scale         " + Format.num(e.scale()));
            lines.add("  offset        " + e.zeroPoint() + "   (round(-min/scale); AIMET JSON offset " + e.aimetOffset() + ")");
        } else {
            lines.add(String.format("  %7s %12s %12s %12s %7s", "channel", "min", "max", "scale", "offset"));
            for (int c = 0; c < encs.size(); c++) {
                Encoding e = encs.get(c);
                lines.add(String.format("  %7d %12s %12s %12s %7d", c, Format.num(e.min()), Format.num(e.max()),
                        Format.num(e.scale()), e.zeroPoint()));
            }
        }
        long[] ql = q32;
        if (ql == null) {
            ql = new long[t.size()];
            for (int i = 0; i < ql.length; i++) {
                ql[i] = q[i];
            }
        }
        lines.add("  quantized     " + Format.longs(ql, t.shape(), 3));
        lines.add("  dequantized   " + Format.values(dq, t.shape(), 3));
        lines.add("  error         SQNR " + (Double.isInfinite(sqnr) ? "inf" : String.format("%.2f", sqnr))
                + " dB, max |x - x̂| " + Format.num(maxErr));

        Map<String, Object> data = new LinkedHashMap<>();
        data.put("tensor", op.name());
        data.put("shape", t.shape());
        data.put("mode", enc.mode().id());
        if (axis < 0) {
            data.putAll(EncodingText.json(encs.get(0)));
        } else {
            data.put("bitwidth", bw);
            data.put("axis", axis);
            List<Map<String, Object>> list = new ArrayList<>();
            for (Encoding e : encs) {
                list.add(EncodingText.json(e));
            }
            data.put("encodings", list);
        }
        if (t.size() <= JSON_VALUES_LIMIT) {
            data.put("quantized", q != null ? q : q32);
            data.put("dequantized", dq);
        } else {
            data.put("values_omitted", "tensor has " + t.size() + " values (limit " + JSON_VALUES_LIMIT + ")");
        }
        data.put("sqnr_db", Double.isInfinite(sqnr) ? null : sqnr);
        data.put("max_abs_error", maxErr);
        if (ex.enabled()) {
            data.put("explain", ex.steps());
        }
        return Result.of(data, lines);
    }
}
