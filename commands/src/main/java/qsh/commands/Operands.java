package qsh.commands;

import java.util.List;
import qsh.commands.spi.Args;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.OptionSpec;
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
            OptionSpec.choice("mode", "encoder (default: the 'mode' setting)", "tf", "symmetric", "enhanced", "adjusted", "percentile"),
            OptionSpec.value("bw", "N", "bitwidth, 2-16 (32 for biases); default: the 'bitwidth' setting"),
            OptionSpec.value("per-channel", "AXIS", "one encoding per index along AXIS"));

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
