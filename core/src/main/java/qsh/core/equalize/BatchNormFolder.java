package qsh.core.equalize;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.core.exec.Cancelled;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.tensor.Tensor;

/**
 * Folds inference BatchNormalization nodes into the Conv (any group, depthwise included), ConvTranspose or Gemm
 * before them, as QNN's converters do by default (their {@code --disable_batchnorm_folding} keeps them).
 * BN computes y = γ·(x − μ)/√(σ² + ε) + β per channel; with a_i = γ_i/√(σ²_i + ε) and x = W·in + b this is
 * y = (a_i·W_i)·in + a_i·(b_i − μ_i) + β_i, so W'_i = a_i·W_i and b'_i = a_i·(b_i − μ_i) + β_i
 * (Nagel et al. 2019, arXiv 1906.04721, §5 "batch normalization folding"). The folded layer takes over the BN's
 * output name, so its consumers need no rewiring. β and γ are kept for high-bias absorption.
 */
public final class BatchNormFolder {
    /**
     * One folded batch norm.
     *
     * @param batchNorm the removed BatchNormalization node
     * @param layer     the Conv or Gemm it was folded into
     */
    public record Fold(String batchNorm, String layer) {}

    /**
     * What folding did.
     *
     * @param graph      the new graph
     * @param folds      the folded batch norms in graph order
     * @param batchNorms β and γ of each folded BN, by layer
     * @param skipped    one line per BatchNormalization left in place, with the reason
     */
    public record Result(Graph graph, List<Fold> folds, FoldedBatchNorms batchNorms, List<String> skipped) {}

    private BatchNormFolder() {}

    /** Folds every foldable batch norm of {@code g}; {@code g} itself is unchanged. */
    public static Result fold(Graph g) {
        GraphEditor ed = new GraphEditor(g);
        List<Fold> folds = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Map<String, FoldedBatchNorms.Params> stats = new LinkedHashMap<>(); // made into FoldedBatchNorms once
        for (Node bn : g.nodes()) {
            if (Cancelled.requested()) {
                throw new Cancelled("batch-norm folding interrupted after " + folds.size()
                        + " folds; nothing was applied: the model is as before");
            }
            if (!bn.opType().equals("BatchNormalization")) {
                continue;
            }
            String why = problem(g, bn);
            if (why != null) {
                skipped.add(bn.name() + ": " + why);
                continue;
            }
            Node layer = g.producer(bn.input(0));
            float[] beta = ((Tensor) g.weights().get(bn.input(2))).data();
            float[] gamma = ((Tensor) g.weights().get(bn.input(1))).data();
            foldInto(g, ed, layer, bn);
            ed.removeNode(bn.name());
            ed.dropUnusedWeights(bn.inputs().subList(1, 5));
            folds.add(new Fold(bn.name(), layer.name()));
            stats.put(layer.name(), new FoldedBatchNorms.Params(beta.clone(), gamma.clone()));
        }
        return new Result(folds.isEmpty() ? g : ed.build(), List.copyOf(folds), FoldedBatchNorms.EMPTY.withAll(stats),
                List.copyOf(skipped));
    }

    /** Why {@code bn} cannot be folded, or null. */
    private static String problem(Graph g, Node bn) {
        if (bn.attrInt("training_mode", 0) != 0 || bn.outputs().stream().skip(1).anyMatch(o -> !o.isEmpty())) {
            return "in training mode (running statistics are outputs)";
        }
        for (int i = 1; i <= 4; i++) {
            if (!(g.weights().get(bn.input(i)) instanceof Tensor)) {
                return "its parameter " + bn.input(i) + " is not a constant";
            }
        }
        Node layer = g.producer(bn.input(0));
        if (layer == null || !(layer.opType().equals("Conv") || layer.opType().equals("Gemm")
                || layer.opType().equals("ConvTranspose"))) {
            return "its input comes from " + (layer == null ? "a graph input" : layer.opType() + " " + layer.name())
                    + ", not a Conv, ConvTranspose or Gemm";
        }
        if (g.consumers(bn.input(0)).size() != 1 || g.outputs().stream().anyMatch(o -> o.name().equals(bn.input(0)))) {
            return "the output of " + layer.name() + " is also used elsewhere";
        }
        Object w = g.weights().get(layer.input(1));
        if (!(w instanceof Tensor) || g.consumers(layer.input(1)).size() != 1) {
            return layer.name() + " has no weight of its own to fold into";
        }
        String bias = layer.input(2);
        if (!bias.isEmpty() && (!(g.weights().get(bias) instanceof Tensor) || g.consumers(bias).size() != 1)) {
            return layer.name() + " has a bias that is not its own constant";
        }
        if (layer.opType().equals("Gemm")) {
            int channels = ((Tensor) w).dim(layer.attrInt("transB", 0) != 0 ? 0 : 1);
            if (!bias.isEmpty() && ((Tensor) g.weights().get(bias)).size() != channels) {
                return layer.name() + " has a bias C that is not one value per output";
            }
        }
        return null;
    }

    private static void foldInto(Graph g, GraphEditor ed, Node layer, Node bn) {
        float[] gamma = ((Tensor) g.weights().get(bn.input(1))).data();
        float[] beta = ((Tensor) g.weights().get(bn.input(2))).data();
        float[] mean = ((Tensor) g.weights().get(bn.input(3))).data();
        float[] var = ((Tensor) g.weights().get(bn.input(4))).data();
        double eps = bn.attrFloat("epsilon", 1e-5f);
        int m = gamma.length;
        double[] a = new double[m];
        for (int i = 0; i < m; i++) {
            a[i] = gamma[i] / Math.sqrt(var[i] + eps);
        }
        Tensor w = (Tensor) g.weights().get(layer.input(1));
        boolean gemmColumns = layer.opType().equals("Gemm") && layer.attrInt("transB", 0) == 0;
        Tensor w2 = gemmColumns ? scaleColumns(w, a) : layer.opType().equals("ConvTranspose")
                ? scaleTransposedOutputs(w, a, (int) layer.attrInt("group", 1)) : LayerWeights.scaleOutputs(w, a);
        ed.putWeight(layer.input(1), w2);
        // Gemm: Y = α·A·B + β_gemm·C, so the old bias term is β_gemm·C; the new C holds it whole and β_gemm becomes 1.
        double biasFactor = layer.opType().equals("Gemm") ? layer.attrFloat("beta", 1f) : 1;
        float[] b = layer.input(2).isEmpty() ? new float[m] : ((Tensor) g.weights().get(layer.input(2))).data();
        float[] nb = new float[m];
        for (int i = 0; i < m; i++) {
            nb[i] = (float) (a[i] * (biasFactor * b[i] - mean[i]) + beta[i]);
        }
        ed.setFoldedBias(layer.name(), nb, bn.outputs().get(0));
    }

    /**
     * ConvTranspose weights are [C_in, C_out/group, k…]: input channel c belongs to group c / (C_in/group), and its
     * slice j feeds output channel group·(C_out/group) + j, so W[c, j, …] *= a[that output channel].
     */
    private static Tensor scaleTransposedOutputs(Tensor w, double[] a, int group) {
        Tensor out = w.copy();
        float[] d = out.data();
        int cin = w.dim(0);
        int perGroupOut = w.dim(1);
        int inPerGroup = cin / Math.max(1, group);
        int taps = w.size() / (cin * perGroupOut);
        for (int c = 0; c < cin; c++) {
            for (int j = 0; j < perGroupOut; j++) {
                double f = a[(c / inPerGroup) * perGroupOut + j];
                int base = (c * perGroupOut + j) * taps;
                for (int t = 0; t < taps; t++) {
                    d[base + t] = (float) (d[base + t] * f);
                }
            }
        }
        return out;
    }

    /** Gemm without transB keeps outputs on the last axis: B[k, j] *= a[j]. */
    private static Tensor scaleColumns(Tensor w, double[] a) {
        Tensor out = w.copy();
        float[] d = out.data();
        int n = a.length;
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (d[i] * a[i % n]);
        }
        return out;
    }
}
