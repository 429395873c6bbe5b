package qsh.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import qsh.core.quant.EncoderOptions;
import qsh.core.quant.Encoding;

/**
 * Dict-form entries that give scale and offset but no min/max (architecture.md, "Offset sign"): the grid is kept,
 * min = offset·scale (AIMET, offset ≤ 0) or -offset·scale (a positive offset: the spec prose's zero point),
 * max = min + scale·(2^bw-1), and the reading says so in one note; never a silent bitwidth-only override.
 */
class EncodingsJsonScaleOffsetTest {
    private static QuantOverrides parse(String json) {
        return EncodingsJson.parse(json.replace('\'', '"'), "o.json", EncoderOptions.DEFAULTS);
    }

    /** The spec's worked example grid (scale 0.0090196, offset 200 / AIMET -200), given without min/max. */
    @Test
    void aimetOffsetGivesTheSameGrid() {
        double scale = 2.3 / 255;
        QuantOverrides o = parse("{'activation_encodings': {'conv1:0': [{'bitwidth': 8, 'offset': -200, 'scale': "
                + scale + "}]}, 'param_encodings': {}}");
        assertTrue(o.activationBitwidths().isEmpty(), "not dropped to bitwidth-only");
        Encoding e = o.activations().get("conv1:0").get(0);
        assertEquals(scale, e.scale()); // the file's scale, exactly
        assertEquals(-200, e.aimetOffset());
        assertEquals(200, e.zeroPoint());
        assertEquals(-200 * scale, e.min(), 1e-12);
        assertEquals(-200 * scale + 255 * scale, e.max(), 1e-12);
        assertEquals(1, o.notes().size());
        String note = o.notes().get(0);
        assertTrue(note.startsWith("o.json: 1 entry gives scale and offset but no min/max ('conv1:0')"), note);
        assertTrue(note.contains("min = offset·scale") && note.contains("max = min + scale·(2^bw-1)"), note);
        assertFalse(note.contains("zero point"), note);
        assertFalse(note.contains("\n"), note);
    }

    /** The spec's override example writes the zero point (offset 127 for min -1.0039): read as such, and said. */
    @Test
    void positiveOffsetIsTheZeroPoint() {
        double scale = 0.007843206675594112;
        QuantOverrides o = parse("{'activation_encodings': {'input:0': [{'bitwidth': 8, 'offset': 127, 'scale': "
                + scale + "}]}, 'param_encodings': {}}");
        Encoding e = o.activations().get("input:0").get(0);
        assertEquals(127, e.zeroPoint());
        assertEquals(-127 * scale, e.min(), 1e-12);
        assertEquals(128 * scale, e.max(), 1e-12);
        assertTrue(o.notes().get(0).contains("a positive offset (1) is read as the zero point"), o.notes().get(0));
    }

    /** Per-channel symmetric entries with scale and offset -2^(bw-1) only, as AIMET writes them without ranges. */
    @Test
    void perChannelSymmetricWithoutRanges() {
        QuantOverrides o = parse("{'activation_encodings': {}, 'param_encodings': {'w': ["
                + "{'bitwidth': 8, 'is_symmetric': 'True', 'offset': -128, 'scale': 0.005},"
                + "{'bitwidth': 8, 'is_symmetric': 'True', 'offset': -128, 'scale': 0.25}]}}");
        List<Encoding> w = o.params().get("w");
        assertEquals(2, w.size());
        assertTrue(w.get(0).symmetric() && w.get(1).symmetric());
        assertEquals(0.005, w.get(0).scale(), 1e-15);
        assertEquals(0.25, w.get(1).scale(), 1e-15);
        assertEquals(-128, w.get(1).aimetOffset());
        assertTrue(o.notes().get(0).contains("1 entry gives") && o.notes().get(0).contains("'w'"), o.notes().get(0));
    }

    /** Several tensors: one note naming the first few. */
    @Test
    void oneNoteForTheWholeFile() {
        StringBuilder acts = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            acts.append(i > 0 ? ", " : "").append("'a").append(i).append("': [{'bitwidth': 8, 'offset': 0, 'scale': 0.5}]");
        }
        QuantOverrides o = parse("{'activation_encodings': {" + acts + "}, 'param_encodings': {}}");
        assertEquals(6, o.activations().size());
        assertEquals(1, o.notes().size());
        assertTrue(o.notes().get(0).contains("6 entries give") && o.notes().get(0).contains("and 2 more"), o.notes().get(0));
        assertEquals(0.0, o.activations().get("a3").get(0).min());
        assertEquals(127.5, o.activations().get("a3").get(0).max(), 1e-12);
    }

    /** Files with min/max (everything qsh writes) carry no note. */
    @Test
    void rangesGivenMeanNoNote() {
        QuantOverrides o = parse("{'activation_encodings': {'a': [{'bitwidth': 8, 'min': -1, 'max': 1, 'offset': -128,"
                + " 'scale': 0.0078}]}, 'param_encodings': {'b': [{'bitwidth': 8, 'dtype': 'int'}]}}");
        assertTrue(o.notes().isEmpty());
        assertEquals(8, o.paramBitwidths().get("b"));
    }

    @Test
    void halfAGridIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(
                "{'activation_encodings': {'a': [{'bitwidth': 8, 'scale': 0.1}]}, 'param_encodings': {}}"));
        assertTrue(e.getMessage().startsWith("o.json: activation_encodings 'a': field 'offset': missing"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse(
                "{'activation_encodings': {'a': [{'bitwidth': 8, 'offset': -3}]}, 'param_encodings': {}}"));
        assertTrue(e.getMessage().contains("field 'scale': missing"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse(
                "{'activation_encodings': {'a': [{'bitwidth': 4, 'offset': -16, 'scale': 0.1}]}, 'param_encodings': {}}"));
        assertTrue(e.getMessage().contains("field 'offset': offset -16 does not fit 4 bits"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse(
                "{'activation_encodings': {'a': [{'bitwidth': 8, 'offset': -3, 'scale': 0}]}, 'param_encodings': {}}"));
        assertTrue(e.getMessage().contains("field 'scale': scale 0.0 must be positive"), e.getMessage());
    }
}
