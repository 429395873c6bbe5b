package qsh.commands.zoo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * scripts/zoo/zoo.json (models, inputs, configs: shared with scripts/zoo/ort_reference.py) and
 * scripts/zoo/ort-reference.json (ONNX Runtime quantize_static's figures, committed).
 */
record ZooManifest(List<Model> models, List<Config> configs, JsonNode reference) {
    static final Path DIR = Path.of("..", "scripts", "zoo").toAbsolutePath().normalize();

    /**
     * One model: where it comes from (paddle: class path; light: test resource; torch: the export cache). The
     * simulation seeds are the inputs of the simulation-vs-export check only (more than the evaluation's, which
     * must match ort_reference.py's); a model that names its own evaluation seeds uses those for it too.
     */
    record Model(String name, String source, String file, String input, int[] shape, String norm, boolean top1,
                 long[] calibrationSeeds, long[] evaluationSeeds, long[] simulationSeeds) {}

    /** One quantization config: qsh's batch flags and ORT's quantize_static arguments. */
    record Config(String name, List<String> qshFlags) {}

    static ZooManifest read() throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode zoo = json.readTree(DIR.resolve("zoo.json").toFile());
        JsonNode ref = json.readTree(DIR.resolve("ort-reference.json").toFile());
        List<Model> models = new ArrayList<>();
        for (JsonNode m : zoo.get("models")) {
            int[] shape = new int[m.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = m.get("shape").get(i).asInt();
            }
            models.add(new Model(m.get("name").asText(), m.get("source").asText(), m.get("file").asText(),
                    m.get("input").asText(), shape, m.get("norm").asText(), m.get("top1").asBoolean(),
                    seeds(m.has("calibration_seeds") ? m.get("calibration_seeds") : zoo.get("calibration_seeds")),
                    seeds(m.has("evaluation_seeds") ? m.get("evaluation_seeds") : zoo.get("evaluation_seeds")),
                    seeds(m.has("simulation_seeds") ? m.get("simulation_seeds")
                            : m.has("evaluation_seeds") ? m.get("evaluation_seeds") : zoo.get("simulation_seeds"))));
        }
        List<Config> configs = new ArrayList<>();
        for (JsonNode c : zoo.get("configs")) {
            List<String> flags = new ArrayList<>();
            c.get("qsh").forEach(f -> flags.add(f.asText()));
            configs.add(new Config(c.get("name").asText(), flags));
        }
        return new ZooManifest(models, configs, ref);
    }

    private static long[] seeds(JsonNode a) {
        long[] s = new long[a.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = a.get(i).asLong();
        }
        return s;
    }

    /** The reference entry of one model (missing node when the script did not cover it). */
    JsonNode referenceOf(String model) {
        return reference.path("models").path(model);
    }

    /** ORT quantize_static's SQNR for a model × config, empty when ORT failed or the figure is missing. */
    OptionalDouble ortSqnr(String model, String config) {
        JsonNode v = referenceOf(model).path("configs").path(config).path("sqnr_db");
        return v.isNumber() ? OptionalDouble.of(v.asDouble()) : OptionalDouble.empty();
    }

    /**
     * ORT quantize_static's SQNR with its 4-bit per-channel weights moved onto the spec's grid (absmax/7;
     * scripts/zoo/ort_reference.py's spec_grid), empty for other configs.
     */
    OptionalDouble ortSpecGridSqnr(String model, String config) {
        JsonNode v = referenceOf(model).path("configs").path(config).path("spec_grid_sqnr_db");
        return v.isNumber() ? OptionalDouble.of(v.asDouble()) : OptionalDouble.empty();
    }

    /** ORT's error for a model × config, or null. */
    String ortError(String model, String config) {
        JsonNode e = referenceOf(model).path("configs").path(config).path("error");
        return e.isTextual() ? e.asText() : null;
    }
}
