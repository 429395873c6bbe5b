package qsh.core.equalize;

import java.util.ArrayList;
import java.util.List;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.tensor.Tensor;

/**
 * High-bias absorption (Nagel et al. 2019, arXiv 1906.04721, §4.2, eq. 15-16; algorithms.md). After CLE a
 * layer's bias can be large where its weights were scaled down. For a link layer1 → ReLU → layer2, a folded
 * batch norm says the pre-activation of channel i has mean β_i and std |γ_i|, so nearly all of it (3σ) lies
 * above c_i = max(0, β_i − 3|γ_i|); then ReLU(x − c) = ReLU(x) − c there, and b1 ← b1 − c, b2 ← b2 + Σ_{h,w} W2·c
 * keeps the output. With no activation c_i = β_i and the identity is exact. Without batch-norm data for a
 * layer its links are left alone and the result carries the spec's message.
 *
 * <p>The paper's b2 update assumes every kernel tap of layer2 sees a shifted input. Where layer2 zero-pads its
 * input, border outputs read padding, which is not shifted, so they change by the taps over the padding times c.
 * Such links are skipped unless asked for (on the PaddleOCR classifier one padded link moves the output by
 * 2.4% of its range; the others stay within 1e-6).
 */
public final class HighBiasAbsorber {
    /** The spec's message when batch-norm β/γ data is missing ("Enhanced Quantization Techniques: Limitations"). */
    public static final String INVALID_MODEL = "Invalid model for HBA quantization algorithm.";

    /**
     * One absorbed link.
     *
     * @param from     the layer whose bias was lowered
     * @param to       the layer whose bias took the difference
     * @param absorbed c per channel of {@code from}
     */
    public record Absorption(String from, String to, float[] absorbed) {
        /** How many channels had something to absorb. */
        public int channelsChanged() {
            int n = 0;
            for (float v : absorbed) {
                n += v != 0 ? 1 : 0;
            }
            return n;
        }
    }

    /**
     * What absorption did.
     *
     * @param graph        the new graph
     * @param batchNorms   β after absorption (β − c), γ unchanged
     * @param absorptions  the links absorbed, in chain order
     * @param withoutData  layers whose links were skipped for lack of batch-norm data
     * @param padded       links skipped because the later layer zero-pads ("A → B")
     * @param message      {@link #INVALID_MODEL} when any layer lacked data (the partial algorithm ran), else ""
     */
    public record Result(Graph graph, FoldedBatchNorms batchNorms, List<Absorption> absorptions,
                         List<String> withoutData, List<String> padded, String message) {}

    private HighBiasAbsorber() {}

    /** Absorbs high biases along every link of {@code chains} whose later layer does not pad; {@code g} is unchanged. */
    public static Result absorb(Graph g, List<CleChain> chains, FoldedBatchNorms bn) {
        return absorb(g, chains, bn, false);
    }

    /**
     * Absorbs high biases along the links of {@code chains}; with {@code intoPadded} also into layers that
     * zero-pad (the paper's behaviour, approximate at the borders). {@code g} itself is unchanged.
     */
    public static Result absorb(Graph g, List<CleChain> chains, FoldedBatchNorms bn, boolean intoPadded) {
        GraphEditor ed = new GraphEditor(g);
        FoldedBatchNorms stats = bn;
        List<Absorption> done = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> padded = new ArrayList<>();
        for (CleChain chain : chains) {
            if (chain.hasBatchNorm()) {
                throw new IllegalArgumentException("chain " + chain.describe() + " still has a batch norm inside: fold batch norms first");
            }
            for (int k = 0; k + 1 < chain.layers().size(); k++) {
                String from = chain.layers().get(k);
                if (!intoPadded && pads(g.node(chain.layers().get(k + 1)))) {
                    padded.add(from + " → " + chain.layers().get(k + 1));
                    continue;
                }
                var params = stats.get(from);
                if (params.isEmpty()) {
                    missing.add(from);
                    continue;
                }
                float[] beta = params.get().beta();
                float[] gamma = params.get().gamma();
                boolean relu = chain.activations().get(k).equals("Relu");
                float[] c = new float[beta.length];
                for (int i = 0; i < c.length; i++) {
                    c[i] = relu ? Math.max(0f, beta[i] - 3 * Math.abs(gamma[i])) : beta[i]; // eq. 15: c = max(0, β − 3γ)
                }
                absorbLink(ed, ed.node(from), ed.node(chain.layers().get(k + 1)), c);
                float[] nb = beta.clone();
                for (int i = 0; i < nb.length; i++) {
                    nb[i] -= c[i];
                }
                stats = stats.with(from, new FoldedBatchNorms.Params(nb, gamma));
                done.add(new Absorption(from, chain.layers().get(k + 1), c));
            }
        }
        boolean changed = done.stream().anyMatch(a -> a.channelsChanged() > 0);
        return new Result(changed ? ed.build() : g, stats, List.copyOf(done), List.copyOf(missing),
                List.copyOf(padded), missing.isEmpty() ? "" : INVALID_MODEL);
    }

    /** Whether {@code conv} reads zero padding at its borders (explicit pads or SAME auto-padding). */
    static boolean pads(Node conv) {
        int[] p = conv.attrInts("pads");
        if (p != null) {
            for (int v : p) {
                if (v != 0) {
                    return true;
                }
            }
        }
        return conv.attrString("auto_pad", "NOTSET").startsWith("SAME");
    }

    /** b1 ← b1 − c; b2 ← b2 + Σ_{h,w} W2·c (eq. 16). */
    private static void absorbLink(GraphEditor ed, Node from, Node to, float[] c) {
        float[] b1 = bias(ed, from);
        for (int i = 0; i < c.length; i++) {
            b1[i] -= c[i];
        }
        Tensor w2 = ed.weight(to.input(1));
        double[] shift = LayerWeights.kernelSums(w2, c, LayerWeights.isDepthwise(to, w2));
        float[] b2 = bias(ed, to);
        for (int o = 0; o < b2.length; o++) {
            b2[o] = (float) (b2[o] + shift[o]);
        }
        putBias(ed, from, b1);
        putBias(ed, to, b2);
    }

    private static void putBias(GraphEditor ed, Node layer, float[] values) {
        String name = ed.node(layer.name()).input(2);
        ed.putWeight(name, Tensor.of(ed.weight(name).shape(), values));
    }

    /** A copy of the layer's bias (a zero one is added first when it has none). */
    private static float[] bias(GraphEditor ed, Node layer) {
        String name = ed.ensureBias(layer.name(), ed.weight(layer.input(1)).dim(0));
        return ed.weight(name).data().clone();
    }
}
