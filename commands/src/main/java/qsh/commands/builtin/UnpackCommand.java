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
import qsh.core.quant.Packing;
import qsh.core.tensor.Tensor;

/** {@code unpack HEX}: the inverse of {@code pack}: low nibble first. */
public final class UnpackCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("unpack", "packing",
            "unpack hex bytes of packed 4-bit values (low nibble first)",
            List.of(ArgSpec.of("HEX", ArgKind.TEXT)), List.of(OptionSpec.integer("count", "N", "number of values (default: 2 per byte)"),
                    OptionSpec.flag("signed", "nibbles are signed (two's complement)"),
                    OptionSpec.of("as", ArgKind.NAME, "NAME", "store the values as a session tensor")),
            List.of("unpack 4a", "unpack 4a07 --count 3", "unpack f8 --signed"), List.of("pack"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        String hex = args.positional(0, "hex bytes, e.g. 4a");
        args.atMost(1);
        if (hex.length() % 2 != 0 || !hex.matches("[0-9a-fA-F]+")) {
            throw new CommandException("'" + hex + "' is not hex bytes (two hex digits per byte, e.g. 4a)");
        }
        byte[] b = new byte[hex.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        int count = args.getInt("count", 2 * b.length);
        if (count < 1 || count > 2 * b.length || count < 2 * b.length - 1) {
            throw new CommandException("--count " + count + " does not fit " + b.length + " bytes (use "
                    + (2 * b.length - 1) + " or " + 2 * b.length + ")");
        }
        int[] v = Packing.unpack4(b, count, args.has("signed"));
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = v[i];
        }
        if (args.get("as").isPresent()) {
            String n = args.get("as").get();
            session.put(SessionTensor.floats(n, Tensor.vector(f), "unpack " + hex));
        }
        return Result.of(Map.of("values", v, "count", count, "signed", args.has("signed")),
                List.of("unpack " + hex + " → " + Format.ints(f, new int[] {f.length}, 8)));
    }
}
