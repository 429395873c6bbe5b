package qsh.core.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import qsh.core.exec.Cancelled;
import qsh.core.quant.Encoding;
import qsh.core.quant.EncoderOptions;
import qsh.core.quant.Explanation;
import qsh.core.quant.TfEncoder;

/**
 * The dict form of AIMET encodings JSON (versions 0.4, 0.5, 0.6.1): each section maps a tensor name to a list of
 * entries {@code {bitwidth, dtype, is_symmetric, min, max, offset, scale}}.
 *
 * <p>Reading follows the spec ("Quantization Overrides"): scale and offset are <b>recomputed</b> from bitwidth,
 * min and max whether or not the file gives them, so a file's offset sign convention never matters:
 * <ul>
 *   <li>asymmetric: the tf rules (minimum range, then widen to include 0, then exact zero) via {@link TfEncoder#fromTrueRange};</li>
 *   <li>symmetric: the smallest signed-symmetric grid holding [min, max], scale = max(max/(2^(bw-1)-1),
 *       -min/2^(bw-1)), AIMET offset -2^(bw-1) (the spec's per-channel Case 2); when min ≥ 0 (AIMET's unsigned
 *       symmetric) scale = max/(2^bw-1) and offset 0, for a per-tensor entry only (a per-channel list stays on the
 *       signed grid, so that what qsh writes back it reads again).</li>
 * </ul>
 * Both keep the minimum range (spec: 0.0001, {@link EncoderOptions#minRange()}). When the file's own scale and
 * offset describe the recomputed grid up to float rounding (same offset, scale within 1e-12 relative), the file's
 * exact scale is kept, so that qsh's write → read is bit-exact.
 * Per-channel lists (more than one entry) must be symmetric (spec note: offset == -2^(bw-1), is_symmetric True):
 * an entry saying {@code "is_symmetric": "False"} or giving another offset is an error — qsh does not silently
 * re-grid a per-channel tensor the file describes as asymmetric. A missing is_symmetric in a per-channel list
 * means symmetric. An int entry with only bitwidth (+dtype) is a bitwidth-only override.
 *
 * <p>An int entry that gives scale and offset but no min/max (the spec asks for bitwidth, min and max, but some
 * writers give only the grid) keeps its grid: min = offset·scale in AIMET's sign (offset ≤ 0), or min =
 * -offset·scale when the offset is positive (then it can only be the spec prose's zero point, since every tf grid
 * holds 0), and max = min + scale·(2^bw-1); the range is then read as if the file had given it, and the names of
 * such entries are collected so that the caller can say so. Scale without offset (or the reverse) is an error.
 *
 * <p>Writing uses the AIMET offset convention: offset = round(min/scale) ≤ 0 ({@link Encoding#aimetOffset()}).
 */
final class LegacyEncodingsFormat {
    private LegacyEncodingsFormat() {}

    /** Reads one section object into {@code full} / {@code bitwidthOnly}. */
    static void readSection(JsonNode section, String where, EncoderOptions options,
                            Map<String, List<Encoding>> full, Map<String, Integer> bitwidthOnly, DerivedRanges derived) {
        int read = 0;
        for (Map.Entry<String, JsonNode> e : section.properties()) {
            if (Cancelled.requested()) {
                throw new Cancelled(where + ": reading interrupted after " + read + " of " + section.size() + " entries");
            }
            read++;
            String tensor = e.getKey();
            String tensorWhere = where + " '" + tensor + "'";
            JsonNode list = e.getValue();
            if (list.isObject()) {
                // some writers give a single entry without the list; accept it as a one-element list
                list = JsonNodeFactory.instance.arrayNode().add(list);
            }
            if (!list.isArray() || list.isEmpty()) {
                throw new IllegalArgumentException(tensorWhere + ": expected a non-empty list of encodings [{...}],"
                        + " got " + EntryFields.kind(list));
            }
            boolean perChannel = list.size() > 1;
            List<Encoding> encodings = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                EntryFields f = new EntryFields(list.get(i), tensorWhere + (perChannel ? " [" + i + "]" : ""));
                Encoding enc = readEntry(f, perChannel, options, tensor, derived);
                if (enc == null) {
                    if (perChannel) {
                        throw f.fail("a per-channel entry needs min and max (or scale and offset): add them, or give a"
                                + " single entry");
                    }
                    bitwidthOnly.put(tensor, f.requiredInt("bitwidth"));
                } else {
                    encodings.add(enc);
                }
            }
            if (!encodings.isEmpty()) {
                checkSameKind(encodings, tensorWhere);
                full.put(tensor, encodings);
            }
        }
    }

    /**
     * The tensors whose range was derived from scale and offset (no min/max in the file), in file order, and
     * which of them gave a positive offset (read as the spec prose's zero point).
     */
    record DerivedRanges(List<String> tensors, List<String> zeroPointOffsets) {
        DerivedRanges() {
            this(new ArrayList<>(), new ArrayList<>());
        }

        void add(String tensor, boolean zeroPoint) {
            if (!tensors.contains(tensor)) {
                tensors.add(tensor);
            }
            if (zeroPoint && !zeroPointOffsets.contains(tensor)) {
                zeroPointOffsets.add(tensor);
            }
        }

        /** One line saying what was derived, or null when nothing was. */
        String describe(String sourceName) {
            if (tensors.isEmpty()) {
                return null;
            }
            int shown = Math.min(4, tensors.size());
            String names = "'" + String.join("', '", tensors.subList(0, shown)) + "'"
                    + (tensors.size() > shown ? " and " + (tensors.size() - shown) + " more" : "");
            return sourceName + ": " + tensors.size() + (tensors.size() == 1 ? " entry gives" : " entries give")
                    + " scale and offset but no min/max (" + names + "): their range is derived from them, min ="
                    + " offset·scale (AIMET sign, offset ≤ 0), max = min + scale·(2^bw-1)"
                    + (zeroPointOffsets.isEmpty() ? "" : "; a positive offset (" + zeroPointOffsets.size()
                    + ") is read as the zero point, min = -offset·scale");
        }
    }

    /** One entry → an encoding, or null for an int entry with bitwidth only (range left to calibration). */
    private static Encoding readEntry(EntryFields f, boolean perChannel, EncoderOptions options, String tensor,
                                      DerivedRanges derived) {
        int bw = f.requiredInt("bitwidth");
        String dtype = f.optionalChoice("dtype", "INT", "int", "float");
        if (dtype.equals("FLOAT")) {
            if (bw != 16 && bw != 32) {
                throw f.fail("bitwidth", "a float encoding must be 16 or 32 bits, got " + bw);
            }
            return Encoding.floatingPoint(bw);
        }
        checkIntBitwidth(f, bw);
        Boolean sym = f.optionalBoolean("is_symmetric");
        boolean hasMin = f.has("min");
        boolean hasMax = f.has("max");
        if (hasMin != hasMax) {
            throw f.fail(hasMin ? "max" : "min", "missing: min and max go together (the spec needs bitwidth, min"
                    + " and max)");
        }
        double min;
        double max;
        if (hasMin) {
            min = f.requiredNumber("min");
            max = f.requiredNumber("max");
        } else if (!f.has("scale") && !f.has("offset")) {
            return null;
        } else {
            double[] range = rangeFromGrid(f, bw);
            min = range[0];
            max = range[1];
            derived.add(tensor, f.integralNumber("offset", f.raw("offset")) > 0);
        }
        if (min > max) {
            throw f.fail("min", "min " + min + " is greater than max " + max + ": swap them");
        }
        long half = 1L << (bw - 1);
        if (perChannel) {
            if (Boolean.FALSE.equals(sym)) {
                throw f.fail("is_symmetric", "per-channel encodings must be symmetric (spec: offset == -2^(bw-1),"
                        + " is_symmetric True): set \"True\" or give a single per-tensor entry");
            }
            if (f.has("offset") && f.integralNumber("offset", f.raw("offset")) != -half) {
                throw f.fail("offset", "per-channel encodings need offset " + (-half) + " (spec: -2^(bitwidth-1)), got "
                        + f.raw("offset") + ": fix the offset or give a single per-tensor entry");
            }
            sym = Boolean.TRUE;
        } else if (f.has("offset")) {
            f.integralNumber("offset", f.raw("offset")); // validated; the spec recomputes it
        }
        // a per-channel channel is on the signed grid even when its min is ≥ 0: the spec's per-channel offset is
        // -2^(bw-1), which this reader requires of the file, and an unsigned channel (offset 0) would be written back
        // as a file it refuses (found by EncodingsJsonFuzzer)
        Encoding recomputed = perChannel ? signedSymmetric(bw, min, max, options)
                : Boolean.TRUE.equals(sym) ? symmetric(bw, min, max, options)
                : TfEncoder.fromTrueRange(min, max, bw, options, Explanation.NONE);
        if (f.has("scale") && f.has("offset")) {
            double fileScale = f.number("scale", f.raw("scale"));
            long fileOffset = f.integralNumber("offset", f.raw("offset"));
            // The file's grid IS the recomputed one up to float rounding (same zero point, scale within 1e-12):
            // keep the file's exact scale so that write -> read is bit-exact. Otherwise the recomputation wins.
            if (fileOffset == recomputed.aimetOffset()
                    && Math.abs(fileScale - recomputed.scale()) <= 1e-12 * recomputed.scale()) {
                return onGrid(bw, fileScale, recomputed.zeroPoint(), recomputed.symmetric(), max);
            }
        } else if (f.has("scale")) {
            f.number("scale", f.raw("scale")); // validated, then ignored: the spec recomputes it
        }
        return onGrid(bw, recomputed.scale(), recomputed.zeroPoint(), recomputed.symmetric(), max);
    }

    /**
     * [min, max] of the grid an entry gives by scale and offset alone: min = offset·scale with AIMET's offset
     * (≤ 0), or -offset·scale for a positive offset (the spec prose's zero point: a tf grid always holds 0, so an
     * AIMET offset is never positive); max = min + scale·(2^bw-1).
     */
    private static double[] rangeFromGrid(EntryFields f, int bw) {
        if (!f.has("scale") || !f.has("offset")) {
            throw f.fail(f.has("scale") ? "offset" : "scale", "missing: an entry without min/max needs both scale and"
                    + " offset (or give bitwidth, min and max, as the spec asks)");
        }
        double scale = f.number("scale", f.raw("scale"));
        long offset = f.integralNumber("offset", f.raw("offset"));
        if (!(scale > 0)) {
            throw f.fail("scale", "scale " + scale + " must be positive");
        }
        long zeroPoint = offset <= 0 ? -offset : offset;
        if (zeroPoint > Encoding.qmax(bw)) {
            throw f.fail("offset", "offset " + offset + " does not fit " + bw + " bits (|offset| ≤ "
                    + Encoding.qmax(bw) + "): fix it, or give min and max");
        }
        double min = -zeroPoint * scale;
        return new double[] {min, min + scale * Encoding.qmax(bw)};
    }

    /**
     * The encoding with this exact scale and zero point. Two constructions of one grid differ only in the last bit
     * of max ({@link Encoding#symmetricFromAbsMax} computes (2^(bw-1)-1)·scale, the others min + (2^bw-1)·scale):
     * the one whose max equals {@code preferredMax} is chosen (NaN: prefer the symmetric encoder's form).
     */
    static Encoding onGrid(int bw, double scale, long zeroPoint, boolean sym, double preferredMax) {
        Encoding byScale = Encoding.fromScaleAndZeroPoint(bw, scale, zeroPoint, sym);
        if (sym && zeroPoint == 1L << (bw - 1) && byScale.max() != preferredMax) {
            long n = (1L << (bw - 1)) - 1;
            double center = scale * n;
            for (int j = -4; j <= 4; j++) { // absMax with absMax / n == scale exactly is at most a few ulps away
                double absMax = center;
                for (int k = 0; k < Math.abs(j); k++) {
                    absMax = j > 0 ? Math.nextUp(absMax) : Math.nextDown(absMax);
                }
                if (absMax / n == scale) {
                    Encoding bySymmetric = Encoding.symmetricFromAbsMax(bw, absMax);
                    return Double.isNaN(preferredMax) || bySymmetric.max() == preferredMax ? bySymmetric : byScale;
                }
            }
        }
        return byScale;
    }

    /** The smallest symmetric grid holding [min, max]; see the class comment. */
    static Encoding symmetric(int bw, double min, double max, EncoderOptions options) {
        if (min >= 0) { // unsigned symmetric: grid [0, (2^bw-1)·scale]
            double scale = Math.max(max, options.minRange()) / Encoding.qmax(bw);
            return Encoding.fromScaleAndZeroPoint(bw, scale, 0, true);
        }
        return signedSymmetric(bw, min, max, options);
    }

    /** The smallest signed-symmetric grid (AIMET offset -2^(bw-1)) holding [min, max], whatever min's sign. */
    static Encoding signedSymmetric(int bw, double min, double max, EncoderOptions options) {
        long half = 1L << (bw - 1);
        double fromMin = -min / half; // exact when min = -2^(bw-1)·scale (a grid qsh or AIMET wrote)
        double fromMax = Math.max(max, 0) / (half - 1);
        // equal up to rounding → keep the exactly divisible one so that write → read is bit-exact
        double scale = Math.abs(fromMin - fromMax) <= 4 * Math.ulp(fromMin) ? fromMin : Math.max(fromMin, fromMax);
        scale = Math.max(scale, options.minRange() / Encoding.qmax(bw));
        return Encoding.fromScaleAndZeroPoint(bw, scale, half, true);
    }

    static void checkIntBitwidth(EntryFields f, int bw) {
        try {
            Encoding.checkIntBitwidth(bw);
        } catch (IllegalArgumentException e) {
            throw f.fail(f.has("bw") ? "bw" : "bitwidth", e.getMessage());
        }
    }

    static void checkSameKind(List<Encoding> encodings, String where) {
        Encoding first = encodings.get(0);
        for (Encoding e : encodings) {
            if (e.bitwidth() != first.bitwidth() || e.dtype() != first.dtype()) {
                throw new IllegalArgumentException(where + ": per-channel entries mix " + first + " and " + e
                        + ": give every channel the same bitwidth and dtype");
            }
        }
    }

    /** Writes one section object. */
    static ObjectNode writeSection(Map<String, List<Encoding>> full, Map<String, Integer> bitwidthOnly) {
        JsonNodeFactory nf = JsonNodeFactory.instance;
        ObjectNode section = nf.objectNode();
        for (Map.Entry<String, List<Encoding>> e : full.entrySet()) {
            ArrayNode list = section.putArray(e.getKey());
            for (Encoding enc : e.getValue()) {
                list.add(writeEntry(enc));
            }
        }
        for (Map.Entry<String, Integer> e : bitwidthOnly.entrySet()) {
            ObjectNode entry = section.putArray(e.getKey()).addObject();
            entry.put("bitwidth", e.getValue());
            entry.put("dtype", "int");
        }
        return section;
    }

    private static ObjectNode writeEntry(Encoding enc) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("bitwidth", enc.bitwidth());
        if (!enc.isInt()) {
            o.put("dtype", "float");
            return o;
        }
        o.put("dtype", "int");
        o.put("is_symmetric", enc.symmetric() ? "True" : "False");
        o.put("max", enc.max());
        o.put("min", enc.min() + 0.0); // + 0.0 turns -0.0 (zero point 0) into 0.0
        o.put("offset", enc.aimetOffset()); // AIMET convention: round(min/scale) ≤ 0
        o.put("scale", enc.scale());
        return o;
    }
}
