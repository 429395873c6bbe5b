package qsh.core.sim;

import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import qsh.core.calib.ActivationEncodings;
import qsh.core.calib.CalibrationInputs;
import qsh.core.calib.CalibrationStatistics;
import qsh.core.calib.Calibrator;
import qsh.core.graph.Graph;
import qsh.core.tensor.Tensor;

/**
 * The spec's "Quantizing a Model" end to end: calibration statistics from an input list (or, with float
 * fallback, none), a {@link QuantizationPlan} under the config and overrides, and the simulation graph.
 */
public final class ModelQuantizer {
    /** What quantization produced ({@code statistics} is null in float fallback). */
    public record Outcome(QuantizationPlan plan, Graph simulated, int calibrationInputs, CalibrationStatistics statistics) {}

    /** Histogram bins collected for the enhanced and percentile encoders. */
    public static final int BINS = 2048;

    private ModelQuantizer() {}

    /** Quantized mode: calibrate on {@code inputs}. */
    public static Outcome calibrate(Graph g, CalibrationInputs inputs, QuantConfig cfg, QuantOverrides overrides,
                                    IntConsumer progress) {
        if (inputs.size() == 0) {
            throw new IllegalArgumentException("the input list has no inputs: give at least one line");
        }
        CalibrationStatistics stats = Calibrator.collect(g, inputs, ActivationEncodings.needsHistograms(cfg.actQuantizer()),
                BINS, progress);
        QuantizationPlan plan = QuantizationPlanner.plan(g, stats.tensors(), cfg, overrides, stats);
        return new Outcome(plan, QdqGraphBuilder.build(g, plan, true), inputs.size(), stats);
    }

    /**
     * Float fallback ({@code --enable_float_fallback}): no calibration data; only tensors with an encoding in
     * {@code overrides} become integers. {@code probe} is one input set, used only to learn which values are float.
     */
    public static Outcome floatFallback(Graph g, Map<String, Tensor> probe, QuantConfig cfg, QuantOverrides overrides) {
        Set<String> floats = Calibrator.floatValues(g, probe);
        QuantizationPlan plan = QuantizationPlanner.plan(g, floats, cfg, overrides, null);
        return new Outcome(plan, QdqGraphBuilder.build(g, plan, true), 0, null);
    }
}
