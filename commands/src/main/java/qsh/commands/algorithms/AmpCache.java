package qsh.commands.algorithms;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import qsh.core.io.FileAccessPolicy;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.io.AtomicFile;
import qsh.core.tensor.Tensor;

/**
 * AMP's phase-1 results cached between runs (the spec's {@code clean_start}: false reuses them, true deletes
 * them first). The key digests everything phase 1 depends on: the graph (nodes and weights), the candidates,
 * the calibration data and the evaluator (callback file contents, function, kwargs); a cached file whose groups
 * differ is ignored. Files live in {@code $QSH_CACHE} (or the {@code qsh.cache} property) or {@code ~/.cache/qsh}, under {@code amp/}.
 */
final class AmpCache {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    private AmpCache(Path file) {
        this.file = file;
    }

    static Path dir() {
        return qsh.commands.spi.CacheFolder.dir().resolve("amp");
    }

    /** The cache entry for this model, these samples and this description of candidates and evaluator. */
    static AmpCache of(String id, Graph g, List<Map<String, Tensor>> calibration, String description) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (Node n : g.nodes()) {
                d.update((n.name() + "|" + n.opType() + "|" + n.inputs() + "|" + n.outputs() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            g.weights().forEach((k, v) -> {
                d.update(k.getBytes(StandardCharsets.UTF_8));
                if (v instanceof Tensor t) {
                    update(d, t.data());
                }
            });
            for (Map<String, Tensor> s : calibration) {
                s.values().forEach(t -> update(d, t.data()));
            }
            d.update(description.getBytes(StandardCharsets.UTF_8));
            String key = (id == null ? "" : id.replaceAll("[^A-Za-z0-9_.-]", "_") + "-")
                    + HexFormat.of().formatHex(d.digest()).substring(0, 24);
            return new AmpCache(dir().resolve(key + ".json"));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void update(MessageDigest d, float[] f) {
        byte[] b = new byte[f.length * 4];
        for (int i = 0; i < f.length; i++) {
            int x = Float.floatToIntBits(f[i]);
            b[4 * i] = (byte) x;
            b[4 * i + 1] = (byte) (x >>> 8);
            b[4 * i + 2] = (byte) (x >>> 16);
            b[4 * i + 3] = (byte) (x >>> 24);
        }
        d.update(b);
    }

    /** A digest of a callback file's contents (so that editing the callback invalidates the cache). */
    static String contents(Path p) {
        try {
            if (p != null) {
                FileAccessPolicy.requireRead(p); // a config run by a script: only what it may read
            }
            return p == null ? "" : Integer.toHexString(Files.readString(p).hashCode());
        } catch (IOException e) {
            return "";
        }
    }

    Path file() {
        return file;
    }

    /** Cached sensitivities for these groups, or null. */
    double[][] load(List<String> groups) {
        try {
            if (!Files.isRegularFile(file)) {
                return null;
            }
            Map<?, ?> m = JSON.readValue(file.toFile(), Map.class);
            if (!groups.equals(m.get("groups"))) {
                return null;
            }
            return JSON.convertValue(m.get("sensitivity"), double[][].class);
        } catch (IOException | IllegalArgumentException e) {
            return null; // a damaged cache is recomputed
        }
    }

    void save(List<String> groups, double[][] sensitivity) {
        try {
            Files.createDirectories(file.getParent());
            AtomicFile.write(file, JSON.writeValueAsBytes(Map.of("groups", groups, "sensitivity", sensitivity)));
        } catch (IOException e) {
            // a cache that cannot be written only costs time next run
        }
    }

    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // nothing cached
        }
    }
}
