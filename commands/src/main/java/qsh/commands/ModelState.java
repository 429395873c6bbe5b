package qsh.commands;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import qsh.core.equalize.BatchNormFolder;
import qsh.core.equalize.FoldedBatchNorms;
import qsh.core.graph.Graph;
import qsh.core.sim.QuantOverrides;
import qsh.core.sim.QuantizationPlan;
import qsh.core.tensor.Tensor;

/**
 * The loaded model and what qsh learned about it: value shapes (from the last run), the activations of the
 * last {@code infer}, the overrides loaded with {@code encodings load}, the quantization plan of the last
 * {@code calibrate} with its simulation graph, and the β/γ of batch norms folded into its layers. Replaced
 * whole on every change, so a failed command leaves the previous state in place.
 *
 * @param graph       the float model
 * @param source      where it came from (path or "demo")
 * @param shapes      value name → shape, known after a run
 * @param activations value name → float activation of the last inference
 * @param overrides   quantization overrides for the next {@code calibrate} (empty before {@code encodings load})
 * @param plan        the quantized model of the last {@code calibrate}, or null (float)
 * @param simulated   the plan's QDQ graph with folded weights (what simulation runs), or null
 * @param batchNorms  β, γ of batch norms folded into the graph's layers (for high-bias absorption)
 */
public record ModelState(Graph graph, String source, Map<String, int[]> shapes, Map<String, Tensor> activations,
                         QuantOverrides overrides, QuantizationPlan plan, Graph simulated, FoldedBatchNorms batchNorms) {
    /** A freshly loaded model with nothing inferred yet. */
    public static ModelState loaded(Graph g, String source) {
        return new ModelState(g, source, Map.of(), Map.of(), QuantOverrides.EMPTY, null, null, FoldedBatchNorms.EMPTY);
    }

    /** The same model with a quantization plan and its simulation graph (null, null: back to float). */
    public ModelState withPlan(QuantizationPlan p, Graph sim) {
        return new ModelState(graph, source, shapes, activations, overrides, p, sim, batchNorms);
    }

    /** The same model with other overrides (the plan is kept until the next calibrate). */
    public ModelState withOverrides(QuantOverrides o) {
        return new ModelState(graph, source, shapes, activations, o, plan, simulated, batchNorms);
    }

    /** The same model with shapes and activations from a run. */
    public ModelState withRun(Map<String, int[]> newShapes, Map<String, Tensor> acts) {
        return new ModelState(graph, source, Collections.unmodifiableMap(new LinkedHashMap<>(newShapes)),
                Collections.unmodifiableMap(new LinkedHashMap<>(acts)), overrides, plan, simulated, batchNorms);
    }

    /** The same source with an edited graph (activations and the plan dropped: they belong to the old weights). */
    public ModelState withGraph(Graph g) {
        return withGraph(g, batchNorms);
    }

    /** An edited graph together with the batch-norm data that now describes its layers. */
    public ModelState withGraph(Graph g, FoldedBatchNorms bn) {
        return new ModelState(g, source, shapes, Map.of(), overrides, null, null, bn);
    }

    /**
     * The model as QNN's converter hands it to the quantizer: batch norms folded into the layers before them
     * (their β, γ kept for absorb-bias); this state itself when there is none to fold.
     */
    public ModelState batchNormsFolded() {
        BatchNormFolder.Result r = BatchNormFolder.fold(graph);
        return r.folds().isEmpty() ? this : withGraph(r.graph(), batchNorms.merge(r.batchNorms()));
    }

    /** The encodings of the current plan (empty when the model is float). */
    public QuantOverrides encodings() {
        return plan == null ? QuantOverrides.EMPTY : plan.encodings();
    }

    /** True when a quantization plan exists. */
    public boolean quantized() {
        return plan != null;
    }
}
