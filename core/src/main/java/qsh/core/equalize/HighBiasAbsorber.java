package qsh.core.equalize;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import qsh.core.exec.Cancelled;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.onnx.proto.OnnxProto.NodeProto;
import qsh.core.tensor.Tensor;

/**
 * High-bias absorption (Nagel et al. 2019, arXiv 1906.04721, §4.2, eq. 15-16; algorithms.md), made exact. For a
 * link layer1 → (ReLU) → layer2, b1 ← b1 − c and layer2 gets back what its input lost:
 * <ul>
 *   <li><b>c.</b> With no activation c_i = β_i (the identity is linear). After ReLU, ReLU(z) − c = ReLU(z − c)
 *       only where z ≥ c, so c must stay below the pre-activation. Without data the paper's rule reads that from the
 *       folded batch norm (mean β, std |γ|): c_i = max(0, β_i − 3|γ_i|) (eq. 15). With calibration inputs c_i =
 *       max(0, min z_i) over everything observed, which makes the transform exact on that data.</li>
 *   <li><b>layer2.</b> The paper's b2 ← b2 + Σ W2·c (eq. 16) assumes every tap reads a shifted input. A zero-padding
 *       layer2's border outputs also read padding, which is not shifted, so they would change by the padded taps
 *       times c. Here the difference is a constant {@link BiasMap} after layer2 (depends on position and channel,
 *       never on data), so the transform is exact at the borders too.</li>
 * </ul>
 * Layers without batch-norm data are left alone and the result carries the spec's message (the spec requires BN
 * β/γ for the complete algorithm). A padded layer2 whose input size is unknown (open input dimensions and no data)
 * cannot get its map, so that link is skipped and named.
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
     * @param mapped   whether {@code to} zero-pads, so its border outputs took their part through a bias map
     */
    public record Absorption(String from, String to, float[] absorbed, boolean mapped) {
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
     * @param unsized      links skipped because the later layer zero-pads an input of unknown size ("A → B")
     * @param dataDriven   whether c came from observed pre-activations (else from β, γ)
     * @param message      {@link #INVALID_MODEL} when any layer lacked data (the partial algorithm ran), else ""
     */
    public record Result(Graph graph, FoldedBatchNorms batchNorms, List<Absorption> absorptions,
                         List<String> withoutData, List<String> unsized, boolean dataDriven, String message) {}

    private HighBiasAbsorber() {}

    /** Absorbs along every link of {@code chains} with the data-free rule; {@code g} is unchanged. */
    public static Result absorb(Graph g, List<CleChain> chains, FoldedBatchNorms bn) {
        return absorb(g, chains, bn, ChainObservations.dataFree(g));
    }

    /** Absorbs along every link of {@code chains}, with c bounded by {@code seen} when it has data. */
    public static Result absorb(Graph g, List<CleChain> chains, FoldedBatchNorms bn, ChainObservations seen) {
        GraphEditor ed = new GraphEditor(g);
        Map<String, FoldedBatchNorms.Params> lowered = new LinkedHashMap<>(); // β − c, made into FoldedBatchNorms once
        Map<String, String> madeMaps = new HashMap<>(); // conv → the bias map made in this pass
        List<Absorption> done = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> unsized = new ArrayList<>();
        int chainsDone = 0;
        for (CleChain chain : chains) {
            if (Cancelled.requested()) {
                throw new Cancelled("absorb-bias interrupted after " + chainsDone + " of " + chains.size()
                        + " chains; nothing was applied: the model is as before");
            }
            chainsDone++;
            if (chain.hasBatchNorm()) {
                throw new IllegalArgumentException("chain " + chain.describe() + " still has a batch norm inside: fold batch norms first");
            }
            for (int k = 0; k + 1 < chain.layers().size(); k++) {
                String from = chain.layers().get(k);
                String to = chain.layers().get(k + 1);
                var params = Optional.ofNullable(lowered.get(from)).or(() -> bn.get(from));
                if (params.isEmpty()) {
                    missing.add(from);
                    continue;
                }
                Node next = g.node(to);
                int[] inShape = seen.shapes().get(next.input(0));
                boolean padded = BiasMap.pads(next);
                if (padded && (inShape == null || inShape.length != 4)) {
                    unsized.add(from + " → " + to);
                    continue;
                }
                float[] beta = params.get().beta();
                float[] gamma = params.get().gamma();
                boolean relu = chain.activations().get(k).equals("Relu");
                float[] low = seen.minima().get(from);
                float[] c = new float[beta.length];
                for (int i = 0; i < c.length; i++) {
                    if (!relu) {
                        c[i] = beta[i]; // linear link: exact for any c
                    } else if (low != null) {
                        c[i] = Math.max(0f, low[i]); // every observed z ≥ c: exact on the data
                    } else {
                        c[i] = Math.max(0f, beta[i] - 3 * Math.abs(gamma[i])); // eq. 15: c = max(0, β − 3γ)
                    }
                }
                boolean mapped = absorbLink(g, ed, madeMaps, ed.node(from), ed.node(to), c, padded ? inShape : null);
                float[] nb = beta.clone();
                for (int i = 0; i < nb.length; i++) {
                    nb[i] -= c[i];
                }
                lowered.put(from, new FoldedBatchNorms.Params(nb, gamma));
                done.add(new Absorption(from, to, c, mapped));
            }
        }
        boolean changed = done.stream().anyMatch(a -> a.channelsChanged() > 0);
        return new Result(changed ? ed.build() : g, bn.withAll(lowered), List.copyOf(done), List.copyOf(missing),
                List.copyOf(unsized), seen.hasData(), missing.isEmpty() ? "" : INVALID_MODEL);
    }

    /**
     * b1 ← b1 − c; b2 ← b2 + Σ_{h,w} W2·c (eq. 16); where layer2 pads ({@code inShape} given), its bias map takes
     * the border correction. Returns whether a map was added to or made.
     */
    private static boolean absorbLink(Graph g, GraphEditor ed, Map<String, String> madeMaps, Node from, Node to, float[] c,
                                      int[] inShape) {
        boolean any = false;
        for (float v : c) {
            any |= v != 0;
        }
        if (!any) {
            return false;
        }
        float[] b1 = bias(ed, from);
        for (int i = 0; i < c.length; i++) {
            b1[i] -= c[i];
        }
        Tensor w2 = ed.weight(to.input(1));
        boolean depthwise = LayerWeights.isDepthwise(to, w2);
        double[] shift = LayerWeights.kernelSums(w2, c, depthwise);
        float[] b2 = bias(ed, to);
        for (int o = 0; o < b2.length; o++) {
            b2[o] = (float) (b2[o] + shift[o]);
        }
        putBias(ed, from, b1);
        putBias(ed, to, b2);
        if (inShape == null) {
            return false;
        }
        Tensor corr = BiasMap.borderCorrection(to, w2, c, depthwise, inShape[2], inShape[3]);
        if (corr != null) {
            addToMap(g, ed, madeMaps, ed.node(to.name()), corr);
        }
        return corr != null;
    }

    /**
     * Adds {@code corr} to {@code conv}'s bias map, making the map (Conv → Add) when it has none. The map is the one
     * made earlier in this pass ({@code madeMaps}) or the one {@code g} already had; looking it up in {@code g}
     * instead of a graph built from the editor keeps the pass linear (issue 18.7).
     */
    private static void addToMap(Graph g, GraphEditor ed, Map<String, String> madeMaps, Node conv, Tensor corr) {
        String existing = madeMaps.get(conv.name());
        if (existing == null) {
            BiasMap m = BiasMap.of(g, g.node(conv.name()));
            existing = m == null ? null : m.map();
        }
        if (existing != null) {
            Tensor old = ed.weight(existing);
            float[] sum = old.data().clone();
            for (int i = 0; i < sum.length; i++) {
                sum[i] += corr.data()[i];
            }
            ed.putWeight(existing, Tensor.of(old.shape(), sum));
            return;
        }
        String y = conv.output(0);
        String wn = conv.input(1);
        String mapName = ed.freshName(wn.endsWith(".weight") ? wn.substring(0, wn.length() - 7) + ".bias_map" : wn + "_bias_map");
        String raw = ed.freshName(y + "_before_bias_map");
        ed.putWeight(mapName, corr);
        madeMaps.put(conv.name(), mapName);
        ed.replaceNode(conv.name(), conv.proto().toBuilder().setOutput(0, raw).build());
        ed.addNode(NodeProto.newBuilder().setOpType("Add").setName(conv.name() + "/bias_map").setDocString(BiasMap.MARK).addInput(raw)
                .addInput(mapName).addOutput(y).build());
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
