package qsh.core.biascorrect;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import qsh.core.exec.Cancelled;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.sim.QdqGraphBuilder;
import qsh.core.sim.QuantizationPlan;
import qsh.core.tensor.Tensor;

/**
 * Empirical bias correction (Nagel et al. 2019, §4.2; algorithms.md): quantization shifts the mean of a layer's
 * output; measure that shift on calibration data and take it out of the bias. Layer by layer in graph order,
 * with every earlier correction in place: δ_c = mean over samples and positions of (quantized − float) output of
 * channel c; then b_c −= δ_c. A conv without a bias whose only consumer is a BatchNormalization gets the
 * correction in the BN's running mean instead (BN(x − δ) = BN with mean + δ). The corrected values go into the
 * plan's weight values; the float model and the encodings are unchanged (a bias with its own 8-bit encoding may
 * clip at its range).
 */
public final class EmpiricalBiasCorrection {
    /** One layer: where the correction went and its size. */
    public record Correction(String layer, String tensor, double meanAbsShift, double maxAbsShift) {}

    /** The corrected plan, the corrections, and layers skipped with the reason. */
    public record Result(QuantizationPlan plan, List<Correction> corrections, Map<String, String> skipped) {}

    private EmpiricalBiasCorrection() {}

    /** Corrects every Conv/Gemm whose weight the plan quantizes. */
    public static Result run(Graph g, QuantizationPlan plan, List<Map<String, Tensor>> samples, IntConsumer progress) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("bias correction needs calibration samples");
        }
        QuantizationPlan current = plan;
        List<Correction> out = new ArrayList<>();
        Map<String, String> skipped = new LinkedHashMap<>();
        int done = 0;
        for (Node n : g.nodes()) {
            boolean layer = n.opType().equals("Conv") || n.opType().equals("Gemm");
            if (!layer || plan.params().get(n.input(1)) == null || !plan.params().get(n.input(1)).isInt()) {
                continue;
            }
            if (Cancelled.requested()) {
                throw new Cancelled("bias correction interrupted after " + done + " layers");
            }
            String target = target(g, n);
            if (target == null) {
                skipped.put(n.name(), "no bias and no BatchNormalization right after it");
                continue;
            }
            Graph sim = QdqGraphBuilder.build(g, current, true);
            String simOut = sim.node(n.name()).output(0);
            double[] delta = null;
            int channels = 0;
            for (Map<String, Tensor> s : samples) {
                Tensor q = (Tensor) Executor.run(sim, s, null, Set.of(simOut)).get(simOut);
                Tensor f = (Tensor) Executor.run(g, s, null, Set.of(n.output(0))).get(n.output(0));
                channels = q.dim(1);
                if (delta == null) {
                    delta = new double[channels];
                }
                int plane = q.size() / channels;
                for (int c = 0; c < channels; c++) {
                    double sum = 0;
                    for (int i = 0; i < plane; i++) {
                        sum += q.data()[c * plane + i] - f.data()[c * plane + i];
                    }
                    delta[c] += sum / plane / samples.size();
                }
            }
            current = apply(g, current, n, target, delta, out);
            progress.accept(++done);
        }
        return new Result(current, out, skipped);
    }

    /**
     * Takes the per-channel output shift {@code delta} of layer {@code n} out: bias −= δ, or, when {@code target} is
     * the running mean of the batch norm after it, mean += δ (BN(x − δ) = BN with mean + δ). Records the correction.
     */
    static QuantizationPlan apply(Graph g, QuantizationPlan plan, Node n, String target, double[] delta,
                                  List<Correction> out) {
        Tensor old = (Tensor) (plan.weightValues().containsKey(target) ? plan.weightValues().get(target)
                : g.weights().get(target));
        float[] v = old.data().clone();
        boolean intoMean = !target.equals(n.input(2));
        double sumAbs = 0;
        double maxAbs = 0;
        for (int c = 0; c < delta.length; c++) {
            v[c] += (float) (intoMean ? delta[c] : -delta[c]);
            sumAbs += Math.abs(delta[c]);
            maxAbs = Math.max(maxAbs, Math.abs(delta[c]));
        }
        out.add(new Correction(n.name(), target, sumAbs / delta.length, maxAbs));
        return plan.withWeightValues(Map.of(target, Tensor.of(old.shape(), v)));
    }

    /** The bias of {@code n}, or the running mean of the BatchNormalization that alone reads its output, or null. */
    static String target(Graph g, Node n) {
        if (!n.input(2).isEmpty() && g.weights().get(n.input(2)) instanceof Tensor) {
            return n.input(2);
        }
        List<Node> cs = g.consumers(n.output(0));
        if (cs.size() == 1 && cs.get(0).opType().equals("BatchNormalization")
                && g.weights().get(cs.get(0).input(3)) instanceof Tensor) {
            return cs.get(0).input(3);
        }
        return null;
    }
}
