package qsh.commands.builtin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.commands.spi.ArgKind;
import qsh.commands.spi.ArgSpec;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.Operands;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.core.quant.Packing;
import qsh.core.tensor.Tensor;

/**
 * {@code pack}: packed 4-bit storage (spec, "Packed 4-bit Quantization"): two values per byte, the first in
 * the low nibble; per-channel tensors pack each channel on its own, ceil(n/2) bytes per channel.
 */
public final class PackCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("pack", "packing",
            "pack 4-bit integer values two per byte (first value in the low nibble)",
            List.of(ArgSpec.of("TENSOR|LITERAL", ArgKind.TENSOR)), List.of(OptionSpec.integer("bw", "4", "bitwidth of the values (only 4 packs)").defaults(4),
                    OptionSpec.flag("signed", "values are signed 4-bit [-8, 7] (two's-complement nibbles)"),
                    OptionSpec.integer("per-channel", "AXIS", "pack each index along AXIS separately"),
                    OptionSpec.flag("explain", "show the nibble layout of the first bytes: which value goes where")),
            List.of("pack [10, 4] --bw 4", "pack [[1,2,3],[4,5,6]] --per-channel 0", "pack [-8, 7] --signed"),
            List.of("unpack", "quantize"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        Operands.Operand op = Operands.tensor(args, 0, session);
        args.atMost(1);
        int bw = args.getInt("bw");
        if (bw != 4) {
            throw new CommandException("only 4-bit values are packed (two per byte); got --bw " + bw);
        }
        boolean signed = args.has("signed");
        Tensor t = op.tensor();
        int[] q = integers(t, signed);
        int axis = Operands.axis(args, t);
        Map<String, Object> data = new LinkedHashMap<>();
        List<String> lines = new ArrayList<>();
        data.put("bitwidth", 4);
        data.put("signed", signed);
        data.put("count", q.length);
        data.put("unpacked_bytes", q.length);
        String kind = signed ? "signed" : "unsigned";
        if (axis < 0) {
            byte[] b = Packing.pack4(q, 0, q.length, signed);
            data.put("packed_bytes", b.length);
            data.put("bytes", unsigned(b));
            data.put("hex", hex(b));
            lines.add("pack " + op.name() + ": " + q.length + " " + kind + " 4-bit value" + (q.length == 1 ? "" : "s")
                    + " → " + b.length + (b.length == 1 ? " byte" : " bytes") + " (unpacked: " + q.length
                    + (q.length == 1 ? " byte)" : " bytes)"));
            lines.add("  binary  " + binary(b, 8));
            lines.add("  hex     " + hex(b));
            if (args.has("explain")) {
                lines.addAll(explain(q, b, signed));
            }
        } else {
            byte[][] per = Packing.packPerChannel(q, t.shape(), axis, signed);
            int perCh = per.length == 0 ? 0 : per[0].length;
            data.put("axis", axis);
            data.put("channels", per.length);
            data.put("bytes_per_channel", perCh);
            data.put("packed_bytes", perCh * per.length);
            List<Map<String, Object>> chans = new ArrayList<>();
            lines.add("pack " + op.name() + " per channel along axis " + axis + ": " + per.length + " channels × "
                    + (q.length / Math.max(1, per.length)) + " values → " + perCh + " bytes each, " + perCh * per.length
                    + " in all (unpacked: " + q.length + ")");
            for (int c = 0; c < per.length; c++) {
                chans.add(Map.of("hex", hex(per[c]), "bytes", unsigned(per[c])));
                if (c < 4 || c == per.length - 1) {
                    lines.add(String.format("  channel %3d  %s", c, hex(per[c])));
                } else if (c == 4) {
                    lines.add("  ...");
                }
            }
            data.put("per_channel", chans);
        }
        return Result.of(data, lines);
    }

    /**
     * The nibble layout (spec, "Packed 4-bit Quantization"): value 2i goes to the LOW nibble of byte i, value 2i+1
     * to the HIGH nibble; a signed value is stored as its 4-bit two's complement.
     */
    static List<String> explain(int[] q, byte[] b, boolean signed) {
        List<String> lines = new ArrayList<>();
        lines.add("  explain: two values per byte, the first in the LOW nibble (bits 3..0), the second in the HIGH"
                + " nibble (bits 7..4)" + (signed ? "; negative values as 4-bit two's complement (v + 16)" : ""));
        for (int i = 0; i < Math.min(b.length, 4); i++) {
            int lo = q[2 * i];
            String loBits = nibble(lo);
            String hiPart;
            if (2 * i + 1 < q.length) {
                int hi = q[2 * i + 1];
                hiPart = "value[" + (2 * i + 1) + "] = " + hi + " → high " + nibble(hi);
            } else {
                hiPart = "no second value → high 0000";
            }
            lines.add(String.format("    byte %d: value[%d] = %d → low %s, %s  ⇒  %s = 0x%02x", i, 2 * i, lo, loBits, hiPart,
                    binary(new byte[] {b[i]}, 8), b[i] & 0xff));
        }
        if (b.length > 4) {
            lines.add("    … " + (b.length - 4) + " more bytes");
        }
        return lines;
    }

    private static String nibble(int v) {
        String s = Integer.toBinaryString(v & 0xF);
        return "0".repeat(4 - s.length()) + s;
    }

    /** The tensor's values as integers in the 4-bit range, or a clear error naming the first bad one. */
    static int[] integers(Tensor t, boolean signed) {
        int lo = signed ? -8 : 0;
        int hi = signed ? 7 : 15;
        int[] q = new int[t.size()];
        for (int i = 0; i < q.length; i++) {
            float v = t.get(i);
            if (v != Math.rint(v) || v < lo || v > hi) {
                throw new CommandException("value " + v + " at index " + i + " is not a " + (signed ? "signed" : "unsigned")
                        + " 4-bit integer [" + lo + ", " + hi + "]" + (signed ? "" : "; use --signed for negative values"));
            }
            q[i] = (int) v;
        }
        return q;
    }

    static int[] unsigned(byte[] b) {
        int[] u = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            u[i] = b[i] & 0xff;
        }
        return u;
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02x", x & 0xff));
        }
        return sb.toString();
    }

    private static String binary(byte[] b, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, max); i++) {
            String s = String.format("%8s", Integer.toBinaryString(b[i] & 0xff)).replace(' ', '0');
            sb.append(i > 0 ? "  " : "").append(s, 0, 4).append(' ').append(s.substring(4));
        }
        return b.length > max ? sb + "  ..." : sb.toString();
    }
}
