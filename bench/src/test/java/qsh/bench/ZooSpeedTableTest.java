package qsh.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The summarizer on a JMH result written by hand: units, best ORT, ratios, a failed trial, the means. */
class ZooSpeedTableTest {
    private static String run(String method, String model, double score, String unit) {
        return "{\"benchmark\":\"qsh.bench.ExecutorBenchmark." + method + "\",\"mode\":\"avgt\",\"params\":{\"model\":\""
                + model + "\"},\"primaryMetric\":{\"score\":" + score + ",\"scoreError\":\"NaN\",\"scoreUnit\":\"" + unit + "\"}}";
    }

    @Test
    void ratiosAgainstTheBetterOrtAndGeometricMeans() throws Exception {
        String json = "[" + String.join(",",
                run("qshFloat", "a", 2.0, "ms/op"),
                run("qshSimW8A8", "a", 2.4, "ms/op"),
                run("ort2Threads", "a", 4000, "us/op"), // 4 ms: the slower of ORT's two settings
                run("ort1Thread", "a", 1.0, "ms/op"),
                run("qshFloat", "b", 8.0, "ms/op"),
                run("qshSimW8A8", "b", 8.0, "ms/op"),
                run("ort2Threads", "b", 2.0, "ms/op"),
                run("ort1Thread", "b", 3.0, "ms/op"),
                run("ort1Thread", "c", 3.0, "ms/op"), // qsh failed on c: no qsh entries
                "{\"benchmark\":\"qsh.bench.EncodingBenchmark.arraycopy\",\"params\":null,\"primaryMetric\":{\"score\":1,"
                        + "\"scoreError\":1,\"scoreUnit\":\"ms/op\"}}") + "]";
        Map<String, Map<String, ZooSpeedTable.Score>> s = ZooSpeedTable.scores(new ObjectMapper().readTree(json));
        assertEquals(List.of("a", "b", "c"), List.copyOf(s.keySet()));
        assertEquals(4.0, s.get("a").get("ort2Threads").ms(), 1e-12);
        String md = ZooSpeedTable.markdown(s);
        assertTrue(md.contains("| a | 2.00 | 4.00 | 1.00 | 2.00× | 2.40 | 1.20× |"), md);
        assertTrue(md.contains("| b | 8.00 | 2.00 | 3.00 | 4.00× | 8.00 | 1.00× |"), md);
        assertTrue(md.contains("| c | — | — | 3.00 | — | — | — |"), md);
        // geometric mean of 2 and 4 is √8; of 1.2 and 1.0 is √1.2
        assertTrue(md.contains("| **geometric mean** | | | | **2.83×** | | **1.10×** |"), md);
        assertTrue(md.contains("over 2 models: geometric mean 2.83× (target ≤ 1.5×), 1 above 3×"), md);
        assertTrue(md.contains("sim / float over 2 models: 0 above 1.2×"), md);
    }

    @Test
    void errorsAreShownBesideTheScore() throws Exception {
        String json = "[{\"benchmark\":\"qsh.bench.ExecutorBenchmark.qshFloat\",\"params\":{\"model\":\"a\"},"
                + "\"primaryMetric\":{\"score\":12.345,\"scoreError\":0.5,\"scoreUnit\":\"ms/op\"}}]";
        String md = ZooSpeedTable.markdown(ZooSpeedTable.scores(new ObjectMapper().readTree(json)));
        assertTrue(md.contains("| a | 12.3 ±0.50 | — |"), md);
    }
}
