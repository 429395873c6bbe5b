package qsh.core.exec.kernels;

import qsh.core.tensor.Tensor;

/**
 * ONNX LRN (local response normalization across channels, AlexNet/GoogLeNet):
 * square_sum[n, c, ...] = Σ x[n, c', ...]² over c' in [c - floor((size-1)/2), c + ceil((size-1)/2)] ∩ [0, C),
 * y = x / (bias + alpha / size · square_sum)^beta (ONNX operator doc, LRN-13).
 */
public final class Lrn {
    private static volatile boolean fastPower = true;
    /** Per-thread sums of squares of one plane. */
    private static final ThreadLocal<double[]> SUMS = ThreadLocal.withInitial(() -> new double[0]);

    private Lrn() {
    }

    /** Turns {@link #threeQuarters} on (the default) or off, for one-JVM A/B benchmarks and tests (same bits). */
    static void fastPower(boolean on) {
        fastPower = on;
    }

    /**
     * (float) (x / Math.pow(d, 0.75)), the bits of the general path, without Math.pow where that is provably the
     * same: d^0.75 as sqrt(d) * sqrt(sqrt(d)) is within 3.5 ulp of the exact power (two correctly rounded square
     * roots and a product), Math.pow within 1, so the two quotients differ by at most about 5 ulp of a double; their
     * roundings to float differ only if a float rounding boundary (a double whose 29 bits below float precision
     * are 1 followed by zeros) lies that close, which the low bits of the quotient show. There, and for a d that is
     * not positive and finite, an x that is not finite or a quotient outside float's normal range, Math.pow decides.
     * GoogLeNet's and AlexNet's LRNs (beta 0.75): Math.pow was most of light_inception_v1's 12.7 ms of LRN a run.
     */
    static float threeQuarters(float x, double d) {
        if (d > 0 && d < Double.POSITIVE_INFINITY && Float.isFinite(x)) {
            double r = Math.sqrt(d);
            double q = x / (r * Math.sqrt(r));
            double a = Math.abs(q);
            long low = Double.doubleToRawLongBits(q) & 0x1FFFFFFFL; // the bits a rounding to float drops
            if (a == 0 || a >= 0x1p-125 && a < 0x1p127 && Math.abs(low - 0x10000000L) > 64) {
                return (float) q;
            }
        }
        return (float) (x / Math.pow(d, 0.75));
    }

    /** LRN of an N x C x ... tensor; the window of {@code size} channels is clipped at the channel ends. */
    public static Tensor lrn(Tensor x, int size, float alpha, float beta, float bias) {
        if (x.rank() < 3) {
            throw new IllegalArgumentException("LRN needs an N x C x D1 x ... input, got " + x.shapeString());
        }
        if (size < 1) {
            throw new IllegalArgumentException("LRN size must be at least 1, got " + size);
        }
        int n = x.dim(0);
        int c = x.dim(1);
        int planes = n * c;
        int plane = planes == 0 ? 0 : x.size() / planes;
        int before = (size - 1) / 2;
        int after = size - 1 - before; // ceil((size - 1) / 2)
        double k = (double) alpha / size;
        float[] xd = x.data();
        float[] y = Buffers.floats(x.size());
        boolean byRoots = beta == 0.75f && fastPower;
        // each output element reads `size` channels (multiply-add) and takes one pow: ~ (size + 20) units
        Parallel.forRange(planes, (long) x.size() * (size + 20), 1 << 16, (p0, p1) -> {
            double[] sums = SUMS.get();
            if (sums.length < plane) {
                sums = new double[plane];
                SUMS.set(sums);
            }
            for (int p = p0; p < p1; p++) {
                int b = p / c;
                int ch = p % c;
                int lo = Math.max(0, ch - before);
                int hi = Math.min(c - 1, ch + after);
                int base = p * plane;
                // each position's sum of squares from 0, channel by channel in order (the window loop's order and
                // bits), a whole plane at a time: the loop over positions runs without the per-element channel loop
                // and its dependent additions (13 -> 5 ns per element with the power below)
                java.util.Arrays.fill(sums, 0, plane, 0.0);
                for (int q = lo; q <= hi; q++) {
                    int qb = (b * c + q) * plane;
                    for (int s = 0; s < plane; s++) {
                        double v = xd[qb + s];
                        sums[s] += v * v;
                    }
                }
                for (int s = 0; s < plane; s++) {
                    double d = bias + k * sums[s];
                    y[base + s] = byRoots ? threeQuarters(xd[base + s], d) : (float) (xd[base + s] / Math.pow(d, beta));
                }
            }
        });
        return Tensor.of(x.shape(), y);
    }
}
