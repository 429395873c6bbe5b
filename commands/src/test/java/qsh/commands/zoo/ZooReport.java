package qsh.commands.zoo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** target/zoo-report.md: per model the float agreement, each config's SQNR next to ORT's, and simulation vs export. */
final class ZooReport {
    static final Path FILE = Path.of("target", "zoo-report.md");

    private ZooReport() {}

    static void write(List<ZooModelRun> runs, List<String> skipped, Map<String, ZooExpectations.Row> expected,
                      List<String> mismatches, double seconds) throws IOException {
        StringBuilder sb = new StringBuilder("# qsh model zoo report\n\n");
        sb.append(String.format("%d models, %.0f s. Inputs: scripts/zoo/zoo.json (image-like, deterministic);"
                + " SQNR in dB of the first output vs the float model in ONNX Runtime, over the evaluation inputs."
                + " ORT = ONNX Runtime quantize_static (QDQ, MinMax; the better of with and without quant_pre_process) from scripts/zoo/ort-reference.json."
                + " Both exports run in ORT with graph optimizations off.%n%n", runs.size(), seconds));
        skipped.forEach(s -> sb.append("- skipped: ").append(s).append('\n'));
        if (!mismatches.isEmpty()) {
            sb.append("\n## Differences from the expectations table\n\n");
            mismatches.forEach(s -> sb.append("- ").append(s).append('\n'));
        }
        summary(sb, runs);
        sb.append("\n## Figures\n\n| model | float max\\|Δ\\|/range | config | qsh export SQNR | ORT SQNR | qsh − ORT | sim SQNR"
                + " | sim vs export: max steps | top-1 same |\n|---|---|---|---|---|---|---|---|---|\n");
        for (ZooModelRun r : runs) {
            boolean first = true;
            for (ZooModelRun.ConfigFigures f : r.figures) {
                sb.append("| ").append(first ? r.model.name() : "").append(" | ")
                        .append(first ? fmt(r.floatRelDiff, "%.1e") : "").append(" | ").append(f.config()).append(" | ")
                        .append(fmt(f.qshSqnr(), "%.2f")).append(" | ")
                        .append(f.ortError() != null ? "error" : ortText(f, "%.2f", "own grid ")).append(" | ")
                        .append(fmt(f.qshSqnr() - f.ortCompared(), "%+.2f")).append(" | ")
                        .append(fmt(f.simSqnr(), "%.2f")).append(" | ").append(fmt(f.maxSteps(), "%.3g")).append(" | ")
                        .append(f.top1()).append(" |\n");
                first = false;
            }
        }
        sb.append("\n## Checks\n\n| model | check | result | expected | detail |\n|---|---|---|---|---|\n");
        for (ZooModelRun r : runs) {
            for (ZooModelRun.Check c : r.checks) {
                ZooExpectations.Row e = expected.get(ZooExpectations.key(c.model(), c.name()));
                sb.append("| ").append(c.model()).append(" | ").append(c.name()).append(" | ")
                        .append(c.pass() ? "pass" : "FAIL").append(" | ")
                        .append(e == null ? "(none)" : e.pass() ? "pass" : "gap").append(" | ")
                        .append(c.detail().replace("|", "\\|")).append(" |\n");
            }
        }
        Files.createDirectories(FILE.getParent());
        Files.writeString(FILE, sb.toString(), StandardCharsets.UTF_8);
    }

    /**
     * The README's table: per model the float agreement, per config "qsh / ORT" SQNR, the speed ratios of the latest
     * zoo benchmark ({@link #SPEED}, not re-measured here) and the first gap's reason.
     */
    static void summary(StringBuilder sb, List<ZooModelRun> runs) throws IOException {
        if (runs.isEmpty()) {
            return;
        }
        Map<String, String> speed = speedRatios();
        sb.append("\n## Summary (the README's table)\n\nSpeed: qsh float / best ONNX Runtime, and qsh's simulated W8A8"
                + " graph / its float graph, best of 3 iterations, from the run of ").append(SPEED).append(" (")
                .append(speedRun()).append(").\n\n| model | float max\\|Δ\\|/range |");
        runs.get(0).figures.forEach(f -> sb.append(' ').append(f.config()).append(" |"));
        sb.append(" speed: float / ORT, sim / float | first gap |\n|---|---|")
                .append("---|".repeat(runs.get(0).figures.size())).append("---|---|\n");
        for (ZooModelRun r : runs) {
            sb.append("| ").append(r.model.name()).append(" | ").append(fmt(r.floatRelDiff, "%.0e")).append(" |");
            for (ZooModelRun.ConfigFigures f : r.figures) {
                String ort = f.ortError() != null ? "ORT fails" : ortText(f, "%.1f", "");
                String qsh = Double.isNaN(f.qshSqnr()) ? "✗ " + firstFailedCheck(r, f.config()) : fmt(f.qshSqnr(), "%.1f");
                sb.append(' ').append(qsh).append(" / ").append(ort).append(" |");
            }
            sb.append(' ').append(speed.getOrDefault(r.model.name(), "–")).append(" |");
            String gap = r.checks.stream().filter(c -> !c.pass()).findFirst()
                    .map(c -> c.name() + ": " + (c.detail().length() > 90 ? c.detail().substring(0, 90) + "…" : c.detail()))
                    .orElse("");
            sb.append(' ').append(gap.replace("|", "/")).append(" |\n");
        }
    }

    /**
     * The zoo benchmark's figures file (issue 15). Its first "## Run of" section is the latest full ZooSpeed run;
     * other sections (studies, runs on a loaded machine) use other headings and are not read.
     */
    static final Path SPEED = Path.of("..", "bench", "figures", "zoo-speed.md");
    private static final String RUN_HEADING = "## Run of ";
    private static final String SPEED_TABLE = "| model | qsh float ms (best of 3) |";

    /** Model → "2.04× / 2.60×" (qsh / best ORT, sim / float) from the first best-of-3 table of {@link #SPEED}'s latest run. */
    static Map<String, String> speedRatios() throws IOException {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (!Files.exists(SPEED)) {
            return out;
        }
        boolean in = false;
        boolean run = false;
        for (String line : Files.readAllLines(SPEED, StandardCharsets.UTF_8)) {
            if (line.startsWith("## ")) {
                run = line.startsWith(RUN_HEADING);
            } else if (run && line.startsWith(SPEED_TABLE)) {
                in = true;
            } else if (in && !line.startsWith("|")) {
                break;
            } else if (in && !line.startsWith("| ---") && !line.startsWith("| **")) {
                String[] c = line.split("\\|");
                // | model | float ms | ORT ms | qsh / best ORT | sim ms | sim / float |
                out.put(c[1].strip(), c[4].strip() + " / " + c[6].strip());
            }
        }
        return out;
    }

    /** The heading of the run the speed table comes from ("Run of 2026-12-06, …"), as the figures file says. */
    private static String speedRun() throws IOException {
        if (!Files.exists(SPEED)) {
            return "missing";
        }
        return Files.readAllLines(SPEED, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith(RUN_HEADING))
                .findFirst().map(l -> l.substring(3)).orElse("no run heading");
    }

    /** The name of the first failed check of a config ("quantize", "ort-runs-export", …). */
    private static String firstFailedCheck(ZooModelRun r, String config) {
        return r.checks.stream().filter(c -> !c.pass() && c.name().endsWith(" " + config)).findFirst()
                .map(c -> c.name().substring(0, c.name().length() - config.length() - 1)).orElse("–");
    }

    /** The ORT figure qsh is compared with, followed by ORT's own-grid figure where that is a spec-grid one. */
    private static String ortText(ZooModelRun.ConfigFigures f, String format, String ownLabel) {
        return Double.isNaN(f.ortSpecGridSqnr()) ? fmt(f.ortSqnr(), format)
                : fmt(f.ortSpecGridSqnr(), format) + " (" + ownLabel + fmt(f.ortSqnr(), format) + ")";
    }

    private static String fmt(double v, String f) {
        return Double.isNaN(v) ? "–" : String.format(f, v);
    }
}
