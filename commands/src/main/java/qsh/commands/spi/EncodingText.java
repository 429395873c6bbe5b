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

    /** {@code e} in one line: "int8 [min, max] scale S offset Z", or "float16". */
    public static String describe(Encoding e) {
        if (!e.isInt()) {
            return "float" + e.bitwidth();
        }
        return "int" + e.bitwidth() + " [" + Format.num(e.min()) + ", " + Format.num(e.max()) + "] scale "
                + Format.num(e.scale()) + " offset " + e.zeroPoint() + (e.symmetric() ? " symmetric" : "");
    }

    /** A planned tensor's precision in one line (its encoding when per-tensor). */
    public static String describe(TensorPrecision p) {
        if (!p.isInt()) {
            return p.describe();
        }
        return p.perChannel() ? p.describe() : describe(p.encoding());
    }
}
