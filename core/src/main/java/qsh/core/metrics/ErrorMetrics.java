package qsh.core.metrics;

/** Error measures between a reference signal and its approximation (e.g. float vs fake-quantized). */
public final class ErrorMetrics {
    private ErrorMetrics() {}

    /**
     * Signal-to-quantization-noise ratio in dB: 10·log10(Σx² / Σ(x - x̂)²), accumulated in double.
     * +Infinity when the approximation is exact; -Infinity when the signal is all zero but the error is not.
     */
    public static double sqnrDb(float[] ref, float[] approx) {
        check(ref, approx);
        double signal = 0;
        double noise = 0;
        for (int i = 0; i < ref.length; i++) {
            double x = ref[i];
            double e = x - approx[i];
            signal += x * x;
            noise += e * e;
        }
        if (noise == 0) {
            return Double.POSITIVE_INFINITY;
        }
        return 10 * Math.log10(signal / noise);
    }

    /** Mean squared error Σ(x - x̂)²/n. */
    public static double mse(float[] ref, float[] approx) {
        check(ref, approx);
        double noise = 0;
        for (int i = 0; i < ref.length; i++) {
            double e = (double) ref[i] - approx[i];
            noise += e * e;
        }
        return noise / ref.length;
    }

    /** Largest |x - x̂|. */
    public static double maxAbsError(float[] ref, float[] approx) {
        check(ref, approx);
        double m = 0;
        for (int i = 0; i < ref.length; i++) {
            m = Math.max(m, Math.abs((double) ref[i] - approx[i]));
        }
        return m;
    }

    /** Cosine similarity x·x̂ / (|x|·|x̂|); 1.0 when both are all zero, 0.0 when exactly one is. */
    public static double cosine(float[] ref, float[] approx) {
        check(ref, approx);
        double dot = 0;
        double a = 0;
        double b = 0;
        for (int i = 0; i < ref.length; i++) {
            double x = ref[i];
            double y = approx[i];
            dot += x * y;
            a += x * x;
            b += y * y;
        }
        if (a == 0 && b == 0) {
            return 1.0;
        }
        if (a == 0 || b == 0) {
            return 0.0;
        }
        return dot / (Math.sqrt(a) * Math.sqrt(b));
    }

    private static void check(float[] ref, float[] approx) {
        if (ref.length != approx.length) {
            throw new IllegalArgumentException("cannot compare tensors of " + ref.length + " and " + approx.length
                    + " values: they must have the same size");
        }
        if (ref.length == 0) {
            throw new IllegalArgumentException("cannot compare empty tensors");
        }
    }
}
