package qsh.core.calib;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import qsh.core.exec.Cancelled;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.tensor.Tensor;

/**
 * Runs a float model over calibration inputs and streams every float tensor it sees (graph inputs and node
 * outputs) into {@link CalibrationStatistics}: memory depends on the model, not on the number of inputs.
 * Stops with {@link Cancelled} when the thread is interrupted (Ctrl-C).
 */
public final class Calibrator {
    private Calibrator() {}

    /** Statistics of {@code g} over all {@code inputs}; {@code progress} hears the count of inputs done. */
    public static CalibrationStatistics collect(Graph g, CalibrationInputs inputs, boolean histograms, int bins,
                                                IntConsumer progress) {
        CalibrationStatistics stats = histograms ? CalibrationStatistics.withHistograms(bins)
                : CalibrationStatistics.rangesOnly();
        for (int i = 0; i < inputs.size(); i++) {
            if (Cancelled.requested()) {
                throw new Cancelled("calibration interrupted after " + i + " of " + inputs.size() + " inputs");
            }
            Map<String, Tensor> in = inputs.load(i);
            in.forEach(stats::observe);
            Executor.run(g, in, (name, node, value) -> {
                if (value instanceof Tensor) {
                    stats.observe(name, (Tensor) value);
                }
            });
            progress.accept(i + 1);
        }
        return stats;
    }

    /** The names of the float values (inputs and node outputs) of one run of {@code g} on {@code inputs}. */
    public static Set<String> floatValues(Graph g, Map<String, Tensor> inputs) {
        Set<String> out = new LinkedHashSet<>(inputs.keySet());
        Executor.run(g, inputs, (name, node, value) -> {
            if (value instanceof Tensor) {
                out.add(name);
            }
        });
        return out;
    }
}
