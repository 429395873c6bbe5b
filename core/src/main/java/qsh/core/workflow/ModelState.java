package qsh.core.workflow;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.ToDoubleFunction;
import qsh.core.adaround.AdaRound;
import qsh.core.amp.MixedPrecisionSearch;
import qsh.core.biascorrect.AnalyticalBiasCorrection;
import qsh.core.biascorrect.EmpiricalBiasCorrection;
import qsh.core.calib.CalibrationInputs;
import qsh.core.calib.CalibrationStatistics;
import qsh.core.equalize.BatchNormFolder;
import qsh.core.equalize.CleAlgorithm;
import qsh.core.equalize.FoldedBatchNorms;
import qsh.core.graph.Graph;
import qsh.core.sim.EncodingsVersion;
import qsh.core.sim.ModelQuantizer;
import qsh.core.sim.QdqGraphBuilder;
import qsh.core.sim.QuantConfig;
import qsh.core.sim.QuantOverrides;
import qsh.core.sim.QuantizationPlan;
import qsh.core.sim.QuantizationPlanner;
import qsh.core.tensor.Tensor;

/**
 * One model's quantization state, and the steps of the spec's workflow that change it (core's workflow API:
 * {@code calibrate}, {@code adaround}, {@code amp}, {@code autoquant}, {@code bias-correct}, {@code export} and the batch
 * command are thin layers over these methods; the JavaScript API still reaches them through command lines). Each step
 * returns a {@link Step}: the new state and what the step did, for the caller to report. A step never changes this
 * state (records are immutable), so a failed step leaves the caller's state as it was.
 *
 * <p>The loaded model and what qsh learned about it: value shapes (from the last run), the activations of the
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

    /** Why AdaRound cannot run on a model without quantized weights. */
    public static final String ADAROUND_NEEDS_PLAN = "AdaRound rounds quantized weights: run calibrate first (its encodings stay fixed)";
    /** Why bias correction cannot run on a model without quantized weights. */
    public static final String BIAS_CORRECTION_NEEDS_PLAN = "bias correction corrects a quantized model: run calibrate first";

    /** What a step did: the state after it and the step's own result. */
    public record Step<R>(ModelState state, R result) {}

    /**
     * The spec's "Quantizing a Model" on {@code inputs}: the converter's view of the graph ({@code converter}: batch
     * norms folded unless disabled), calibration, the plan under {@code cfg} and {@code overrides}, its simulation.
     * When batch norms were folded the new state holds the folded graph (with their β, γ kept for absorption).
     */
    public Step<ModelQuantizer.Outcome> calibrate(ModelQuantizer.Converter converter, CalibrationInputs inputs,
                                                   QuantConfig cfg, QuantOverrides overrides, IntConsumer progress) {
        return quantized(ModelQuantizer.calibrate(graph, converter, inputs, cfg, overrides, progress));
    }

    /**
     * Float fallback ({@code --enable_float_fallback}): only tensors with an encoding in {@code overrides} become
     * integers; {@code probe} (one input set) shows which values are float.
     */
    public Step<ModelQuantizer.Outcome> floatFallback(ModelQuantizer.Converter converter, Map<String, Tensor> probe,
                                                       QuantConfig cfg, QuantOverrides overrides) {
        return quantized(ModelQuantizer.floatFallback(graph, converter, probe, cfg, overrides));
    }

    private Step<ModelQuantizer.Outcome> quantized(ModelQuantizer.Outcome out) {
        ModelState base = out.folds().isEmpty() ? this : withGraph(out.graph(), batchNorms.merge(out.batchNorms()));
        return new Step<>(base.withPlan(out.plan(), out.simulated()), out);
    }

    /**
     * The spec's {@code --algorithms cle} (Nagel et al. 2019): fold batch norms, ReLU6 → ReLU, equalize, absorb high
     * biases; with {@code inputs} (calibration data) absorption is exact on them. The plan is dropped: it belonged
     * to the old weights.
     */
    public Step<CleAlgorithm.Result> equalize(List<Map<String, Tensor>> inputs) {
        CleAlgorithm.Result r = CleAlgorithm.run(graph, batchNorms, inputs);
        return new Step<>(withGraph(r.graph(), r.batchNorms()), r);
    }

    /**
     * AdaRound (Nagel et al. 2020) on {@code samples}: the plan's weights get learned rounding, its encodings stay.
     * Needs a plan that quantizes weights.
     */
    public Step<AdaRound.Result> adaround(List<Map<String, Tensor>> samples, AdaRound.Options options, IntConsumer progress) {
        requireQuantizedWeights(ADAROUND_NEEDS_PLAN);
        AdaRound.Result r = AdaRound.run(graph, plan, samples, options, progress);
        return new Step<>(withSimulatedPlan(plan.withWeightValues(r.roundedWeights())), r);
    }

    /**
     * Mixed precision by search (spec: AMP; algorithms.md): phase 1 scores each quantizer group alone at each lower
     * candidate, phase 2 keeps the cheapest mix within {@code allowedDrop}; the mix becomes this model's overrides
     * and plan. {@code stats} are the calibration statistics of this state's graph (batch norms already folded, as
     * the converter hands it over); {@code shapes} its value shapes (for MACs); {@code score} scores a simulation.
     */
    public Step<MixedPrecisionSearch.Result> mixedPrecision(CalibrationStatistics stats, QuantConfig cfg,
                                                            List<MixedPrecisionSearch.Candidate> candidates,
                                                            Map<String, int[]> shapes, ToDoubleFunction<Graph> score,
                                                            double allowedDrop, MixedPrecisionSearch.Options options,
                                                            IntConsumer progress) {
        MixedPrecisionSearch.Result r = MixedPrecisionSearch.run(graph, stats, cfg, candidates, shapes, score, allowedDrop,
                options, progress);
        QuantizationPlan mix = QuantizationPlanner.plan(graph, stats.tensors(), cfg, r.overrides(), stats);
        return new Step<>(withOverrides(r.overrides()).withSimulatedPlan(mix), r);
    }

    /**
     * Empirical bias correction on {@code samples} (spec: AIMET's bias correction): each layer's bias absorbs the
     * mean shift its quantized weights cause, earlier layers already corrected.
     */
    public Step<EmpiricalBiasCorrection.Result> correctBiases(List<Map<String, Tensor>> samples, IntConsumer progress) {
        requireQuantizedWeights(BIAS_CORRECTION_NEEDS_PLAN);
        EmpiricalBiasCorrection.Result r = EmpiricalBiasCorrection.run(graph, plan, samples, progress);
        return new Step<>(withSimulatedPlan(r.plan()), r);
    }

    /** Analytical bias correction: E[x] from the β, γ of the batch norms folded before each layer. */
    public Step<EmpiricalBiasCorrection.Result> correctBiasesAnalytically() {
        requireQuantizedWeights(BIAS_CORRECTION_NEEDS_PLAN);
        EmpiricalBiasCorrection.Result r = AnalyticalBiasCorrection.run(graph, plan, batchNorms);
        return new Step<>(withSimulatedPlan(r.plan()), r);
    }

    /**
     * Writes the quantized model as a QDQ ONNX file at {@code out} and its encodings beside it, validated first
     * ({@link ModelFiles#export}). Needs a plan.
     */
    public ModelFiles.Written export(Path out, boolean pack4, EncodingsVersion version) {
        if (plan == null) {
            throw new IllegalStateException("the model is not quantized: run calibrate (or calibrate --float-fallback) first");
        }
        return ModelFiles.export(graph, plan, out, pack4, version);
    }

    /** The same model with {@code p} and its simulation graph built. */
    private ModelState withSimulatedPlan(QuantizationPlan p) {
        return withPlan(p, QdqGraphBuilder.build(graph, p, true));
    }

    /** Whether a plan exists and quantizes weights (what AdaRound and bias correction need). */
    public boolean quantizesWeights() {
        return plan != null && plan.quantizes();
    }

    private void requireQuantizedWeights(String message) {
        if (!quantizesWeights()) {
            throw new IllegalStateException(message);
        }
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
