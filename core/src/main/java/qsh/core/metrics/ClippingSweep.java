package qsh.core.metrics;

import qsh.core.quant.EncoderOptions;
import qsh.core.quant.Encoding;
import qsh.core.quant.Explanation;
import qsh.core.quant.QuantKernels;
import qsh.core.quant.TfEncoder;

/**
 * Quantization error against the clipping range: the tensor's true range [min, max] shrunk by a factor f
 * (0 &lt; f ≤ 1) and encoded as tf would, then SQNR of the fake-quantized tensor. Shows the trade the enhanced and
 * percentile encoders make: a smaller range rounds the bulk of the values more finely but clips the tail.
 */
public final class ClippingSweep {
    /** One point of the curve: the factor, the encoding it gives, and the SQNR in dB. */
    public record Point(double factor, Encoding encoding, double sqnrDb) {}

    private ClippingSweep() {}

    /** {@code steps} points with f spread log-uniformly over [minFactor, 1]. */
    public static Point[] sweep(float[] x, double min, double max, int bitwidth, int steps, double minFactor,
                                EncoderOptions opts) {
        Point[] out = new Point[steps];
        float[] scratch = new float[x.length];
        for (int i = 0; i < steps; i++) {
            double f = steps == 1 ? 1 : Math.exp(Math.log(minFactor) * (1 - (double) i / (steps - 1)));
            Encoding e = TfEncoder.fromTrueRange(min * f, max * f, bitwidth, opts, Explanation.NONE);
            out[i] = new Point(f, e, sqnr(x, e, opts, scratch));
        }
        return out;
    }

    /** SQNR (dB) of {@code x} fake-quantized with {@code e}. */
    public static double sqnr(float[] x, Encoding e, EncoderOptions opts, float[] scratch) {
        QuantKernels.quantizeDequantize(x, 0, x.length, e, opts.rounding(), scratch, 0);
        return ErrorMetrics.sqnrDb(x, scratch);
    }
}
