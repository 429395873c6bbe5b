package qsh.commands.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import qsh.commands.spi.EncodingText;
import qsh.commands.spi.Format;
import qsh.core.calib.RangeObserver;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.sim.DataInvariantOps;
import qsh.core.sim.ModelQuantizer;
import qsh.core.sim.QuantConfig;
import qsh.core.sim.QuantOverrides;
import qsh.core.sim.QuantizationPlan;
import qsh.core.sim.TensorPrecision;

/**
 * {@code calibrate --explain}: the steps of the spec's quantizer with actual numbers — statistics, fusion,
 * one worked example per kind of tensor (true range → encoding), the bias rule, what the overrides did, and
 * each convert op with the reason it is there.
 */
final class CalibrateExplanation {
    private CalibrateExplanation() {}

    static List<String> lines(Graph g, ModelQuantizer.Outcome out, QuantConfig cfg, QuantOverrides ov) {
        QuantizationPlan p = out.plan();
        List<String> l = new ArrayList<>();
        l.add("explain:");
        if (!out.folds().isEmpty()) {
            var f = out.folds().get(0);
            l.add("  0. converter: " + out.folds().size() + " BatchNormalization folded into the layer before it, as QNN's"
                    + " converters do by default: a = γ/√(σ² + ε), W' = a·W, b' = a·(b − μ) + β, so the quantizer sees W'"
                    + " (what a device runs), e.g. " + f.batchNorm() + " → " + f.layer() + " (--disable-batchnorm-folding keeps"
                    + " BN as its own quantized op)");
        } else if (g.nodes().stream().anyMatch(n -> n.opType().equals("BatchNormalization"))) {
            l.add("  0. converter: BatchNormalization kept as its own op (--disable-batchnorm-folding, or not foldable):"
                    + " its input and output are quantized, its parameters stay float");
        }
        if (out.statistics() != null) {
            l.add("  1. statistics: streamed min/max" + (out.statistics().hasHistograms() ? " and histograms" : "") + " of "
                    + out.statistics().tensors().size() + " float tensors over " + out.calibrationInputs()
                    + " input(s); memory does not grow with the number of inputs");
        } else {
            l.add("  1. no calibration data (float fallback): only tensors with a full encoding in the overrides become integers,"
                    + " and the data-invariant ops after them, which pass it on");
        }
        if (!p.fused().isEmpty()) {
            Map.Entry<String, String> f = p.fused().entrySet().iterator().next();
            l.add("  2. fused: " + p.fused().size() + " tensors feed only a ReLU/ReLU6 and get no encoding of their own"
                    + " (QNN's converter fuses the activation into the op), e.g. " + f.getKey() + " → " + f.getValue());
        }
        shared(l, g, p, ov);
        example(l, "  3. activations (" + cfg.actQuantizer().id() + ", " + cfg.actBw() + " bits): ", p.activations(), out);
        example(l, "  4. weights (" + cfg.paramQuantizer().id() + ", " + cfg.weightBw() + " bits"
                + (cfg.perChannel() ? ", per channel" : "") + "): ", weights(g, p, false), out);
        Map<String, TensorPrecision> biases = weights(g, p, true);
        if (!biases.isEmpty()) {
            Map.Entry<String, TensorPrecision> b = biases.entrySet().iterator().next();
            String rule = b.getValue().isInt() && b.getValue().bitwidth() == 32
                    ? "bias_bw 32: scale = input scale × weight scale, offset 0 as a signed int32 (one per output channel when weights are per channel)"
                    : "bias_bw " + cfg.biasBw() + ": the bias's own encoding by " + cfg.paramQuantizer().id();
            l.add("  5. biases, " + rule + ", e.g. " + b.getKey() + ": " + EncodingText.describe(b.getValue()));
        }
        if (ov.isEmpty()) {
            l.add("  6. no overrides: every tensor follows act/weight/bias bitwidths (spec: \"No override\")");
        } else {
            l.add("  6. overrides: " + ov.activations().size() + " activation and " + ov.params().size() + " param encodings used as"
                    + " given, " + (ov.activationBitwidths().size() + ov.paramBitwidths().size())
                    + " bitwidth-only entries calibrated at their width; an op with a float output, weight or bias runs"
                    + " wholly in float (spec, partial override)");
        }
        if (p.converts().isEmpty()) {
            l.add("  7. no convert ops: every tensor is read at the precision its consumer runs in");
        } else {
            l.add("  7. convert ops (a tensor's precision differs from what its consumer runs in):");
            for (QuantizationPlan.ConvertOp c : p.converts()) {
                l.add("     " + c.tensor() + " is " + c.from().describe() + " but " + c.consumer() + " runs in "
                        + p.ops().get(c.consumer()).describe() + " → " + (c.to().isInt()
                        ? (c.from().isInt() ? "requantize" : "quantize") + " to " + EncodingText.describe(c.to())
                        : "dequantize to " + c.to().describe()));
            }
        }
        if (!p.int32Ops().isEmpty()) {
            l.add("  8. INT32 ops (every input and output overridden to INT32): " + String.join(", ", p.int32Ops())
                    + " — Cast(INT32) on their inputs, Cast(FP32) on their outputs");
        }
        return l;
    }

    /** Step 2b: the outputs of data-invariant ops that have their input's encoding (QNN passes it on). */
    private static void shared(List<String> l, Graph g, QuantizationPlan p, QuantOverrides ov) {
        List<String> pairs = new ArrayList<>();
        for (Node n : g.nodes()) {
            String in = DataInvariantOps.dataInput(n);
            TensorPrecision pin = in == null ? null : p.activations().get(in);
            for (String o : n.outputs()) {
                if (pin != null && pin.isInt() && !ov.contains(o) && pin.equals(p.activations().get(o))) {
                    pairs.add(o + " ← " + in + " (" + n.opType() + ")");
                }
            }
        }
        if (!pairs.isEmpty()) {
            boolean one = pairs.size() == 1;
            l.add("  2b. shared: " + pairs.size() + (one ? " output of a data-invariant op has exactly its" : " outputs of"
                    + " data-invariant ops have exactly their") + " input's encoding (MaxPool, Reshape, Flatten, Transpose,"
                    + " Slice, nearest Resize, …; not Concat), as QNN's quantizer passes it on: the values only move, so"
                    + " no requantization, e.g. " + pairs.get(0));
        }
    }

    private static void example(List<String> l, String head, Map<String, TensorPrecision> m, ModelQuantizer.Outcome out) {
        for (Map.Entry<String, TensorPrecision> e : m.entrySet()) {
            if (!e.getValue().isInt() || e.getValue().perChannel()) {
                continue;
            }
            String range = "";
            if (out.statistics() != null && out.statistics().tensors().contains(e.getKey())) {
                RangeObserver r = out.statistics().range(e.getKey());
                range = "true range [" + Format.num(r.min()) + ", " + Format.num(r.max()) + "] → ";
            }
            l.add(head + "e.g. " + e.getKey() + ": " + range + EncodingText.describe(e.getValue().encoding())
                    + " (min-range rule, then zero made exact)");
            return;
        }
        for (Map.Entry<String, TensorPrecision> e : m.entrySet()) {
            l.add(head + "e.g. " + e.getKey() + ": " + e.getValue().describe());
            return;
        }
    }

    /** Weights (input 1) or biases (input 2) of Conv/ConvTranspose/Gemm/MatMul, in graph order. */
    private static Map<String, TensorPrecision> weights(Graph g, QuantizationPlan p, boolean biases) {
        Map<String, TensorPrecision> out = new java.util.LinkedHashMap<>();
        for (Node n : g.nodes()) {
            String name = n.input(biases ? 2 : 1);
            if (p.params().containsKey(name)) {
                out.put(name, p.params().get(name));
            }
        }
        return out;
    }
}
