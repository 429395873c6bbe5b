package qsh.commands;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import qsh.core.equalize.FoldedBatchNorms;
import qsh.core.graph.Graph;
import qsh.core.tensor.Tensor;

/**
 * The loaded model and what qsh learned about it: value shapes (from the last run) and the activations of the
 * last {@code infer}. Replaced whole on {@code load}, so a failed load leaves the previous model in place.
 *
 * @param graph       the model
 * @param source      where it came from (path or "demo")
 * @param shapes      value name → shape, known after a run
 * @param activations value name → float activation of the last inference
 * @param encodings   encodings from the last {@code calibrate} (empty before)
 * @param batchNorms  β, γ of batch norms folded into the graph's layers (for high-bias absorption)
 */
public record ModelState(Graph graph, String source, Map<String, int[]> shapes, Map<String, Tensor> activations,
                         qsh.core.sim.QuantOverrides encodings, FoldedBatchNorms batchNorms) {
    /** A freshly loaded model with nothing inferred yet. */
    public static ModelState loaded(Graph g, String source) {
        return new ModelState(g, source, Map.of(), Map.of(), qsh.core.sim.QuantOverrides.EMPTY, FoldedBatchNorms.EMPTY);
    }

    /** The same model with calibrated encodings. */
    public ModelState withEncodings(qsh.core.sim.QuantOverrides e) {
        return new ModelState(graph, source, shapes, activations, e, batchNorms);
    }

    /** The same model with shapes and activations from a run. */
    public ModelState withRun(Map<String, int[]> newShapes, Map<String, Tensor> acts) {
        return new ModelState(graph, source, Collections.unmodifiableMap(new LinkedHashMap<>(newShapes)),
                Collections.unmodifiableMap(new LinkedHashMap<>(acts)), encodings, batchNorms);
    }

    /** The same source with an edited graph (activations and encodings dropped: they belong to the old weights). */
    public ModelState withGraph(Graph g) {
        return withGraph(g, batchNorms);
    }

    /** An edited graph together with the batch-norm data that now describes its layers. */
    public ModelState withGraph(Graph g, FoldedBatchNorms bn) {
        return new ModelState(g, source, shapes, Map.of(), qsh.core.sim.QuantOverrides.EMPTY, bn);
    }
}
