package qsh.core.equalize;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.exec.ShapeInference;
import qsh.core.tensor.Tensor;

/**
 * Squashes {@code Add(layer, c)} / {@code Sub(layer, c)} into the bias of the Conv, ConvTranspose or Gemm before it
 * when the constant c holds one value per output channel (or one in all): {@code W·x + b + c = W·x + (b + c)}. A
 * MatMul of a 2-D input by a constant matrix followed by such an Add becomes one Gemm with that bias (a
 * fully-connected layer, as exporters that write FC as MatMul + Add mean it, and as QNN's converter makes it). This is
 * how QNN's converter turns a bias that an exporter wrote as a separate Add (PaddleOCR's {@code Reshape(bias) → Add},
 * once the Reshape is folded) back into the layer's bias, which the quantizer then treats as a bias (bias_bw 32: scale
 * = input scale × weight scale) instead of a second quantized tensor with a quantization point between.
 *
 * <p>Only when the layer's output feeds nothing else, is not a graph output, and the layer's weight and bias are its
 * own constants. In float the result differs from the unsquashed graph by the rounding of one addition per output.
 */
public final class ConstantAddFolder {
    /** One squash: the Add/Sub node and the layer it went into. */
    public record Squash(String add, String layer) {}

    /** The new graph and the squashes in graph order ({@code graph} is the input itself when there are none). */
    public record Result(Graph graph, List<Squash> squashes) {}

    private ConstantAddFolder() {}

    /** Squashes every constant per-channel Add/Sub that follows a layer into its bias; {@code g} is unchanged. */
    public static Result fold(Graph g) {
        GraphEditor ed = new GraphEditor(g);
        ShapeInference.Result shapes = null; // inferred only when a MatMul is a candidate
        List<Squash> done = new ArrayList<>();
        for (Node add : g.nodes()) {
            boolean sub = add.opType().equals("Sub");
            if (!(add.opType().equals("Add") || sub) || add.inputs().size() != 2) {
                continue;
            }
            for (int side = 0; side < 2; side++) {
                if (sub && side == 1) {
                    break; // c − layer would negate the layer's weights too: left as it is
                }
                Node layer = g.producer(add.input(side));
                String constant = add.input(1 - side);
                if (layer != null && layer.opType().equals("MatMul") && shapes == null) {
                    shapes = ShapeInference.infer(g, Map.of());
                }
                int channels = layer == null ? -1 : outputChannels(g, layer, add.input(side), shapes);
                if (channels < 0 || !(g.weights().get(constant) instanceof Tensor c) || !perChannel(c, layer, g, channels)) {
                    continue;
                }
                squash(g, ed, layer, add, c, channels, sub ? -1 : 1);
                ed.removeNode(add.name());
                ed.dropUnusedWeights(List.of(constant));
                done.add(new Squash(add.name(), layer.name()));
                break;
            }
        }
        return new Result(done.isEmpty() ? g : ed.build(), List.copyOf(done));
    }

    /** The layer's output channel count when it can take the constant into its bias, else -1. */
    private static int outputChannels(Graph g, Node layer, String out, ShapeInference.Result shapes) {
        String op = layer.opType();
        if (op.equals("MatMul")) { // A[M,K]·W[K,N] + c is Gemm(A, W, c): only for a 2-D A (Gemm's rank)
            int[] a = shapes == null ? null : shapes.shape(layer.input(0));
            if (a == null || a.length != 2 || !(g.weights().get(layer.input(1)) instanceof Tensor w) || w.rank() != 2
                    || g.consumers(layer.input(1)).size() != 1 || g.consumers(out).size() != 1
                    || g.outputs().stream().anyMatch(o -> o.name().equals(out))) {
                return -1;
            }
            return w.dim(1);
        }
        if (!(op.equals("Conv") || op.equals("ConvTranspose") || op.equals("Gemm")) || layer.outputs().size() != 1
                || g.consumers(out).size() != 1 || g.outputs().stream().anyMatch(o -> o.name().equals(out))) {
            return -1;
        }
        if (!(g.weights().get(layer.input(1)) instanceof Tensor w) || g.consumers(layer.input(1)).size() != 1) {
            return -1;
        }
        String bias = layer.input(2);
        if (!bias.isEmpty() && (!(g.weights().get(bias) instanceof Tensor) || g.consumers(bias).size() != 1)) {
            return -1;
        }
        int m = op.equals("Conv") ? w.dim(0)
                : op.equals("ConvTranspose") ? w.dim(1) * (int) layer.attrInt("group", 1)
                : w.dim(layer.attrInt("transB", 0) != 0 ? 0 : 1);
        if (!bias.isEmpty() && ((Tensor) g.weights().get(bias)).size() != m) {
            return -1; // a Gemm C broadcast over rows too
        }
        return m;
    }

    /** Whether c broadcasts onto the layer's output as one value per channel (axis 1) or one value in all. */
    private static boolean perChannel(Tensor c, Node layer, Graph g, int channels) {
        boolean fc = layer.opType().equals("Gemm") || layer.opType().equals("MatMul");
        int rank = fc ? 2 : ((Tensor) g.weights().get(layer.input(1))).rank();
        int[] s = c.shape();
        if (s.length > rank) {
            return false;
        }
        for (int i = 0; i < s.length; i++) {
            int axis = rank - s.length + i;
            if (s[i] != 1 && !(axis == 1 && s[i] == channels)) {
                return false;
            }
        }
        return true;
    }

    private static void squash(Graph g, GraphEditor ed, Node layer, Node add, Tensor c, int channels, int sign) {
        // Gemm: Y = α·A·B + β·C, so the old bias term is β·C; the new C holds it whole and β becomes 1
        double beta = layer.opType().equals("Gemm") ? layer.attrFloat("beta", 1f) : 1;
        float[] b = layer.input(2).isEmpty() ? new float[channels] : ((Tensor) g.weights().get(layer.input(2))).data();
        if (layer.opType().equals("MatMul")) { // becomes a fully-connected Gemm (α = β = 1, no transposes)
            ed.replaceNode(layer.name(), layer.proto().toBuilder().setOpType("Gemm").clearAttribute().build());
        }
        float[] nb = new float[channels];
        for (int i = 0; i < channels; i++) {
            nb[i] = (float) (beta * b[i] + sign * (double) c.data()[c.size() == 1 ? 0 : i]);
        }
        ed.setFoldedBias(layer.name(), nb, add.output(0));
    }
}
