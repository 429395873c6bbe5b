package qsh.core.sim;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import qsh.core.calib.ActivationEncodings;
import qsh.core.calib.CalibrationStatistics;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.quant.Encoding;

/**
 * The activation rules of {@link QuantizationPlanner}: what precision each activation's overrides and the config
 * give it (spec, "Quantization Overrides", "Mixed Precision and FP16 Support"), and which ops run in INT32 (spec,
 * "INT32 Overrides"). Fusion, data-invariant ops and convert ops are the planner's; this class decides one tensor
 * at a time.
 */
final class ActivationPrecisions {
    private final Graph g;
    private final Set<String> floatValues;
    private final QuantConfig cfg;
    private final QuantOverrides ov;
    /** Null under float fallback (no calibration data). */
    private final CalibrationStatistics stats;
    private final List<String> warnings;

    ActivationPrecisions(Graph g, Set<String> floatValues, QuantConfig cfg, QuantOverrides ov, CalibrationStatistics stats,
                         List<String> warnings) {
        this.g = g;
        this.floatValues = floatValues;
        this.cfg = cfg;
        this.ov = ov;
        this.stats = stats;
        this.warnings = warnings;
    }

    /** True when {@code t} has an INT32 activation override (full or bitwidth-only, dtype int, 32 bits). */
    private boolean int32Override(String t) {
        List<Encoding> given = ov.activations().get(t);
        if (given != null) {
            return given.get(0).isInt() && given.get(0).bitwidth() == 32;
        }
        Integer bw = ov.activationBitwidths().get(t);
        return bw != null && bw == 32;
    }

    /**
     * Spec, "INT32 Overrides": an op whose every (float) input and output has an INT32 override runs in INT32 —
     * Dequantize → Cast(INT32) before it, Cast(FP32) → Quantize after it; only ops without weights and bias.
     */
    Set<String> int32Ops() {
        Set<String> int32Ops = new LinkedHashSet<>();
        Set<String> covered = new LinkedHashSet<>();
        for (Node n : g.nodes()) {
            List<String> io = new ArrayList<>();
            for (String i : n.inputs()) {
                if (!i.isEmpty() && floatValues.contains(i) && !g.weights().containsKey(i)) {
                    io.add(i);
                }
            }
            for (String o : n.outputs()) {
                if (!o.isEmpty() && floatValues.contains(o)) {
                    io.add(o);
                }
            }
            if (io.isEmpty() || !io.stream().allMatch(this::int32Override)) {
                continue;
            }
            for (String i : n.inputs()) {
                if (g.weights().get(i) instanceof qsh.core.tensor.Tensor) {
                    throw new IllegalArgumentException("INT32 overrides cover every input and output of " + n.name() + " ("
                            + n.opType() + "), but it has weights/bias '" + i + "': the spec supports INT32 overrides only"
                            + " for ops without weights and bias");
                }
            }
            int32Ops.add(n.name());
            covered.addAll(io);
        }
        for (String t : floatValues) {
            if (int32Override(t) && !covered.contains(t)) {
                warnings.add("'" + t + "' has an INT32 override but no op has all its inputs and outputs overridden to"
                        + " INT32: it is quantized as usual");
            }
        }
        return int32Ops;
    }

    /**
     * The precision of activation {@code t} by the overrides and the config: an override's full encoding as is, a
     * bitwidth-only one calibrated at that bitwidth, dtype float kept float; else act_bw (float_bw without data).
     */
    TensorPrecision of(String t) {
        if (int32Override(t)) { // the tensor itself is quantized as usual; the op between converts runs in INT32
            return stats == null ? TensorPrecision.floating(cfg.floatBw()) : TensorPrecision.integer(calibrated(t, cfg.actBw()));
        }
        List<Encoding> given = ov.activations().get(t);
        if (given != null) {
            Encoding e = given.get(0);
            if (!e.isInt()) {
                return TensorPrecision.floating(e.bitwidth());
            }
            checkActivationBitwidth(t, e.bitwidth());
            return TensorPrecision.integer(given, 0);
        }
        Integer bw = ov.activationBitwidths().get(t);
        if (bw != null) {
            checkActivationBitwidth(t, bw);
            if (stats == null) {
                warnings.add("'" + t + "' has an integer override without min/max and there is no calibration data:"
                        + " it stays float");
                return TensorPrecision.floating(cfg.floatBw());
            }
            return TensorPrecision.integer(calibrated(t, bw));
        }
        return stats == null ? TensorPrecision.floating(cfg.floatBw()) : TensorPrecision.integer(calibrated(t, cfg.actBw()));
    }

    private static void checkActivationBitwidth(String t, int bw) {
        if (bw != 8 && bw != 16 && bw != 4) {
            throw new IllegalArgumentException("activation override for '" + t + "' has bitwidth " + bw
                    + ": use 8 or 16 (or dtype float; 32 for an INT32 override)");
        }
    }

    /** {@code t}'s encoding at {@code bw} bits from the calibration statistics, by act_quantizer. */
    Encoding calibrated(String t, int bw) {
        return ActivationEncodings.encode(stats, t, cfg.actQuantizer(), bw, cfg.options());
    }
}
