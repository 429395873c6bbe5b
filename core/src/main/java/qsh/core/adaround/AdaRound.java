package qsh.core.adaround;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.IntConsumer;
import qsh.core.exec.Cancelled;
import qsh.core.exec.Executor;
import qsh.core.exec.kernels.Sgemm;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.quant.Encoding;
import qsh.core.sim.QdqGraphBuilder;
import qsh.core.sim.QuantizationPlan;
import qsh.core.sim.TensorPrecision;
import qsh.core.tensor.Tensor;

/**
 * AdaRound (Nagel et al. 2020, "Up or Down? Adaptive Rounding for Post-Training Quantization"; algorithms.md):
 * per layer in graph order, learn whether each weight rounds up or down so that the layer's output on calibration
 * data matches the float layer's. W̃ = s·clip(floor(W/s) + h(V), qmin, qmax) with the rectified sigmoid
 * h(V) = clamp(sigmoid(V)·(ζ-γ) + γ, 0, 1), ζ = 1.1, γ = -0.1, V initialised so h = frac(W/s). Loss: squared
 * output error summed over channels and averaged over samples and positions (as AIMET) + λ·Σ(1 - |2h-1|^β), the
 * regularizer off for the first 20 % of iterations, then β annealed 20 → 2 (cosine); Adam. Inputs come from the
 * model whose earlier layers are already rounded (weights quantized, activations float, as AIMET does); targets
 * from the float model. Encodings (scales) are fixed before and frozen; the result is integer weights on those
 * grids, stored as floats s·q that nearest rounding reproduces exactly.
 */
public final class AdaRound {
    static final double ZETA = 1.1;
    static final double GAMMA = -0.1;

    /**
     * Settings. The paper uses 10 000 iterations with minibatches of 32; on a CPU qsh defaults to 2000 iterations of
     * 8 samples with a 10× higher learning rate (1e-2), which converges on small layers in seconds.
     */
    public record Options(int iterations, int batchSize, double lambda, double betaStart, double betaEnd, double warmup,
                          double learningRate, long seed) {
        /** qsh's CPU defaults (see the record's doc). */
        public static final Options DEFAULTS = new Options(2000, 8, 0.01, 20, 2, 0.2, 1e-2, 1);

        /** The same with {@code n} iterations. */
        public Options withIterations(int n) {
            return new Options(n, batchSize, lambda, betaStart, betaEnd, warmup, learningRate, seed);
        }
    }

    /** One layer: reconstruction MSE with nearest rounding and after AdaRound, weights rounded the other way, time. */
    public record LayerReport(String layer, String weight, double nearestMse, double adaroundMse, int flipped, int weights,
                              long millis) {}

    /** The rounded weights (float values on their grids) and a report per layer; skipped layers with the reason. */
    public record Result(Map<String, Tensor> roundedWeights, List<LayerReport> layers, Map<String, String> skipped) {}

    private AdaRound() {}

    /**
     * Runs AdaRound on every Conv/Gemm whose weight the plan quantizes. {@code samples} are calibration inputs;
     * {@code progress} hears the number of layers done. The thread's interrupt flag stops it within one Adam step
     * (or one sample's forward pass) with {@link Cancelled}; the layers finished by then are not returned, so the
     * caller applies nothing and the message says so (issue 16: "does it keep those layers?").
     */
    public static Result run(Graph g, QuantizationPlan plan, List<Map<String, Tensor>> samples, Options opt,
                             IntConsumer progress) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("AdaRound needs calibration samples");
        }
        Map<String, Tensor> rounded = new LinkedHashMap<>();
        List<LayerReport> reports = new ArrayList<>();
        Map<String, String> skipped = new LinkedHashMap<>();
        Graph current = g;
        QuantizationPlan weightsOnly = plan.weightsOnly();
        int done = 0;
        int total = (int) g.nodes().stream().filter(n -> rounds(n, plan)).count();
        for (Node n : g.nodes()) {
            String wName = n.input(1);
            TensorPrecision p = plan.params().get(wName);
            if (!rounds(n, plan)) {
                continue;
            }
            int index = reports.size() + skipped.size();
            int finished = reports.size();
            Runnable checkCancel = () -> {
                if (Cancelled.requested()) {
                    throw cancelled(n.name(), index, finished, total);
                }
            };
            checkCancel.run();
            long t0 = System.nanoTime();
            Tensor w = (Tensor) g.weights().get(wName);
            Tensor bias = n.input(2).isEmpty() || !(g.weights().get(n.input(2)) instanceof Tensor) ? null
                    : (Tensor) g.weights().get(n.input(2));
            // inputs: the model with earlier layers rounded (weights quantized, activations float); targets: float
            Graph sim = QdqGraphBuilder.build(current, weightsOnly, true);
            String simInput = sim.node(n.name()).input(0);
            LayerData data = null;
            StringBuilder why = new StringBuilder();
            for (Map<String, Tensor> s : samples) {
                checkCancel.run();
                Tensor x;
                Tensor y;
                try {
                    x = (Tensor) Executor.run(sim, s, null, Set.of(simInput)).get(simInput);
                    y = (Tensor) Executor.run(g, s, null, Set.of(n.output(0))).get(n.output(0));
                } catch (Cancelled e) { // the executor's own stop between nodes: said as this layer's
                    throw cancelled(n.name(), index, finished, total);
                }
                if (data == null) {
                    data = LayerData.of(n, w, x.shape(), why);
                    if (data == null) {
                        break;
                    }
                }
                data.add(x, y, bias);
            }
            if (data == null) {
                skipped.put(n.name(), why.toString());
                continue;
            }
            LayerOptimizer o = new LayerOptimizer(data, data.rows(w), p, opt, new Random(opt.seed() + done));
            o.optimize(checkCancel);
            Tensor result = data.weight(o.roundedRows(), w.shape());
            rounded.put(wName, result);
            current = current.withWeight(wName, result);
            reports.add(new LayerReport(n.name(), wName, o.nearestMse(), o.finalMse(), o.flipped(), o.size(),
                    (System.nanoTime() - t0) / 1_000_000));
            progress.accept(++done);
        }
        return new Result(rounded, reports, skipped);
    }

    /** Whether AdaRound rounds {@code n}'s weight: a Conv or Gemm whose weight the plan quantizes to integers. */
    private static boolean rounds(Node n, QuantizationPlan plan) {
        TensorPrecision p = plan.params().get(n.input(1));
        return (n.opType().equals("Conv") || n.opType().equals("Gemm")) && p != null && p.isInt();
    }

    /**
     * The stop of layer {@code layer} ({@code index} layers passed before it, {@code finished} of them rounded,
     * {@code total} in all), raised between samples and Adam steps: it says that the finished layers are dropped,
     * since {@link #run} then returns nothing and its caller applies nothing.
     */
    private static Cancelled cancelled(String layer, int index, int finished, int total) {
        return new Cancelled("AdaRound interrupted in layer " + layer + " (" + (index + 1) + " of " + total + "); the "
                + finished + " layer" + (finished == 1 ? "" : "s") + " finished before it are not kept: no weight was"
                + " changed, the model is as before adaround");
    }

    /** The per-channel grid of an output channel (one encoding for per-tensor weights). */
    static Encoding encodingOf(TensorPrecision p, int channel) {
        return p.perChannel() ? p.encodings().get(channel) : p.encoding();
    }

    /** Adam + rectified-sigmoid rounding for one layer (rows = output channels × kk). */
    static final class LayerOptimizer {
        private final LayerData d;
        private final Options opt;
        private final Random rnd;
        private final int n;
        private final float[] scale;
        private final float[] floorW;
        private final float[] lo;
        private final float[] hi;
        private final double[] v;
        private final double[] m1;
        private final double[] m2;
        private final float[] nearest;
        private double nearestMse;
        private double finalMse;
        private int flipped;

        LayerOptimizer(LayerData d, float[] w, TensorPrecision p, Options opt, Random rnd) {
            this.d = d;
            this.opt = opt;
            this.rnd = rnd;
            this.n = w.length;
            int rows = d.groups * d.mg;
            scale = new float[rows];
            lo = new float[rows];
            hi = new float[rows];
            for (int r = 0; r < rows; r++) {
                Encoding e = encodingOf(p, r);
                scale[r] = (float) e.scale();
                lo[r] = -e.zeroPoint();
                hi[r] = e.qmax() - e.zeroPoint();
            }
            floorW = new float[n];
            v = new double[n];
            m1 = new double[n];
            m2 = new double[n];
            nearest = new float[n];
            for (int i = 0; i < n; i++) {
                int r = i / d.kk;
                float x = w[i] / scale[r];
                floorW[i] = (float) Math.floor(x);
                double rest = Math.min(0.999, Math.max(0.001, x - floorW[i]));
                v[i] = -Math.log((ZETA - GAMMA) / (rest - GAMMA) - 1); // h(v) = rest
                nearest[i] = scale[r] * clip((float) Math.rint(x), r);
            }
        }

        int size() {
            return n;
        }

        private float clip(float q, int r) {
            return Math.max(lo[r], Math.min(hi[r], q));
        }

        private static double h(double v) {
            return Math.max(0, Math.min(1, sigmoid(v) * (ZETA - GAMMA) + GAMMA));
        }

        private static double sigmoid(double v) {
            return 1 / (1 + Math.exp(-v));
        }

        /** Runs the Adam steps; {@code checkCancel} runs before each one and between pieces of the error sums (it throws to stop). */
        void optimize(Runnable checkCancel) {
            nearestMse = mse(nearest, allSamples(), checkCancel);
            float[] wq = new float[n];
            float[] grad = new float[n];
            int warm = (int) (opt.iterations() * opt.warmup());
            double b1 = 0.9;
            double b2 = 0.999;
            for (int it = 0; it < opt.iterations(); it++) {
                checkCancel.run();
                for (int i = 0; i < n; i++) {
                    int r = i / d.kk;
                    wq[i] = scale[r] * clip(floorW[i] + (float) h(v[i]), r);
                }
                java.util.Arrays.fill(grad, 0f);
                int[] batch = batch();
                reconstructionGradient(wq, batch, grad);
                double beta = 0;
                boolean reg = it >= warm;
                if (reg) {
                    double t = (double) (it - warm) / Math.max(1, opt.iterations() - warm);
                    beta = opt.betaEnd() + 0.5 * (opt.betaStart() - opt.betaEnd()) * (1 + Math.cos(Math.PI * t));
                }
                double c1 = 1 - Math.pow(b1, it + 1);
                double c2 = 1 - Math.pow(b2, it + 1);
                for (int i = 0; i < n; i++) {
                    int r = i / d.kk;
                    double s = sigmoid(v[i]);
                    double hr = s * (ZETA - GAMMA) + GAMMA;
                    double dhdv = hr > 0 && hr < 1 ? s * (1 - s) * (ZETA - GAMMA) : 0;
                    double q = floorW[i] + Math.max(0, Math.min(1, hr));
                    double gw = q > lo[r] && q < hi[r] ? grad[i] * scale[r] : 0; // clipped weights get no gradient
                    double gr = 0;
                    if (reg) { // d/dh λ(1 - |2h-1|^β) = -2λβ|2h-1|^(β-1)·sign(2h-1)
                        double u = 2 * Math.max(0, Math.min(1, hr)) - 1;
                        gr = -2 * opt.lambda() * beta * Math.pow(Math.abs(u), beta - 1) * Math.signum(u);
                    }
                    double gv = (gw + gr) * dhdv;
                    m1[i] = b1 * m1[i] + (1 - b1) * gv;
                    m2[i] = b2 * m2[i] + (1 - b2) * gv * gv;
                    v[i] -= opt.learningRate() * (m1[i] / c1) / (Math.sqrt(m2[i] / c2) + 1e-8);
                }
            }
            float[] fin = roundedRows();
            finalMse = mse(fin, allSamples(), checkCancel);
            for (int i = 0; i < n; i++) {
                flipped += fin[i] != nearest[i] ? 1 : 0;
            }
        }

        /** Hard rounding at the end: up where h(V) ≥ 1/2 (V ≥ 0). */
        float[] roundedRows() {
            float[] out = new float[n];
            for (int i = 0; i < n; i++) {
                int r = i / d.kk;
                out[i] = scale[r] * clip(floorW[i] + (v[i] >= 0 ? 1f : 0f), r);
            }
            return out;
        }

        double nearestMse() {
            return nearestMse;
        }

        double finalMse() {
            return finalMse;
        }

        int flipped() {
            return flipped;
        }

        private int[] batch() {
            int total = d.cols.size();
            int b = Math.min(opt.batchSize(), total);
            int[] idx = new int[b];
            for (int i = 0; i < b; i++) {
                idx[i] = rnd.nextInt(total);
            }
            return idx;
        }

        private int[] allSamples() {
            int[] idx = new int[d.cols.size()];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = i;
            }
            return idx;
        }

        /** grad += d/dW̃ of mean over samples/positions of Σ_channels (W̃x - t)²; returns nothing, fills grad. */
        private double reconstructionGradient(float[] wq, int[] batch, float[] grad) {
            float[] out = new float[d.mg * d.plane];
            double loss = 0;
            float norm = 2f / (batch.length * d.plane);
            for (int b : batch) {
                for (int g = 0; g < d.groups; g++) {
                    float[] col = d.cols.get(b)[g];
                    float[] t = d.targets.get(b)[g];
                    Sgemm.multiply(d.mg, d.plane, d.kk, 1f, wq, g * d.mg * d.kk, d.kk, false, col, 0, d.plane, false,
                            0f, out, 0, d.plane);
                    for (int i = 0; i < out.length; i++) {
                        out[i] -= t[i];
                        loss += (double) out[i] * out[i];
                    }
                    if (grad != null) { // grad_g += norm · (W̃x - t) · xᵀ
                        Sgemm.multiply(d.mg, d.kk, d.plane, norm, out, 0, d.plane, false, col, 0, d.plane, true,
                                1f, grad, g * d.mg * d.kk, d.kk);
                    }
                }
            }
            return loss / (batch.length * d.plane);
        }

        /**
         * The mean reconstruction error over {@code samples}, in pieces of {@link #MSE_PIECE} samples with
         * {@code checkCancel} between them: over every sample (up to thousands) it is the one long step of a layer
         * outside the Adam loop, so Ctrl-C is heard there too.
         */
        private double mse(float[] wq, int[] samples, Runnable checkCancel) {
            double sum = 0;
            for (int from = 0; from < samples.length; from += MSE_PIECE) {
                checkCancel.run();
                int[] piece = java.util.Arrays.copyOfRange(samples, from, Math.min(samples.length, from + MSE_PIECE));
                sum += reconstructionGradient(wq, piece, null) * piece.length;
            }
            return sum / samples.length;
        }

        /** Samples per piece of {@link #mse}: a few milliseconds of work on the demo's largest layer. */
        private static final int MSE_PIECE = 16;
    }
}
