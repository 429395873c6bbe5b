package qsh.core.biascorrect;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.core.equalize.FoldedBatchNorms;
import qsh.core.exec.kernels.FloatMath;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.sim.QdqGraphBuilder;
import qsh.core.sim.QuantizationPlan;
import qsh.core.sim.TensorPrecision;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.Tensor;

/**
 * Analytical bias correction (Nagel et al. 2019, §4.2; algorithms.md), no data needed: the expected output shift
 * of a layer is E[(W̃ − W)·x] = Σ_{h,w} (W̃ − W)·E[x], with E[x] per input channel from the batch norm that
 * produced x: its output is modelled as N(β_c, γ_c²), passed through the activation in between (ReLU: clip at 0;
 * ReLU6: clip to [0, 6]; none). E[clip(X, a, b)] for X ~ N(μ, σ²) is
 * a·Φ(α) + b·(1 − Φ(β')) + μ·(Φ(β') − Φ(α)) + σ·(φ(α) − φ(β')), α = (a − μ)/σ, β' = (b − μ)/σ (E[ReLU(x)] =
 * μ(1 − Φ(−μ/σ)) + σ·φ(−μ/σ), the paper's formula, is the case a = 0, b = ∞). The shift goes out of the bias or
 * into the following batch norm's mean, as in {@link EmpiricalBiasCorrection}. Padding is ignored (as the paper).
 */
public final class AnalyticalBiasCorrection {
    private AnalyticalBiasCorrection() {}

    /** Corrects every Conv whose weight the plan quantizes and whose input statistics are known. */
    public static EmpiricalBiasCorrection.Result run(Graph g, QuantizationPlan plan, FoldedBatchNorms folded) {
        QuantizationPlan current = plan;
        List<EmpiricalBiasCorrection.Correction> out = new ArrayList<>();
        Map<String, String> skipped = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            TensorPrecision p = plan.params().get(n.input(1));
            if (!n.opType().equals("Conv") || p == null || !p.isInt()) {
                continue;
            }
            String target = EmpiricalBiasCorrection.target(g, n);
            if (target == null) {
                skipped.put(n.name(), "no bias and no BatchNormalization right after it");
                continue;
            }
            double[] ex = expectedInput(g, n, folded);
            if (ex == null) {
                skipped.put(n.name(), "the statistics of its input are unknown (no batch norm, then ReLU/ReLU6 or nothing, before it)");
                continue;
            }
            Tensor w = (Tensor) g.weights().get(n.input(1));
            Tensor wq = QdqGraphBuilder.simulatedWeight(current.weightValues().containsKey(n.input(1))
                    ? (Tensor) current.weightValues().get(n.input(1)) : w, p);
            int m = w.dim(0);
            int cg = w.dim(1);
            int k = w.size() / (m * cg);
            int mg = m / Math.max(1, (int) n.attrInt("group", 1));
            double[] delta = new double[m];
            for (int o = 0; o < m; o++) {
                int group = o / mg;
                for (int ci = 0; ci < cg; ci++) {
                    double e = ex[group * cg + ci];
                    for (int t = 0; t < k; t++) {
                        int i = (o * cg + ci) * k + t;
                        delta[o] += (wq.data()[i] - w.data()[i]) * e;
                    }
                }
            }
            current = EmpiricalBiasCorrection.apply(g, current, n, target, delta, out);
        }
        return new EmpiricalBiasCorrection.Result(current, out, skipped);
    }

    /** E[x_c] of the layer's input per channel, or null when its distribution is unknown. */
    static double[] expectedInput(Graph g, Node n, FoldedBatchNorms folded) {
        Node p = g.producer(n.input(0));
        double lo = Double.NEGATIVE_INFINITY;
        double hi = Double.POSITIVE_INFINITY;
        if (p != null && p.opType().equals("Relu")) {
            lo = 0;
            p = g.producer(p.input(0));
        } else if (p != null && p.opType().equals("Clip")) {
            double[] b = clipBounds(g, p);
            lo = b[0];
            hi = b[1];
            p = g.producer(p.input(0));
        }
        if (p == null) {
            return null;
        }
        float[] beta;
        float[] gamma;
        if (p.opType().equals("BatchNormalization") && g.weights().get(p.input(1)) instanceof Tensor
                && g.weights().get(p.input(2)) instanceof Tensor) {
            gamma = ((Tensor) g.weights().get(p.input(1))).data();
            beta = ((Tensor) g.weights().get(p.input(2))).data();
        } else if (folded.get(p.name()).isPresent()) { // a batch norm folded into the conv before (fold-bn, CLE)
            gamma = folded.get(p.name()).get().gamma();
            beta = folded.get(p.name()).get().beta();
        } else {
            return null;
        }
        double[] e = new double[beta.length];
        for (int c = 0; c < e.length; c++) {
            e[c] = clippedNormalMean(beta[c], Math.abs(gamma[c]), lo, hi);
        }
        return e;
    }

    /** E[clip(X, a, b)] for X ~ N(mu, sigma²). */
    static double clippedNormalMean(double mu, double sigma, double a, double b) {
        if (sigma == 0) {
            return Math.max(a, Math.min(b, mu));
        }
        double al = (a - mu) / sigma;
        double be = (b - mu) / sigma;
        double pa = Double.isInfinite(a) ? 0 : cdf(al);
        double pb = Double.isInfinite(b) ? 1 : cdf(be);
        double e = mu * (pb - pa) + sigma * (pdf(al) - pdf(be));
        if (!Double.isInfinite(a)) {
            e += a * pa;
        }
        if (!Double.isInfinite(b)) {
            e += b * (1 - pb);
        }
        return e;
    }

    static double pdf(double z) {
        return Double.isInfinite(z) ? 0 : Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
    }

    /**
     * Φ(z) = ½ (1 + erf(z/√2)), erf by qsh's float kernel ({@link FloatMath#erf}, within 2 ulp; the executor's Erf
     * op runs the same code), so about 1e-7 absolute in Φ: float rounding of z/√2 and of erf's result.
     */
    static double cdf(double z) {
        double x = z / Math.sqrt(2);
        return 0.5 * (1 + FloatMath.erf((float) x));
    }

    /** A Clip's [min, max] from its inputs (opset ≥ 11) or attributes; missing bounds are infinite. */
    static double[] clipBounds(Graph g, Node clip) {
        double lo = clip.attrFloat("min", Float.NEGATIVE_INFINITY);
        double hi = clip.attrFloat("max", Float.POSITIVE_INFINITY);
        Object a = clip.input(1).isEmpty() ? null : g.weights().get(clip.input(1));
        Object b = clip.input(2).isEmpty() ? null : g.weights().get(clip.input(2));
        if (a instanceof Tensor) {
            lo = ((Tensor) a).get(0);
        } else if (a instanceof LongTensor) {
            lo = ((LongTensor) a).data()[0];
        }
        if (b instanceof Tensor) {
            hi = ((Tensor) b).get(0);
        } else if (b instanceof LongTensor) {
            hi = ((LongTensor) b).data()[0];
        }
        return new double[] {lo, hi};
    }
}
