package qsh.core.workflow;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import qsh.core.graph.Graph;
import qsh.core.io.AtomicFile;
import qsh.core.modelio.OnnxReader;
import qsh.core.modelio.OnnxWriter;
import qsh.core.schema.SchemaCheck;
import qsh.core.sim.EncodingsJson;
import qsh.core.sim.EncodingsVersion;
import qsh.core.sim.QdqGraphBuilder;
import qsh.core.sim.QuantizationPlan;

/**
 * Writing models: a float graph ({@code save}) and a quantized model as QNN's quantizer writes it, a QDQ ONNX file
 * with its AIMET encodings beside it ({@code export}, the batch command). Every model is validated before a byte
 * is written (the guide: "exports are validated before success is reported"): its bytes are read back and checked
 * against every node's opset schema ({@link SchemaCheck}). Files appear whole or not at all ({@link AtomicFile}).
 * Failures are {@link IllegalArgumentException}s whose message ends in "nothing was written".
 */
public final class ModelFiles {
    /** What {@link #export} wrote. */
    public record Written(Path model, Path encodings, long bytes, long opset, long quantizeNodes, long dequantizeNodes) {}

    private ModelFiles() {}

    /**
     * The bytes of {@code g} as an ONNX file, re-read and schema-checked. {@code where} names the destination in
     * messages; a model that breaks a schema fails here, before anything is written.
     */
    public static byte[] checkedBytes(Graph g, String where) {
        byte[] bytes = OnnxWriter.toProto(g).toByteArray();
        try {
            SchemaCheck.requireValid(OnnxReader.read(new ByteArrayInputStream(bytes), where), where);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + "; nothing was written", e);
        }
        return bytes;
    }

    /** Writes {@code g} to {@code out} after {@link #checkedBytes}; returns the size written. */
    public static long save(Graph g, Path out) {
        byte[] bytes = checkedBytes(g, out.toString());
        AtomicFile.write(out, bytes);
        return bytes.length;
    }

    /**
     * Writes {@code plan} over {@code graph} as a QDQ model at {@code out} (4-bit weights packed when {@code pack4})
     * and its encodings at {@link #encodingsPath}: validated first, then both files or neither.
     */
    public static Written export(Graph graph, QuantizationPlan plan, Path out, boolean pack4, EncodingsVersion version) {
        Graph qdq = QdqGraphBuilder.export(graph, plan, pack4);
        Path enc = encodingsPath(out);
        byte[] model = checkedBytes(qdq, out.toString());
        Map<Path, byte[]> pair = new LinkedHashMap<>();
        pair.put(out, model);
        pair.put(enc, EncodingsJson.toJson(plan.encodings(), version).getBytes(StandardCharsets.UTF_8));
        try {
            AtomicFile.writeAll(pair); // both or neither (see AtomicFile for the window a kill leaves)
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + "; nothing was written", e);
        }
        long q = qdq.nodes().stream().filter(n -> n.opType().equals("QuantizeLinear")).count();
        long dq = qdq.nodes().stream().filter(n -> n.opType().equals("DequantizeLinear")).count();
        return new Written(out, enc, model.length, qdq.opset(), q, dq);
    }

    /** OUT.onnx → OUT.encodings (the spec's qairt-quantizer naming). */
    public static Path encodingsPath(Path model) {
        String name = model.getFileName().toString();
        String stem = name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
        return model.resolveSibling(stem + ".encodings");
    }
}
