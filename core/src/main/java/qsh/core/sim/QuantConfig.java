package qsh.core.sim;

import qsh.core.quant.EncoderOptions;
import qsh.core.quant.QuantMode;

/**
 * The quantizer settings of the spec's qairt-quantizer ("Bitwidth Selection", "Quantization Modes", "Mixed
 * Precision and FP16 Support"): act_bw 8|16, weight_bw 4|8|16, bias_bw 8|32, float_bw 16|32, float_bias_bw
 * 16|32, param_quantizer / act_quantizer, per-channel weights for Conv-type ops. Defaults follow the spec
 * (8/8/8, float 32, tf/tf, per-tensor).
 *
 * @param actBw          activation bitwidth
 * @param weightBw       weight bitwidth
 * @param biasBw         bias bitwidth: 32 = scale input×weight, offset 0; 8 = the bias's own encoding
 * @param floatBw        bitwidth of float tensors (32, or 16 for FP16)
 * @param floatBiasBw    bitwidth of a float op's bias when the overrides give it no encoding (0: the op's float bitwidth)
 * @param paramQuantizer weight encoder
 * @param actQuantizer   activation encoder
 * @param perChannel     per-output-channel symmetric weights for Conv, ConvTranspose (incl. depthwise)
 * @param perRow         per-output-row weights for FullyConnected (Gemm) and MatMul with a constant 2-D weight, by
 *                       the param quantizer (qairt-quantizer's --use_per_row_quantization)
 * @param options        minimum range, rounding, percentile, bins
 */
public record QuantConfig(int actBw, int weightBw, int biasBw, int floatBw, int floatBiasBw, QuantMode paramQuantizer,
                          QuantMode actQuantizer, boolean perChannel, boolean perRow, EncoderOptions options) {
    /** The spec's defaults. */
    public static final QuantConfig DEFAULTS = new QuantConfig(8, 8, 8, 32, 0, QuantMode.TF, QuantMode.TF, false,
            false, EncoderOptions.DEFAULTS);

    /** Checks every bitwidth against the spec's choices; the error names the flag. */
    public QuantConfig {
        check("act_bw", actBw, 8, 16);
        check("weight_bw", weightBw, 4, 8, 16);
        check("bias_bw", biasBw, 8, 32);
        check("float_bw", floatBw, 16, 32);
        check("float_bias_bw", floatBiasBw, 0, 16, 32);
        if (perChannel && paramQuantizer != QuantMode.SYMMETRIC) {
            throw new IllegalArgumentException("per-channel weights are symmetric (spec, Per-channel Quantization"
                    + " Overrides): use param_quantizer symmetric");
        }
    }

    private static void check(String flag, int v, int... allowed) {
        for (int a : allowed) {
            if (a == v) {
                return;
            }
        }
        throw new IllegalArgumentException(flag + " " + v + " is not supported: use " + java.util.Arrays.toString(allowed)
                .replace("[0, ", "[").replace("[", "").replace("]", "").replace(", ", " or "));
    }

    public QuantConfig withActBw(int v) { return new QuantConfig(v, weightBw, biasBw, floatBw, floatBiasBw, paramQuantizer, actQuantizer, perChannel, perRow, options); }

    public QuantConfig withWeightBw(int v) { return new QuantConfig(actBw, v, biasBw, floatBw, floatBiasBw, paramQuantizer, actQuantizer, perChannel, perRow, options); }

    public QuantConfig withBiasBw(int v) { return new QuantConfig(actBw, weightBw, v, floatBw, floatBiasBw, paramQuantizer, actQuantizer, perChannel, perRow, options); }

    public QuantConfig withFloatBw(int v) { return new QuantConfig(actBw, weightBw, biasBw, v, floatBiasBw, paramQuantizer, actQuantizer, perChannel, perRow, options); }

    public QuantConfig withFloatBiasBw(int v) { return new QuantConfig(actBw, weightBw, biasBw, floatBw, v, paramQuantizer, actQuantizer, perChannel, perRow, options); }

    public QuantConfig withQuantizers(QuantMode param, QuantMode act) { return new QuantConfig(actBw, weightBw, biasBw, floatBw, floatBiasBw, param, act, perChannel, perRow, options); }

    /** Per-channel weights (symmetric param quantizer implied). */
    public QuantConfig withPerChannel(boolean v) { return new QuantConfig(actBw, weightBw, biasBw, floatBw, floatBiasBw, v ? QuantMode.SYMMETRIC : paramQuantizer, actQuantizer, v, perRow, options); }

    /** Per-row weights for Gemm and MatMul (--use_per_row_quantization). */
    public QuantConfig withPerRow(boolean v) { return new QuantConfig(actBw, weightBw, biasBw, floatBw, floatBiasBw, paramQuantizer, actQuantizer, perChannel, v, options); }

    public QuantConfig withOptions(EncoderOptions v) { return new QuantConfig(actBw, weightBw, biasBw, floatBw, floatBiasBw, paramQuantizer, actQuantizer, perChannel, perRow, v); }

    /** A short label such as "W8A8 per-channel, bias 32". */
    public String label() {
        return "W" + weightBw + "A" + actBw + (perChannel ? " per-channel" : " per-tensor")
                + (perRow ? " per-row" : "") + ", bias " + biasBw
                + ", " + paramQuantizer.id() + "/" + actQuantizer.id();
    }
}
