/**
 * Quantization encodings and kernels (spec "Quantization"). Entry points:
 * {@link qsh.core.quant.Encoders#forMode}/{@link qsh.core.quant.Encoders#encode} (tf, symmetric, enhanced,
 * adjusted, percentile), {@link qsh.core.quant.PerChannel#encode} (one encoding per channel along any axis),
 * {@link qsh.core.quant.QuantKernels} (quantize / dequantize / fused fake-quant, 32-bit bias variants; checked
 * bit for bit against {@link qsh.core.quant.ReferenceQuantizer}) and {@link qsh.core.quant.Packing} (4-bit,
 * first value in the low nibble). Nothing here prints; {@code --explain} steps go into an
 * {@link qsh.core.quant.Explanation}.
 */
package qsh.core.quant;
