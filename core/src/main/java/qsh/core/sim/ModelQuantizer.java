package qsh.core.sim;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import qsh.core.calib.ActivationEncodings;
import qsh.core.calib.CalibrationInputs;
import qsh.core.calib.CalibrationStatistics;
import qsh.core.calib.Calibrator;
import qsh.core.equalize.BatchNormFolder;
import qsh.core.equalize.FoldedBatchNorms;
import qsh.core.graph.Graph;
import qsh.core.tensor.Tensor;

/**
 * The spec's "Quantizing a Model" end to end: the converter's view of the graph (batch norms folded into the
 * layers before them, as QNN's converters do unless {@code --disable_batchnorm_folding}), calibration statistics
 * from an input list (or, with float fallback, none; enhanced and percentile histograms with the config's
 * {@code options().bins()}), a {@link QuantizationPlan} under the config and overrides,
 * and the simulation graph.
 */
public final class ModelQuantizer {
    /**
     * What quantization produced.
     *
     * @param graph             the float graph that was quantized (batch norms folded unless disabled): the plan's names
     *                          refer to it, and AdaRound, bias correction and export must start from it
     * @param folds             the batch norms folded on the way (empty when none or disabled)
     * @param batchNorms        their β and γ, by layer (for high-bias absorption)
     * @param plan              every tensor's precision
     * @param simulated         the QDQ graph with folded weights (what simulation runs)
     * @param calibrationInputs how many inputs calibration ran on (0 in float fallback)
     * @param statistics        the calibration statistics (null in float fallback)
     */
    public record Outcome(Graph graph, List<BatchNormFolder.Fold> folds, FoldedBatchNorms batchNorms, QuantizationPlan plan,
                          Graph simulated, int calibrationInputs, CalibrationStatistics statistics) {}

    /**
     * The converter options that shape the graph before the quantizer sees it.
     *
     * @param foldBatchNorms fold BatchNormalization into the Conv/ConvTranspose/Gemm before it (QNN's default)
     */
    public record Converter(boolean foldBatchNorms) {
        /** QNN's converter defaults. */
        public static final Converter DEFAULTS = new Converter(true);
        /** The graph as it is (already prepared, or batch norms kept on purpose). */
        public static final Converter AS_IS = new Converter(false);
    }

    private ModelQuantizer() {}

    /** Quantized mode with the converter's defaults (batch norms folded): calibrate on {@code inputs}. */
    public static Outcome calibrate(Graph g, CalibrationInputs inputs, QuantConfig cfg, QuantOverrides overrides,
                                    IntConsumer progress) {
        return calibrate(g, Converter.DEFAULTS, inputs, cfg, overrides, progress);
    }

    /** Quantized mode: prepare {@code g} as {@code converter} says, then calibrate on {@code inputs}. */
    public static Outcome calibrate(Graph g, Converter converter, CalibrationInputs inputs, QuantConfig cfg,
                                    QuantOverrides overrides, IntConsumer progress) {
        if (inputs.size() == 0) {
            throw new IllegalArgumentException("the input list has no inputs: give at least one line");
        }
        BatchNormFolder.Result view = converterView(g, converter);
        Graph q = view.graph();
        // the histograms have the config's bins (the session's 'set bins'), as the encoders' histograms do
        CalibrationStatistics stats = Calibrator.collect(q, inputs, ActivationEncodings.needsHistograms(cfg.actQuantizer()),
                cfg.options().bins(), progress);
        QuantizationPlan plan = QuantizationPlanner.plan(q, stats.tensors(), cfg, overrides, stats);
        return new Outcome(q, view.folds(), view.batchNorms(), plan, QdqGraphBuilder.build(q, plan, true), inputs.size(), stats);
    }

    /**
     * Float fallback ({@code --enable_float_fallback}): no calibration data; only tensors with an encoding in
     * {@code overrides} become integers. {@code probe} is one input set, used only to learn which values are float.
     * Batch norms are folded as {@code converter} says (overrides name the folded graph's tensors, as QNN's do).
     */
    public static Outcome floatFallback(Graph g, Converter converter, Map<String, Tensor> probe, QuantConfig cfg,
                                        QuantOverrides overrides) {
        BatchNormFolder.Result view = converterView(g, converter);
        Graph q = view.graph();
        Set<String> floats = Calibrator.floatValues(q, probe);
        QuantizationPlan plan = QuantizationPlanner.plan(q, floats, cfg, overrides, null);
        return new Outcome(q, view.folds(), view.batchNorms(), plan, QdqGraphBuilder.build(q, plan, true), 0, null);
    }

    /** The graph the quantizer sees: {@code g} with its batch norms folded, or as it is. */
    public static BatchNormFolder.Result converterView(Graph g, Converter converter) {
        return converter.foldBatchNorms() ? BatchNormFolder.fold(g)
                : new BatchNormFolder.Result(g, List.of(), FoldedBatchNorms.EMPTY, List.of());
    }
}
