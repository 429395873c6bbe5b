package qsh.core.modelio;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.core.io.FileAccessPolicy;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.onnx.OnnxFormatException;
import qsh.core.onnx.TensorProtos;
import qsh.core.onnx.proto.OnnxProto.GraphProto;
import qsh.core.onnx.proto.OnnxProto.ModelProto;
import qsh.core.onnx.proto.OnnxProto.NodeProto;
import qsh.core.onnx.proto.OnnxProto.TensorProto;

/**
 * Reads an ONNX file into a {@link Graph}. Initializers are decoded once into tensors and dropped from the
 * kept proto, so a loaded model holds its weights once. Every failure is an {@link OnnxFormatException}
 * whose message names the file and what is wrong.
 */
public final class OnnxReader {
    private OnnxReader() {}

    /** Reads {@code path}. */
    public static Graph read(Path path) {
        FileAccessPolicy.requireRead(path);
        if (Files.exists(path) && !Files.isRegularFile(path)) { // a FIFO would block the read forever
            throw new OnnxFormatException(path + ": not a regular file (" + (Files.isDirectory(path) ? "a folder"
                    : "a device, FIFO or socket") + "); give an ONNX model file");
        }
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, path.toString());
        } catch (NoSuchFileException e) {
            throw new OnnxFormatException(path + ": no such file");
        } catch (IOException e) {
            throw new OnnxFormatException(path + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** Reads a model from {@code in}; {@code source} names it in messages. */
    public static Graph read(InputStream in, String source) throws IOException {
        ModelProto model;
        try {
            CodedInputStream cis = CodedInputStream.newInstance(in);
            cis.setSizeLimit(Integer.MAX_VALUE);
            cis.setRecursionLimit(200);
            model = ModelProto.parseFrom(cis);
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxFormatException(source + ": not a valid ONNX model, or the file is truncated or corrupted ("
                    + e.getMessage() + ")", e);
        }
        return fromProto(model, source);
    }

    /** Builds a Graph from a parsed model. */
    public static Graph fromProto(ModelProto model, String source) {
        if (!model.hasGraph() || model.getGraph().getNodeCount() == 0 && model.getGraph().getOutputCount() == 0) {
            throw new OnnxFormatException(source + ": the file holds no ONNX graph (is it an ONNX model?)");
        }
        GraphProto g = model.getGraph();
        Map<String, Object> weights = new LinkedHashMap<>();
        Map<String, Integer> types = new HashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            try {
                weights.put(t.getName(), TensorProtos.decode(t));
            } catch (IllegalArgumentException e) {
                throw new OnnxFormatException(source + ": initializer '" + t.getName() + "': " + e.getMessage(), e);
            }
            types.put(t.getName(), t.getDataType());
        }
        List<Node> nodes = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        GraphProto.Builder kept = g.toBuilder().clearNode().clearInitializer();
        for (NodeProto np : g.getNodeList()) {
            // Constant nodes become weights, like initializers (exported models keep weights in both forms);
            // they are written back as initializers, which ONNX runtimes treat the same way.
            TensorProto c = ConstantNodes.value(np, source);
            if (c != null) {
                try {
                    weights.put(np.getOutput(0), TensorProtos.decode(c));
                } catch (IllegalArgumentException e) {
                    throw new OnnxFormatException(source + ": Constant node '" + np.getName() + "': " + e.getMessage(), e);
                }
                types.put(np.getOutput(0), c.getDataType());
                continue;
            }
            int k = seen.merge(np.getOpType(), 1, Integer::sum);
            nodes.add(new Node(np, np.getOpType() + "_" + k));
        }
        ModelProto meta = model.toBuilder().setGraph(kept).build();
        return new Graph(meta, nodes, weights, types, source);
    }
}
