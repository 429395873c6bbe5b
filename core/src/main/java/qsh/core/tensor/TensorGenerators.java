package qsh.core.tensor;

import java.util.SplittableRandom;

/**
 * Seeded tensors for teaching before a model is loaded. The same seed always gives the same values
 * (java.util.SplittableRandom), so scripts and transcripts are reproducible.
 */
public final class TensorGenerators {
    private TensorGenerators() {}

    /** Normal(mean, std) values. */
    public static Tensor normal(int[] shape, double mean, double std, long seed) {
        Tensor t = Tensor.zeros(shape);
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (mean + std * gaussian(r));
        }
        return t;
    }

    /** Uniform values in [lo, hi). */
    public static Tensor uniform(int[] shape, double lo, double hi, long seed) {
        Tensor t = Tensor.zeros(shape);
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return t;
    }

    /**
     * A long-tailed tensor: Laplace(0, scale) bulk with a fraction {@code tail} of outliers ten times wider —
     * the "most values between -100 and 1000, a few much greater" case of the spec's Enhanced section.
     */
    public static Tensor longTailed(int[] shape, double scale, double tail, long seed) {
        Tensor t = Tensor.zeros(shape);
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            double u = r.nextDouble() - 0.5;
            double lap = -scale * Math.signum(u) * Math.log(1 - 2 * Math.abs(u));
            d[i] = (float) (r.nextDouble() < tail ? lap * 10 : lap);
        }
        return t;
    }

    /**
     * A weight-like tensor [channels, n] whose channel i has standard deviation spread log-uniformly over
     * [1/spread, spread] — the per-channel case where one per-tensor grid wastes most of its levels.
     */
    public static Tensor perChannel(int channels, int n, double spread, long seed) {
        Tensor t = Tensor.zeros(channels, n);
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = t.data();
        double logS = Math.log(spread);
        for (int c = 0; c < channels; c++) {
            double std = channels == 1 ? 1 : Math.exp(-logS + 2 * logS * c / (channels - 1)) * 0.1;
            for (int j = 0; j < n; j++) {
                d[c * n + j] = (float) (std * gaussian(r));
            }
        }
        return t;
    }

    /** A standard normal sample (Box-Muller; one of the pair is discarded for simplicity and determinism). */
    private static double gaussian(SplittableRandom r) {
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
