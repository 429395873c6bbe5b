package qsh.core.equalize;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import qsh.core.exec.Cancelled;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.tensor.Tensor;

/**
 * Cross-layer equalization (Nagel et al. 2019, arXiv 1906.04721, §4.1; algorithms.md "Cross-layer
 * equalization"). For a pair conv1 → conv2 through a positively homogeneous activation, f(W2·f(W1·x + b1)) is
 * unchanged by W1_i, b1_i ← W1_i/s_i, b1_i/s_i and W2[:, i] ← s_i·W2[:, i]; the choice s_i = √(r1_i/r2_i)
 * (eq. 12, r1_i = max|W1[i]|, r2_i = max|W2[:, i]|) makes both ranges √(r1_i·r2_i). For a triplet
 * conv0 → depthwise conv1 → conv2 the cube-root rule c = ∛(r0·r1·r2), s12 = r0/c, s23 = c/r2 makes all three
 * ranges c. Non-finite or zero scales (dead channels) become 1.
 */
public final class CrossLayerEqualizer {
    /**
     * The numbers of one chain.
     *
     * @param chain  the chain
     * @param ranges per layer, its per-channel range on the shared channels: r1, r2 (pair) or r0, r1, r2 (triplet)
     * @param scales per link, the scale s_i dividing the earlier layer's outputs: s (pair) or s12, s23 (triplet)
     */
    public record ChainPlan(CleChain chain, List<float[]> ranges, List<float[]> scales) {
        /** max_i |s_i − 1| over all links: 0 means the chain is already equalized. */
        public double maxScaleDeviation() {
            double d = 0;
            for (float[] s : scales) {
                for (float v : s) {
                    d = Math.max(d, Math.abs(v - 1));
                }
            }
            return d;
        }

        /** Whether applying the chain would change nothing worth speaking of (every |s − 1| < 1e-4). */
        public boolean isEqualized() {
            return maxScaleDeviation() < 1e-4;
        }
    }

    /**
     * One applied chain.
     *
     * @param layer  a layer whose output channels were divided
     * @param scales the divisors, per output channel
     */
    public record OutputScale(String layer, float[] scales) {}

    /**
     * What applying did.
     *
     * @param graph        the new graph
     * @param plans        the plan of each applied chain, computed on the weights it was applied to
     * @param outputScales each layer whose outputs were divided, and by what (β, γ of its folded BN divide too)
     */
    public record Applied(Graph graph, List<ChainPlan> plans, List<OutputScale> outputScales) {
        /** {@code bn} with β and γ divided by the applied scales. */
        public FoldedBatchNorms rescale(FoldedBatchNorms bn) {
            Map<String, FoldedBatchNorms.Params> changed = new LinkedHashMap<>(); // one copy of the map, not one per scale
            for (OutputScale s : outputScales) {
                FoldedBatchNorms.Params p = changed.containsKey(s.layer()) ? changed.get(s.layer())
                        : bn.get(s.layer()).orElse(null);
                if (p != null) {
                    changed.put(s.layer(), FoldedBatchNorms.divided(p, s.scales()));
                }
            }
            return bn.withAll(changed);
        }
    }

    private CrossLayerEqualizer() {}

    /** The plan of {@code chain} on the current weights of {@code g}. */
    public static ChainPlan plan(Graph g, CleChain chain) {
        return plan(g, chain, name -> (Tensor) g.weights().get(name));
    }

    /** The plan of {@code chain} on the nodes of {@code g} with the weights {@code weight} gives (an editor's). */
    private static ChainPlan plan(Graph g, CleChain chain, Function<String, Tensor> weight) {
        if (chain.hasBatchNorm()) {
            throw new IllegalArgumentException("chain " + chain.describe() + " still has batch norm "
                    + chain.batchNorms().stream().filter(b -> !b.isEmpty()).findFirst().orElseThrow()
                    + " inside: fold batch norms first");
        }
        List<Node> nodes = chain.layers().stream().map(g::node).toList();
        List<Tensor> ws = nodes.stream().map(n -> weight.apply(n.input(1))).toList();
        Node last = nodes.get(nodes.size() - 1);
        float[] first = LayerWeights.outputRanges(ws.get(0));
        float[] lastIn = LayerWeights.inputRanges(ws.get(ws.size() - 1), LayerWeights.isDepthwise(last, ws.get(ws.size() - 1)));
        if (!chain.isTriplet()) {
            float[] s = new float[first.length];
            for (int i = 0; i < s.length; i++) {
                s[i] = sanitize(Math.sqrt((double) first[i] / lastIn[i])); // eq. 12: s_i = √(r1_i / r2_i)
            }
            return new ChainPlan(chain, List.of(first, lastIn), List.of(s));
        }
        float[] mid = LayerWeights.outputRanges(ws.get(1));
        float[] s12 = new float[first.length];
        float[] s23 = new float[first.length];
        for (int i = 0; i < s12.length; i++) {
            double c = Math.cbrt((double) first[i] * mid[i] * lastIn[i]); // c = ∛(r0·r1·r2)
            s12[i] = sanitize(first[i] / c);
            s23[i] = sanitize(c / lastIn[i]);
        }
        return new ChainPlan(chain, List.of(first, mid, lastIn), List.of(s12, s23));
    }

    /** The plans of {@code chains} on {@code g} as it is now (overlapping chains are planned before any is applied). */
    public static List<ChainPlan> plan(Graph g, List<CleChain> chains) {
        return chains.stream().map(c -> plan(g, c)).toList();
    }

    /**
     * Applies {@code chains} one after another, each planned on the weights left by the ones before it. One editor
     * takes every chain and the graph is built once, so n chains cost O(n), not n graph copies (issue 18.7).
     * Stops with {@link Cancelled} between chains when the thread is interrupted; {@code g} is unchanged then.
     */
    public static Applied apply(Graph g, List<CleChain> chains) {
        GraphEditor ed = new GraphEditor(g);
        List<ChainPlan> plans = new ArrayList<>();
        List<OutputScale> scales = new ArrayList<>();
        int done = 0;
        for (CleChain c : chains) {
            if (Cancelled.requested()) {
                throw new Cancelled("cle interrupted after " + done + " of " + chains.size()
                        + " chains; nothing was applied: the model is as before");
            }
            plans.add(applyTo(g, ed, c, scales));
            done++;
        }
        return new Applied(chains.isEmpty() ? g : ed.build(), List.copyOf(plans), List.copyOf(scales));
    }

    /** Applies one chain; {@code g} itself is unchanged. */
    public static Applied apply(Graph g, CleChain chain) {
        return apply(g, List.of(chain));
    }

    /** Plans {@code chain} on the editor's current weights and applies it there; adds the output scales to {@code out}. */
    private static ChainPlan applyTo(Graph g, GraphEditor ed, CleChain chain, List<OutputScale> out) {
        ChainPlan p = plan(g, chain, ed::weight);
        List<String> layers = chain.layers();
        for (int k = 0; k < p.scales().size(); k++) {
            float[] s = p.scales().get(k);
            double[] inv = new double[s.length];
            double[] mul = new double[s.length];
            for (int i = 0; i < s.length; i++) {
                inv[i] = 1.0 / s[i];
                mul[i] = s[i];
            }
            // the earlier layer: W_i, b_i ← W_i/s_i, b_i/s_i; the later one: W[:, i] ← s_i·W[:, i]
            scaleOutputs(g, ed, g.node(layers.get(k)), inv);
            Node next = g.node(layers.get(k + 1));
            Tensor wn = ed.weight(next.input(1));
            ed.putWeight(next.input(1), LayerWeights.scaleInputs(wn, mul, LayerWeights.isDepthwise(next, wn)));
            out.add(new OutputScale(layers.get(k), s));
        }
        return p;
    }

    private static void scaleOutputs(Graph g, GraphEditor ed, Node layer, double[] f) {
        ed.putWeight(layer.input(1), LayerWeights.scaleOutputs(ed.weight(layer.input(1)), f));
        String bias = layer.input(2);
        if (!bias.isEmpty()) {
            Tensor b = ed.weight(bias);
            float[] nb = b.data().clone();
            for (int i = 0; i < nb.length; i++) {
                nb[i] = (float) (nb[i] * f[i]);
            }
            ed.putWeight(bias, Tensor.of(b.shape(), nb));
        }
        BiasMap m = BiasMap.of(g, layer); // the position-dependent part of the bias scales with it
        if (m != null) {
            Tensor t = ed.weight(m.map());
            float[] nm = t.data().clone();
            int inner = nm.length / f.length;
            for (int i = 0; i < nm.length; i++) {
                nm[i] = (float) (nm[i] * f[i / inner]);
            }
            ed.putWeight(m.map(), Tensor.of(t.shape(), nm));
        }
    }

    private static float sanitize(double s) {
        return Double.isFinite(s) && s > 0 ? (float) s : 1f;
    }
}
