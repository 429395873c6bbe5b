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
        return run(g, FoldedBatchNorms.EMPTY, inputs);
    }

    /**
     * As {@link #run(Graph, List)} on a graph whose layers already hold the folded batch norms {@code earlier}
     * (their β, γ are rescaled with the layers and used for absorption like the ones folded now).
     */
    public static Result run(Graph g, FoldedBatchNorms earlier, List<Map<String, Tensor>> inputs) {
        Prepared p = prepare(g, earlier, false);
        List<CleChain> chains = p.matches().chains();
        CrossLayerEqualizer.Applied a = CrossLayerEqualizer.apply(p.graph(), chains);
        ChainObservations seen = ChainObservations.observe(a.graph(), chains, inputs);
        HighBiasAbsorber.Result h = HighBiasAbsorber.absorb(a.graph(), chains, a.rescale(p.batchNorms()), seen);
        return new Result(h.graph(), h.batchNorms(), p.folds(), p.replaced(), chains, p.matches().skipped(), h.absorptions(),
                h.message(), h.unsized(), h.dataDriven());
    }

    /**
     * What CLE does before it scales anything.
     *
     * @param graph      the folded (and ReLU-replaced) graph
     * @param batchNorms β, γ of every batch norm folded so far (the earlier ones and those folded now)
     * @param folds      batch norms folded now
     * @param replaced   ReLU6 nodes replaced now
     * @param matches    the CLE chains of {@code graph}
     */
    public record Prepared(Graph graph, FoldedBatchNorms batchNorms, List<BatchNormFolder.Fold> folds,
                           List<String> replaced, ClePatternMatcher.Matches matches) {}

    /**
     * The first half of CLE (algorithms.md: fold batch norms, then replace ReLU6 by ReLU, unless {@code keepRelu6}:
     * then chains through ReLU6 are skipped), and the chains it matches. {@code g} is unchanged.
     */
    public static Prepared prepare(Graph g, FoldedBatchNorms earlier, boolean keepRelu6) {
        BatchNormFolder.Result f = BatchNormFolder.fold(g);
        Graph prepared = f.graph();
        List<String> replaced = List.of();
        if (!keepRelu6) {
            Relu6Replacer.Result r = Relu6Replacer.replace(prepared);
            prepared = r.graph();
            replaced = r.replaced();
        }
        return new Prepared(prepared, earlier.merge(f.batchNorms()), f.folds(), replaced, ClePatternMatcher.match(prepared));
    }
}
