package qsh.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import qsh.core.exec.Cancelled;
import qsh.core.quant.EncoderOptions;
import qsh.core.testing.Scaling;

/**
 * Loading an encodings file made for another model (issue 18.7: 10k/20k/40k/200k unknown entries took
 * 1.6/2.3/8.6/213 s, a list scan per name). Reading and naming the unknown tensors must be right and linear: 4× the
 * entries may cost at most 8× the time (best of 3, interleaved; a quadratic path costs 16×).
 */
class EncodingsLinearTimeTest {
    /** A 0.6.1 file with {@code n} activation entries t0 … t(n−1) and every tenth name again as a param. */
    static String file(int n) {
        StringBuilder s = new StringBuilder("{\"version\": \"0.6.1\", \"activation_encodings\": {");
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : ",").append("\"t").append(i).append("\": [{\"bitwidth\": 8, \"dtype\": \"int\","
                    + " \"min\": -1.0, \"max\": 1.0, \"is_symmetric\": \"False\"}]");
        }
        s.append("}, \"param_encodings\": {");
        for (int i = 0; i < n; i += 10) {
            s.append(i == 0 ? "" : ",").append("\"t").append(i).append("\": [{\"bitwidth\": 8, \"dtype\": \"int\"}]");
        }
        return s.append("}}").toString();
    }

    private static List<String> load(String json) {
        QuantOverrides ov = EncodingsJson.parse(json, "enc.json", EncoderOptions.DEFAULTS);
        return ov.unknownTensors(Set.of("t0", "t1", "conv_out"));
    }

    @Test
    void unknownTensorsAreNamedOnceInFileOrder() {
        QuantOverrides ov = EncodingsJson.parse(file(1000), "enc.json", EncoderOptions.DEFAULTS);
        assertEquals(1000, ov.activations().size());
        assertEquals(100, ov.paramBitwidths().size());
        List<String> unknown = ov.unknownTensors(List.of("t0", "t1", "conv_out")); // a List works as well as a Set
        List<String> expected = new ArrayList<>();
        for (int i = 2; i < 1000; i++) {
            expected.add("t" + i); // t10, t20 … are params too: named once, where they first appear
        }
        assertEquals(expected, unknown);
    }

    @Test
    void fourTimesTheEntriesCostLessThanEightTimesTheTime() {
        String small = file(10_000);
        String large = file(40_000);
        Scaling t = Scaling.measure(() -> assertEquals(9_998, load(small).size()), () -> assertEquals(39_998, load(large).size()));
        double ratio = t.ratio();
        System.out.println("encodings with unknown tensors: " + t.describe("10k", "40k"));
        assertTrue(ratio < 8, "4× the entries took " + ratio + "× the time: a quadratic path is back");
    }

    @Test
    void aCancelStopsTheParse() {
        String json = file(2000);
        Thread.currentThread().interrupt();
        try {
            Cancelled c = assertThrows(Cancelled.class, () -> EncodingsJson.parse(json, "enc.json", EncoderOptions.DEFAULTS));
            assertTrue(c.getMessage().startsWith("reading enc.json interrupted after 0 characters"), c.getMessage());
        } finally {
            Thread.interrupted();
        }
        assertEquals(2000, EncodingsJson.parse(json, "enc.json", EncoderOptions.DEFAULTS).activations().size(),
                "without a cancel the same text reads whole");
    }
}
