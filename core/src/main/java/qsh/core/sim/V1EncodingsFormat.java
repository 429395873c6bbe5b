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

/**
 * The list form of AIMET encodings JSON (version 1.0.0): each section is a list of
 * {@code {name, dtype: INT|FLOAT, enc_type: PER_TENSOR|PER_CHANNEL|PER_BLOCK, bw, is_sym, scale: [..], offset: [..]}}.
 *
 * <p>1.0.0 carries no min/max. The spec recomputes scale/offset from bitwidth/min/max; here min/max are derived
 * from the file's scale and offset (min = offset·scale, max = min + (2^bw-1)·scale, AIMET offset ≤ 0) and the
 * recomputation from that range gives back the same grid, so the encoding is built from scale and offset
 * directly (bit-exact). Per-channel entries must be symmetric with offset -2^(bw-1) (spec note), as in the dict
 * form. PER_BLOCK is refused (not supported by qsh yet). An INT entry without scale and offset is a
 * bitwidth-only override.
 */
final class V1EncodingsFormat {
    private V1EncodingsFormat() {}

    /** Reads one section list into {@code full} / {@code bitwidthOnly}. */
    static void readSection(JsonNode section, String where, Map<String, List<Encoding>> full,
                            Map<String, Integer> bitwidthOnly) {
        for (int i = 0; i < section.size(); i++) {
            if (Cancelled.requested()) {
                throw new Cancelled(where + ": reading interrupted after " + i + " of " + section.size() + " entries");
            }
            EntryFields probe = new EntryFields(section.get(i), where + " [" + i + "]");
            String name = probe.requiredString("name");
            EntryFields f = new EntryFields(section.get(i), where + " '" + name + "'");
            if (full.containsKey(name) || bitwidthOnly.containsKey(name)) {
                throw f.fail("appears twice in the section: keep one entry per tensor");
            }
            int bw = f.requiredInt("bw");
            String dtype = f.optionalChoice("dtype", "INT", "INT", "FLOAT");
            if (dtype.equals("FLOAT")) {
                if (bw != 16 && bw != 32) {
                    throw f.fail("bw", "a float encoding must be 16 or 32 bits, got " + bw);
                }
                full.put(name, List.of(Encoding.floatingPoint(bw)));
                continue;
            }
            LegacyEncodingsFormat.checkIntBitwidth(f, bw);
            String encType = f.optionalChoice("enc_type", "PER_TENSOR", "PER_TENSOR", "PER_CHANNEL", "PER_BLOCK");
            if (encType.equals("PER_BLOCK")) {
                throw f.fail("enc_type", "PER_BLOCK (blockwise) encodings are not supported by qsh yet: use"
                        + " PER_TENSOR or PER_CHANNEL");
            }
            boolean sym = Boolean.TRUE.equals(f.optionalBoolean("is_sym"));
            if (!f.has("scale") && !f.has("offset")) {
                bitwidthOnly.put(name, bw);
                continue;
            }
            JsonNode scales = array(f, "scale");
            JsonNode offsets = array(f, "offset");
            if (scales.size() != offsets.size()) {
                throw f.fail("offset", offsets.size() + " offsets for " + scales.size()
                        + " scales: give one offset per scale");
            }
            boolean perChannel = encType.equals("PER_CHANNEL");
            if (!perChannel && scales.size() != 1) {
                throw f.fail("scale", "PER_TENSOR needs exactly one scale, got " + scales.size()
                        + ": set enc_type PER_CHANNEL or give one value");
            }
            long half = 1L << (bw - 1);
            if (perChannel && !sym) {
                throw f.fail("is_sym", "per-channel encodings must be symmetric (spec: offset == -2^(bw-1)): set"
                        + " true or use PER_TENSOR");
            }
            List<Encoding> encodings = new ArrayList<>();
            for (int c = 0; c < scales.size(); c++) {
                double scale = f.number("scale", scales.get(c));
                long offset = f.integralNumber("offset", offsets.get(c));
                if (!(scale > 0)) {
                    throw f.fail("scale", "scale[" + c + "] = " + scale + " must be positive");
                }
                if (offset > 0 || -offset > Encoding.qmax(bw)) {
                    throw f.fail("offset", "offset[" + c + "] = " + offset + " is outside [-" + Encoding.qmax(bw)
                            + ", 0] (AIMET convention offset = round(min/scale) ≤ 0)");
                }
                if (perChannel && offset != -half) {
                    throw f.fail("offset", "offset[" + c + "] = " + offset + ", but per-channel encodings need "
                            + (-half) + " (spec: -2^(bitwidth-1))");
                }
                encodings.add(LegacyEncodingsFormat.onGrid(bw, scale, -offset, sym, Double.NaN));
            }
            full.put(name, encodings);
        }
    }

    private static JsonNode array(EntryFields f, String field) {
        JsonNode v = f.raw(field);
        if (v == null || v.isNull()) {
            throw f.fail(field, "missing: 1.0.0 INT entries need both scale and offset lists");
        }
        if (v.isNumber()) {
            return JsonNodeFactory.instance.arrayNode().add(v);
        }
        if (!v.isArray() || v.isEmpty()) {
            throw f.fail(field, "expected a non-empty list of numbers, got " + EntryFields.kind(v));
        }
        return v;
    }

    /** Writes one section list. */
    static ArrayNode writeSection(Map<String, List<Encoding>> full, Map<String, Integer> bitwidthOnly) {
        ArrayNode section = JsonNodeFactory.instance.arrayNode();
        for (Map.Entry<String, List<Encoding>> e : full.entrySet()) {
            List<Encoding> encs = e.getValue();
            Encoding first = encs.get(0);
            ObjectNode o = section.addObject();
            o.put("name", e.getKey());
            o.put("dtype", first.isInt() ? "INT" : "FLOAT");
            o.put("enc_type", encs.size() > 1 ? "PER_CHANNEL" : "PER_TENSOR");
            o.put("bw", first.bitwidth());
            if (!first.isInt()) {
                continue;
            }
            o.put("is_sym", first.symmetric());
            ArrayNode scales = o.putArray("scale");
            ArrayNode offsets = o.putArray("offset");
            for (Encoding enc : encs) {
                scales.add(enc.scale());
                offsets.add(enc.aimetOffset()); // AIMET convention: round(min/scale) ≤ 0
            }
        }
        for (Map.Entry<String, Integer> e : bitwidthOnly.entrySet()) {
            ObjectNode o = section.addObject();
            o.put("name", e.getKey());
            o.put("dtype", "INT");
            o.put("enc_type", "PER_TENSOR");
            o.put("bw", e.getValue());
        }
        return section;
    }
}
