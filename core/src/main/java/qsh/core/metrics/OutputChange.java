package qsh.core.metrics;

import java.util.List;
import java.util.Map;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.tensor.Tensor;

/**
 * How much a model transform changed the float outputs: over the given inputs and every float graph output of the
 * model before the transform, max |after − before| divided by the range (max − min) of that output before. The
 * largest fraction over the outputs is the figure: 0 means the transform kept the function on this data.
 *
 * @param fraction  max over outputs of max |Δ| / range (0 when nothing was compared)
 * @param maxAbs    the |Δ| behind {@code fraction}
 * @param output    the output it was seen on ("" when nothing was compared)
 * @param inputs    how many inputs were run
 */
public record OutputChange(double fraction, double maxAbs, String output, int inputs) {
    /** What a transform may change the outputs by before it is reported as changing them (1e-4 of the range). */
    public static final double NOTICEABLE = 1e-4;

    /** Runs {@code before} and {@code after} on {@code inputs} and compares their outputs. */
    public static OutputChange measure(Graph before, Graph after, List<Map<String, Tensor>> inputs) {
        List<String> names = before.outputs().stream().map(o -> o.name()).toList();
        double[] lo = new double[names.size()];
        double[] hi = new double[names.size()];
        double[] err = new double[names.size()];
        java.util.Arrays.fill(lo, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        for (Map<String, Tensor> in : inputs) {
            Map<String, Object> a = Executor.run(before, in, null);
            Map<String, Object> b = Executor.run(after, in, null);
            for (int k = 0; k < names.size(); k++) {
                if (!(a.get(names.get(k)) instanceof Tensor x) || !(b.get(names.get(k)) instanceof Tensor y)
                        || x.size() != y.size()) {
                    continue;
                }
                for (int i = 0; i < x.size(); i++) {
                    float v = x.get(i);
                    lo[k] = Math.min(lo[k], v);
                    hi[k] = Math.max(hi[k], v);
                    err[k] = Math.max(err[k], Math.abs((double) v - y.get(i)));
                }
            }
        }
        double fraction = 0;
        double abs = 0;
        String where = "";
        for (int k = 0; k < names.size(); k++) {
            if (hi[k] < lo[k]) {
                continue;
            }
            double f = err[k] / Math.max(hi[k] - lo[k], 1e-12);
            if (where.isEmpty() || f > fraction) {
                fraction = f;
                abs = err[k];
                where = names.get(k);
            }
        }
        return new OutputChange(fraction, abs, where, inputs.size());
    }

    /** Whether the change is above {@link #NOTICEABLE}. */
    public boolean noticeable() {
        return fraction > NOTICEABLE;
    }
}
