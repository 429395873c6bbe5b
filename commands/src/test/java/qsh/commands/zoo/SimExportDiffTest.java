package qsh.commands.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qsh.commands.Interpreter;
import qsh.commands.ModelState;
import qsh.core.tensor.Tensor;

/**
 * The diagnostic of {@link SimExportDiff} on zoo models, run on demand: {@code QSH_SIMX=mobilenet_v2,resnet18}
 * (optionally {@code QSH_SIMX_CONFIG="W8A8 per-tensor"}) writes target/simx/MODEL-CONFIG.md, one row per quantized
 * tensor in graph order, and prints the tensors whose own segment (forced run) differs; and appends to
 * target/simx/noise.md the output-level gap of simulation vs export beside ORT's own gap under a one-ulp nudge
 * ({@link SimExportNoise}). QSH_SIMX_MODE=tensors or noise runs one of the two. Skipped without QSH_SIMX.
 */
class SimExportDiffTest {
    private static String pair(SimExportNoise.Pair p) {
        return String.format("%.0f steps, %.2f vs %.2f dB%s%s", p.maxSteps(), p.sqnrA(), p.sqnrB(),
                p.rows() == 0 ? "" : String.format(", top-1 %d/%d", p.top1Same(), p.rows()),
                p.disagreements().isEmpty() ? "" : " (" + String.join("; ", p.disagreements()) + ")");
    }

    @TempDir
    Path tmp;

    @Test
    void quantizedTensorsOfSimulationAndExport() throws Exception {
        String only = System.getenv("QSH_SIMX");
        assumeTrue(only != null && !only.isBlank(), "QSH_SIMX=model,… runs the simulation-vs-export diagnostic");
        String configOnly = System.getenv("QSH_SIMX_CONFIG");
        String mode = System.getenv("QSH_SIMX_MODE"); // tensors | noise | (both)
        ZooManifest zoo = ZooManifest.read();
        Path reports = Files.createDirectories(Path.of("target", "simx"));
        for (ZooManifest.Model m : zoo.models()) {
            if (!Set.of(only.split(",")).contains(m.name())) {
                continue;
            }
            Path work = Files.createDirectories(tmp.resolve(m.name()));
            Path file = switch (m.source()) {
                case "paddle" -> ModelZooTest.fromClassPath(m.file(), work);
                case "light" -> ModelZooTest.fromClassPath("zoo/light/" + m.file(), work);
                default -> Path.of(System.getProperty("user.home"), ".cache", "qsh-zoo", "torch", m.file());
            };
            ZooModelRun run = new ZooModelRun(zoo, m, file, work);
            int[] s = m.shape();
            StringBuilder list = new StringBuilder();
            for (long seed : m.calibrationSeeds()) {
                Path raw = work.resolve("calib_" + seed + ".raw");
                qsh.core.calib.RawTensorFile.write(raw, ZooInputs.image(seed, s[1], s[2], s[3], m.norm()));
                list.append(raw).append('\n');
            }
            Files.writeString(work.resolve("list.txt"), list);
            List<Map<String, Tensor>> inputs = new ArrayList<>();
            String seeds = System.getenv("QSH_SIMX_SEEDS"); // FIRST-LAST: other evaluation inputs than zoo.json's
            long[] evaluation = seeds == null || seeds.isBlank() ? m.evaluationSeeds()
                    : java.util.stream.LongStream.rangeClosed(Long.parseLong(seeds.split("-")[0]),
                            Long.parseLong(seeds.split("-")[1])).toArray();
            for (long seed : evaluation) {
                inputs.add(Map.of(m.input(), ZooInputs.image(seed, s[1], s[2], s[3], m.norm())));
            }
            for (ZooManifest.Config c : zoo.configs()) {
                if (configOnly != null && !configOnly.isBlank() && !configOnly.equals(c.name())) {
                    continue;
                }
                Path out = work.resolve(c.name().replaceAll("[^A-Za-z0-9]", "_") + ".onnx");
                Interpreter in = new Interpreter();
                in.execute("qairt-quantizer --input_network " + file + " --input_list " + work.resolve("list.txt")
                        + " --output_path " + out + " " + String.join(" ", c.qshFlags()) + run.inputDimFlag());
                ModelState state = in.session().model().orElseThrow();
                if (!"noise".equals(mode)) {
                    SimExportDiff.Result r = SimExportDiff.compare(state.simulated(), out, inputs);
                    String name = m.name() + "-" + c.name().replaceAll("[^A-Za-z0-9]", "_");
                    Files.writeString(reports.resolve(name + ".md"), "# " + m.name() + ", " + c.name() + "\n\n"
                            + SimExportDiff.table(r, false));
                    System.out.println("simx: " + m.name() + ", " + c.name() + ": segments that differ on ORT's inputs");
                    System.out.print(SimExportDiff.table(r, true));
                    assertEquals(List.of(), r.weightMismatches(), "folded weights equal ORT's DequantizeLinear");
                }
                if (!"tensors".equals(mode)) {
                    List<Tensor> xs = inputs.stream().map(v -> v.get(m.input())).toList();
                    SimExportNoise.Result n = SimExportNoise.measure(state.simulated(), file, out, m.input(), xs, m.top1());
                    String line = String.format("| %s | %s | %s | %s | %s |%n", m.name(), c.name(), pair(n.simVsExport()),
                            pair(n.nudgedUp()), pair(n.nudgedDown()));
                    System.out.print("simx-noise: " + line);
                    Files.writeString(reports.resolve("noise.md"), line, java.nio.file.StandardOpenOption.CREATE,
                            java.nio.file.StandardOpenOption.APPEND);
                }
            }
        }
    }
}
