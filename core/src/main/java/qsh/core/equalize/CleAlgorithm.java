package qsh.core.equalize;

import java.util.List;
import java.util.Map;
import qsh.core.graph.Graph;
import qsh.core.tensor.Tensor;

/**
 * The spec's {@code --algorithms cle} in one call (Nagel et al. 2019, in the order of algorithms.md): fold batch
 * norms, replace ReLU6 by ReLU, equalize every matched chain, absorb high biases (exactly, see {@link HighBiasAbsorber}). The input graph is unchanged.
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
     * @param message     the spec's "Invalid model for HBA quantization algorithm." when BN data was missing, else ""
     * @param unsized     links not absorbed because the later layer pads an input of unknown size
     * @param dataDriven  whether absorption bounded c by observed pre-activations
     */
    public record Result(Graph graph, FoldedBatchNorms batchNorms, List<BatchNormFolder.Fold> folds, List<String> replaced,
                         List<CleChain> chains, List<ClePatternMatcher.Skipped> skipped,
                         List<HighBiasAbsorber.Absorption> absorptions, String message, List<String> unsized,
                         boolean dataDriven) {}

    private CleAlgorithm() {}

    /** Runs the whole algorithm on {@code g} without data (absorption by the paper's β − 3|γ| rule). */
    public static Result run(Graph g) {
        return run(g, List.of());
    }

    /**
     * Runs the whole algorithm on {@code g}; with {@code inputs} (calibration data) absorption bounds each c by the
     * smallest pre-activation observed on them, so it is exact on that data.
     */
    public static Result run(Graph g, List<Map<String, Tensor>> inputs) {
        BatchNormFolder.Result f = BatchNormFolder.fold(g);
        Relu6Replacer.Result r = Relu6Replacer.replace(f.graph());
        ClePatternMatcher.Matches m = ClePatternMatcher.match(r.graph());
        CrossLayerEqualizer.Applied a = CrossLayerEqualizer.apply(r.graph(), m.chains());
        ChainObservations seen = ChainObservations.observe(a.graph(), m.chains(), inputs);
        HighBiasAbsorber.Result h = HighBiasAbsorber.absorb(a.graph(), m.chains(), a.rescale(f.batchNorms()), seen);
        return new Result(h.graph(), h.batchNorms(), f.folds(), r.replaced(), m.chains(), m.skipped(), h.absorptions(),
                h.message(), h.unsized(), h.dataDriven());
    }
}
