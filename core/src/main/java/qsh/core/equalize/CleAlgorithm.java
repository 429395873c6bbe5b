package qsh.core.equalize;

import java.util.List;
import qsh.core.graph.Graph;

/**
 * The spec's {@code --algorithms cle} in one call (Nagel et al. 2019, in the order of algorithms.md): fold batch
 * norms, replace ReLU6 by ReLU, equalize every matched chain, absorb high biases. The input graph is unchanged.
 */
public final class CleAlgorithm {
    /**
     * What CLE did.
     *
     * @param graph       the equalized graph
     * @param batchNorms  β, γ of the folded batch norms, rescaled and updated
     * @param folds       batch norms folded
     * @param replaced    ReLU6 nodes turned into ReLU
     * @param chains      chains equalized
     * @param skipped     candidate convs skipped, with reasons
     * @param absorptions high-bias absorptions done
     * @param message     the spec's "Invalid model for HBA quantization algorithm." when BN data was missing, else null
     */
    public record Result(Graph graph, FoldedBatchNorms batchNorms, List<BatchNormFolder.Fold> folds, List<String> replaced,
                         List<CleChain> chains, List<ClePatternMatcher.Skipped> skipped,
                         List<HighBiasAbsorber.Absorption> absorptions, String message) {}

    private CleAlgorithm() {}

    /** Runs the whole algorithm on {@code g}. */
    public static Result run(Graph g) {
        BatchNormFolder.Result f = BatchNormFolder.fold(g);
        Relu6Replacer.Result r = Relu6Replacer.replace(f.graph());
        ClePatternMatcher.Matches m = ClePatternMatcher.match(r.graph());
        CrossLayerEqualizer.Applied a = CrossLayerEqualizer.apply(r.graph(), m.chains());
        HighBiasAbsorber.Result h = HighBiasAbsorber.absorb(a.graph(), m.chains(), a.rescale(f.batchNorms()));
        return new Result(h.graph(), h.batchNorms(), f.folds(), r.replaced(), m.chains(), m.skipped(), h.absorptions(),
                h.message());
    }
}
