package qsh.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.core.quant.Encoding;

/** Every JSON example of the spec, parsed, with scale/offset recomputed and checked against the spec's numbers. */
class EncodingsJsonSpecExamplesTest {
    private static void assertRel(double expected, double actual, double rel, String what) {
        assertEquals(expected, actual, Math.abs(expected) * rel, what);
    }

    /**
     * The "Quantization Overrides" example. Scales are the spec's. Offsets: the spec prints positive offsets
     * (0, 127, 140), i.e. the zero-point sign, truncated: -min/scale is 127.99999557 and 140.9197502. qsh
     * recomputes (spec: "regardless if they are provided") with round-half-to-even: zero point 128 and 141,
     * AIMET offset (round(min/scale), the sign convention qsh writes) -128 and -141.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        // section, tensor,          bw, spec scale,              zeroPoint, aimetOffset, spec printed offset
        "ACTIVATION, Conv1:0,        8,  0.050288015993135454,   0,   0,    0",
        "ACTIVATION, input:0,        8,  0.007843206675594112,   128, -128, 127",
        "PARAM,      Conv2d/weights, 8,  0.01490669485799974,    141, -141, 140",
    })
    void overridesExample(QuantOverrides.Section section, String tensor, int bw, double specScale, long zeroPoint,
                          long aimetOffset, long specPrintedOffset) {
        QuantOverrides o = SpecJson.parse("spec-overrides-example.json");
        assertEquals(2, o.activations().size());
        assertEquals(1, o.params().size());
        List<Encoding> list = o.encodings(section).get(tensor);
        assertEquals(1, list.size());
        Encoding e = list.get(0);
        assertEquals(bw, e.bitwidth());
        assertTrue(e.isInt());
        assertFalse(e.symmetric());
        assertRel(specScale, e.scale(), 1e-15, "scale");
        assertEquals(zeroPoint, e.zeroPoint());
        assertEquals(aimetOffset, e.aimetOffset());
        // the spec's printed value is the truncated zero point, one below ours where -min/scale is not near an integer
        assertTrue(zeroPoint - specPrintedOffset <= 1);
        // recomputation keeps the width (max - min) and moves the grid so 0.0 is exact
        assertEquals(0.0, e.min() + e.zeroPoint() * e.scale(), 1e-15);
    }

    @Test
    void conv1MaxIsTheSpecMaxExactly() {
        Encoding e = SpecJson.parse("spec-overrides-example.json").activations().get("Conv1:0").get(0);
        assertEquals(0.0, e.min());
        assertRel(12.82344407824954, e.max(), 1e-15, "max");
    }

    /** Case 1: asymmetric per-tensor, is_symmetric "False"; the spec's offset -103 is already AIMET's sign. */
    @Test
    void perChannelCase1AsymmetricPerTensor() {
        QuantOverrides o = SpecJson.parseParamFragment("spec-per-channel-case1.fragment.json");
        List<Encoding> list = o.params().get("features.9.conv.3.weight");
        assertEquals(1, list.size());
        assertFalse(o.isPerChannel("features.9.conv.3.weight"));
        Encoding e = list.get(0);
        assertFalse(e.symmetric());
        assertRel(0.019991940143061618, e.scale(), 1e-12, "scale"); // spec's value differs in the 15th digit
        assertEquals(-103, e.aimetOffset());
        assertEquals(103, e.zeroPoint());
    }

    /** Case 2: three symmetric channels, offset -128.0 (AIMET sign, written as a float), scale = max/127. */
    @ParameterizedTest(name = "channel {0}")
    @CsvSource({
        "0, 0.7011175155639648, -0.7066381259227362, 0.005520610358771377",
        "1, 0.5228064656257629, -0.5269230519692729, 0.004116586343509945",
        "2, 0.7368279099464417, -0.7426297045129491, 0.005801794566507415",
    })
    void perChannelCase2Symmetric(int channel, double max, double min, double specScale) {
        QuantOverrides o = SpecJson.parseParamFragment("spec-per-channel-case2.fragment.json");
        String name = "features.8.conv.3.weight";
        assertTrue(o.isPerChannel(name));
        o.checkChannels(name, 3);
        Encoding e = o.params().get(name).get(channel);
        assertTrue(e.symmetric());
        assertEquals(8, e.bitwidth());
        assertRel(specScale, e.scale(), 1e-15, "scale");
        assertEquals(-128, e.aimetOffset());
        assertRel(max, e.max(), 1e-15, "max");
        assertRel(min, e.min(), 1e-15, "min");
    }

    /** Full mixed-precision override: conv2 float32 sandwiched between int8 ops; int entries fix only the bitwidth. */
    @Test
    void mixedPrecisionFull() {
        QuantOverrides o = SpecJson.parse("spec-mixed-precision-full.json");
        assertEquals(Map.of("conv2_1", List.of(Encoding.floatingPoint(32))), o.activations());
        assertEquals(Map.of("data_0", 8, "conv1_1", 8, "conv3_1", 8), o.activationBitwidths());
        assertEquals(List.of("data_0", "conv1_1", "conv3_1"), List.copyOf(o.activationBitwidths().keySet()));
        assertEquals(Map.of("conv2_w_0", List.of(Encoding.floatingPoint(32)),
                "conv2_b_0", List.of(Encoding.floatingPoint(32))), o.params());
        assertEquals(Map.of("conv1_w_0", 8, "conv1_b_0", 8, "conv3_w_0", 8, "conv3_b_0", 8), o.paramBitwidths());
        assertEquals(10, o.size());
        assertTrue(o.contains("conv3_b_0"));
    }

    /** Partial mixed-precision override, version "0.5.0": only the float op is listed. */
    @Test
    void mixedPrecisionPartial() {
        String text = SpecJson.text("spec-mixed-precision-partial.json");
        assertEquals(EncodingsVersion.V0_5, EncodingsJson.detectVersion(text, "partial"));
        QuantOverrides o = SpecJson.parse("spec-mixed-precision-partial.json");
        assertEquals(Map.of("conv2_1", List.of(Encoding.floatingPoint(32))), o.activations());
        assertEquals(Map.of("conv2_w_0", List.of(Encoding.floatingPoint(32)),
                "conv2_b_0", List.of(Encoding.floatingPoint(32))), o.params());
        assertTrue(o.activationBitwidths().isEmpty());
        assertTrue(o.paramBitwidths().isEmpty());
        assertTrue(o.unknownTensors(List.of("conv2_1", "conv2_w_0", "conv2_b_0")).isEmpty());
        assertEquals(List.of("conv2_b_0"), o.unknownTensors(List.of("conv2_1", "conv2_w_0")));
    }
}
