package qsh.core.modelio;

import java.io.IOException;
import java.nio.file.Path;
import qsh.core.graph.Graph;
import qsh.core.io.AtomicFile;
import qsh.core.onnx.proto.OnnxProto.GraphProto;
import qsh.core.onnx.proto.OnnxProto.ModelProto;

/**
 * Writes a {@link Graph} back to ONNX: the kept model plus current nodes and weights, inputs as declared; temp
 * file, then rename.
 */
public final class OnnxWriter {
    private OnnxWriter() {}

    /** The full ModelProto of {@code g}. */
    public static ModelProto toProto(Graph g) {
        GraphProto.Builder gb = g.meta().getGraph().toBuilder().clearNode().clearInitializer();
        gb.addAllNode(g.nodeProtos());
        // inputs as the file declared them: dimensions bound for calibration (batch 1, --input_dim) stay open here
        for (int i = 0; i < gb.getInputCount(); i++) {
            String name = gb.getInput(i).getName();
            for (var declared : g.declaredInputs()) {
                if (declared.getName().equals(name) && !g.weights().containsKey(name)) {
                    gb.setInput(i, declared);
                }
            }
        }
        for (String name : g.weights().keySet()) {
            gb.addInitializer(g.weightProto(name));
        }
        return g.meta().toBuilder().setGraph(gb).build();
    }

    /** Writes {@code g} to {@code path} atomically (never a half-written model). */
    public static void write(Graph g, Path path) throws IOException {
        AtomicFile.write(path, toProto(g).toByteArray());
    }
}
