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
 * tensor in graph order, and prints the tensors whose own segment (forced run) differs. Skipped without QSH_SIMX.
 */
class SimExportDiffTest {
    @TempDir
    Path tmp;

    @Test
    void quantizedTensorsOfSimulationAndExport() throws Exception {
        String only = System.getenv("QSH_SIMX");
        assumeTrue(only != null && !only.isBlank(), "QSH_SIMX=model,… runs the simulation-vs-export diagnostic");
        String configOnly = System.getenv("QSH_SIMX_CONFIG");
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
            for (long seed : m.evaluationSeeds()) {
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
                SimExportDiff.Result r = SimExportDiff.compare(state.simulated(), out, inputs);
                String name = m.name() + "-" + c.name().replaceAll("[^A-Za-z0-9]", "_");
                Files.writeString(reports.resolve(name + ".md"), "# " + m.name() + ", " + c.name() + "\n\n"
                        + SimExportDiff.table(r, false));
                System.out.println("simx: " + m.name() + ", " + c.name() + ": segments that differ on ORT's inputs");
                System.out.print(SimExportDiff.table(r, true));
                assertEquals(List.of(), r.weightMismatches(), "folded weights equal ORT's DequantizeLinear");
            }
        }
    }
}
