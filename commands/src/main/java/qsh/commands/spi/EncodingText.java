package qsh.commands.spi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.core.quant.Encoding;
import qsh.core.sim.TensorPrecision;

/**
 * How commands show an encoding: one line of text ({@code encode}, {@code show}, {@code calibrate --explain},
 * {@code encodings}) and one {@code --json} object, the same everywhere.
 */
public final class EncodingText {
    private EncodingText() {}

    /** {@code e} as {@code --json} data: bitwidth, dtype, and for integers min, max, scale, offset (and AIMET's), symmetric. */
    public static Map<String, Object> json(Encoding e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bitwidth", e.bitwidth());
        m.put("dtype", e.isInt() ? "int" : "float");
        if (e.isInt()) {
            m.put("min", e.min());
            m.put("max", e.max());
            m.put("scale", e.scale());
            m.put("offset", e.zeroPoint());
            m.put("aimet_offset", e.aimetOffset());
            m.put("symmetric", e.symmetric());
        }
        return m;
    }

    /** Each tensor's encodings (one per channel when per-channel) as {@code --json} data. */
    public static Map<String, Object> json(Map<String, List<Encoding>> byTensor) {
        Map<String, Object> out = new LinkedHashMap<>();
        byTensor.forEach((k, v) -> out.put(k, v.stream().map(EncodingText::json).toList()));
        return out;
    }

    /**
     * {@code e} in one line, labelled by the grid its numbers are on: an asymmetric encoding is
     * "uint8 [min, max] scale S offset Z" (qsh's grid [0, 2^bw - 1], offset = round(-min/scale)); a signed-symmetric
     * one (offset 2^(bw-1) on that grid, spec "symmetric") is "int8 [min, max] scale S offset 0 symmetric
     * (128 on the uint8 grid)", the signed view QNN and AIMET give it, with the unsigned offset the other numbers use.
     * A float is "float16".
     */
    public static String describe(Encoding e) {
        if (!e.isInt()) {
            return "float" + e.bitwidth();
        }
        String range = " [" + Format.num(e.min()) + ", " + Format.num(e.max()) + "] scale " + Format.num(e.scale());
        if (signedSymmetric(e)) {
            return "int" + e.bitwidth() + range + " offset 0 symmetric (" + e.zeroPoint() + " on the uint" + e.bitwidth()
                    + " grid)";
        }
        return "uint" + e.bitwidth() + range + " offset " + e.zeroPoint() + (e.symmetric() ? " symmetric" : "");
    }

    /** "int8" for a signed-symmetric encoding, "uint8" for an asymmetric one, "float16" for a float (see {@link #describe(Encoding)}). */
    public static String label(Encoding e) {
        return !e.isInt() ? "float" + e.bitwidth() : (signedSymmetric(e) ? "int" : "uint") + e.bitwidth();
    }

    /** A planned tensor's type as {@link #label(Encoding)} names it, e.g. "uint8", "int8 per-channel ×16", "fp16". */
    public static String label(TensorPrecision p) {
        if (!p.isInt()) {
            return p.describe();
        }
        boolean signed = p.encodings().stream().allMatch(EncodingText::signedSymmetric);
        return (signed ? "int" : "uint") + p.bitwidth() + (p.perChannel() ? " per-channel ×" + p.encodings().size() : "");
    }

    /** A planned tensor's precision in one line (its encoding when per-tensor). */
    public static String describe(TensorPrecision p) {
        if (!p.isInt()) {
            return p.describe();
        }
        return p.perChannel() ? label(p) : describe(p.encoding());
    }

    /** Symmetric on the signed grid: zero at 2^(bw-1) of the unsigned grid, i.e. offset 0 as signed integers. */
    private static boolean signedSymmetric(Encoding e) {
        return e.symmetric() && e.zeroPoint() == 1L << (e.bitwidth() - 1);
    }
}
