package qsh.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns JMH's JSON result of {@link ExecutorBenchmark} ({@code -rf json}) into the markdown table of the README:
 * per model qsh float, ORT with 2 threads and with 1, qsh / best ORT, qsh's simulated W8A8 and sim / float, then
 * the geometric means of the two ratios over the models that have both figures. A trial that failed (a model qsh
 * cannot run) has no entry in JMH's result: its cells say "—" and it is left out of the means, which say over how
 * many models they are.
 *
 * <p>{@code java -cp bench/target/qsh-benchmarks.jar qsh.bench.ZooSpeedTable RESULT.json}
 */
public final class ZooSpeedTable {
    /** One benchmark's score in ms per run, with JMH's 99.9 % half-width. */
    record Score(double ms, double errorMs) {}

    private ZooSpeedTable() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ZooSpeedTable RESULT.json   (JMH's -rf json output of ExecutorBenchmark)");
            System.exit(2);
        }
        System.out.print(markdown(scores(new ObjectMapper().readTree(Path.of(args[0]).toFile()))));
    }

    /** model → benchmark method → score, models in the order JMH ran them. */
    static Map<String, Map<String, Score>> scores(JsonNode jmh) {
        Map<String, Map<String, Score>> out = new LinkedHashMap<>();
        for (JsonNode run : jmh) {
            String bench = run.get("benchmark").asText();
            String method = bench.substring(bench.lastIndexOf('.') + 1);
            JsonNode params = run.get("params");
            if (params == null || !params.has("model")) {
                continue; // another benchmark class in the same result
            }
            JsonNode metric = run.get("primaryMetric");
            double toMs = msPer(metric.get("scoreUnit").asText());
            double error = metric.get("scoreError").asDouble();
            out.computeIfAbsent(params.get("model").asText(), k -> new LinkedHashMap<>()).put(method,
                    new Score(metric.get("score").asDouble() * toMs, Double.isFinite(error) ? error * toMs : Double.NaN));
        }
        return out;
    }

    /** The factor from JMH's average-time unit to milliseconds. */
    private static double msPer(String unit) {
        return switch (unit) {
            case "ns/op" -> 1e-6;
            case "us/op" -> 1e-3;
            case "ms/op" -> 1;
            case "s/op" -> 1e3;
            default -> throw new IllegalArgumentException("score unit " + unit + ": run the benchmark in average-time mode");
        };
    }

    /** The table, the means, and the count of models over the targets of issue 15. */
    static String markdown(Map<String, Map<String, Score>> scores) {
        StringBuilder t = new StringBuilder();
        t.append("| model | qsh float ms | ORT 2 threads ms | ORT 1 thread ms | qsh / best ORT | qsh W8A8 sim ms | sim / float |\n");
        t.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        List<Double> vsOrt = new ArrayList<>();
        List<Double> simVsFloat = new ArrayList<>();
        int over3 = 0;
        int over12 = 0;
        for (Map.Entry<String, Map<String, Score>> e : scores.entrySet()) {
            Map<String, Score> s = e.getValue();
            Score f = s.get(ExecutorBenchmark.QSH_FLOAT);
            Score q = s.get(ExecutorBenchmark.QSH_SIM);
            Score o2 = s.get(ExecutorBenchmark.ORT_2);
            Score o1 = s.get(ExecutorBenchmark.ORT_1);
            Double best = o2 == null && o1 == null ? null : Math.min(o2 == null ? Double.MAX_VALUE : o2.ms(),
                    o1 == null ? Double.MAX_VALUE : o1.ms());
            String ratio = "—";
            if (f != null && best != null) {
                double r = f.ms() / best;
                vsOrt.add(r);
                over3 += r > 3 ? 1 : 0;
                ratio = fmt(r) + "×";
            }
            String simRatio = "—";
            if (f != null && q != null) {
                double r = q.ms() / f.ms();
                simVsFloat.add(r);
                over12 += r > 1.2 ? 1 : 0;
                simRatio = fmt(r) + "×";
            }
            t.append("| ").append(e.getKey()).append(" | ").append(cell(f)).append(" | ").append(cell(o2)).append(" | ")
                    .append(cell(o1)).append(" | ").append(ratio).append(" | ").append(cell(q)).append(" | ")
                    .append(simRatio).append(" |\n");
        }
        t.append("| **geometric mean** | | | | **").append(vsOrt.isEmpty() ? "—" : fmt(geomean(vsOrt)) + "×").append("** | | **")
                .append(simVsFloat.isEmpty() ? "—" : fmt(geomean(simVsFloat)) + "×").append("** |\n");
        t.append('\n').append(String.format(Locale.ROOT, "qsh / best ORT over %d models: geometric mean %s (target ≤ 1.5×),"
                        + " %d above 3× (target: none). sim / float over %d models: %d above 1.2× (target: none).%n",
                vsOrt.size(), vsOrt.isEmpty() ? "—" : fmt(geomean(vsOrt)) + "×", over3, simVsFloat.size(), over12));
        return t.toString();
    }

    static double geomean(List<Double> v) {
        double s = 0;
        for (double x : v) {
            s += Math.log(x);
        }
        return Math.exp(s / v.size());
    }

    /** "12.3 ±0.4", or "—" when the trial has no result. */
    private static String cell(Score s) {
        if (s == null) {
            return "—";
        }
        return Double.isNaN(s.errorMs()) ? fmt(s.ms()) : fmt(s.ms()) + " ±" + fmt(s.errorMs());
    }

    /** Three significant digits, at most two decimals past the point for small numbers: 123, 12.3, 1.23, 0.12. */
    static String fmt(double v) {
        double a = Math.abs(v);
        String f = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, f, v);
    }
}
