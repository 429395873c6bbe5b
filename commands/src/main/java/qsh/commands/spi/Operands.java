package qsh.commands.spi;

import java.util.List;
import qsh.core.quant.Encoder;
import qsh.core.quant.Encoders;
import qsh.core.quant.Encoding;
import qsh.core.quant.QuantMode;
import qsh.core.tensor.Tensor;

/** Argument helpers shared by the encoding commands (tensor operand, --mode, --bw, --per-channel). */
public final class Operands {
    private Operands() {}

    /** The options every encoding command takes. */
    public static final List<OptionSpec> ENCODING_OPTIONS = List.of(
            OptionSpec.choice("mode", "encoder (default: the 'mode' setting)", QuantMode.idArray()),
            OptionSpec.integer("bw", "N", "bitwidth, 2-16 (32 for biases); default: the 'bitwidth' setting"),
            OptionSpec.integer("per-channel", "AXIS", "one encoding per index along AXIS"));

    /** A named operand: a session tensor or a literal (named "literal"). */
    public record Operand(String name, Tensor tensor) {}

    /** Positional {@code i} as a tensor (literal or session name). */
    public static Operand tensor(Args args, int i, Session session) {
        String w = args.positional(i, "a tensor name or a literal like [1, 2, 3]");
        return new Operand(w.startsWith("[") ? "literal" : w, TensorExpressions.resolve(w, session));
    }

    /** The --bw option or the default, checked (2-16 or 32). */
    public static int bitwidth(Args args, Session session) {
        int bw = args.getInt("bw", session.settings().bitwidth());
        try {
            return Encoding.checkIntBitwidth(bw);
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage());
        }
    }

    /** The --mode option or the default. */
    public static QuantMode mode(Args args, Session session) {
        return args.get("mode").map(QuantMode::parse).orElse(session.settings().mode());
    }

    /** The encoder for the --mode option. */
    public static Encoder encoder(Args args, Session session) {
        return Encoders.forMode(mode(args, session));
    }

    /** One encoding of {@code t} (axis < 0) or one per index along {@code axis}. */
    public static List<Encoding> encodings(Encoder enc, Tensor t, int axis, int bw, qsh.core.quant.EncoderOptions opts,
                                           qsh.core.quant.Explanation ex) {
        List<Encoding> encs = axis < 0 ? List.of(enc.encode(t.data(), 0, t.size(), bw, opts, ex))
                : qsh.core.quant.PerChannel.encode(t, axis, enc, bw, opts, ex);
        encs.forEach(Operands::checkFloat32Range);
        return encs;
    }

    /**
     * Refuses an encoding whose grid ends lie beyond float32's largest value: its dequantized ends would be
     * infinite (x̂ = min + q·scale overflows), so no error figure would mean anything.
     */
    public static Encoding checkFloat32Range(Encoding e) {
        if (e.isInt() && (Math.abs(e.min()) > Float.MAX_VALUE || Math.abs(e.max()) > Float.MAX_VALUE)) {
            throw new CommandException("the encoding range [" + Format.num(e.min()) + ", " + Format.num(e.max())
                    + "] reaches past float32's largest value (" + Format.num(Float.MAX_VALUE)
                    + "), so its grid ends would dequantize to infinity: scale the values down");
        }
        return e;
    }

    /** The grid values of {@code t} under per-tensor (axis < 0) or per-channel encodings. */
    public static int[] quantize(Tensor t, int axis, List<Encoding> encs, qsh.core.quant.Rounding rounding) {
        if (axis >= 0) {
            return qsh.core.quant.QuantKernels.quantizePerChannel(t, axis, encs, rounding);
        }
        int[] q = new int[t.size()];
        qsh.core.quant.QuantKernels.quantize(t.data(), 0, t.size(), encs.get(0), rounding, q, 0);
        return q;
    }

    /** The --per-channel axis normalised against {@code t}, or -1. */
    public static int axis(Args args, Tensor t) {
        if (!args.has("per-channel")) {
            return -1;
        }
        int a = args.getInt("per-channel", 0);
        try {
            return t.normalizeAxis(a);
        } catch (IllegalArgumentException e) {
            throw new CommandException("--per-channel " + a + ": " + e.getMessage());
        }
    }
}
