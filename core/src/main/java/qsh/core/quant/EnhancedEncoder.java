package qsh.core.quant;

import qsh.core.tensor.Histogram;

/**
 * The spec's "enhanced" mode: an SQNR search over a histogram in the style of AIMET's TF-enhanced
 * (algorithms.md, "Enhanced"). May clip outliers when that lowers the total error.
 *
 * <p>Asymmetric candidates: Δmax = (max-min)/(2^bw-1) over the true range widened to include 0; step sizes
 * f·Δmax for f = 1/16 … 17/16 (17) × 21 offsets o spread evenly over [-(2^bw-1), 0]; each candidate
 * [Δ·o, Δ·o + Δ·(2^bw-1)] is clipped to the observed range and its step re-derived; plus the plain min/max
 * candidate. Symmetric variant: 101 absmax candidates f·absmax, f = 1/100 … 101/100, on the signed grid.
 *
 * <p>Cost of a candidate over bins i with mass p_i and midpoint m_i: γ·Σ_outside p_i·(m_i - clamp(m_i))²
 * + Σ_inside p_i·Δ²/12, γ = 3.0. The in-range term is the mean squared rounding error of values spread
 * uniformly over a step (Δ²/12) rather than the rounding error of the midpoint itself, which only reflects
 * where a midpoint happens to fall when bins are narrower than a step. The cheapest candidate wins; then the
 * minimum range and exact zero are enforced by tf's rules (or the symmetric grid).
 */
public final class EnhancedEncoder implements Encoder {
    /** Weight of clipping error against rounding error (AIMET's γ). */
    public static final double GAMMA = 3.0;
    private static final int STEP_FACTORS = 17;
    private static final int OFFSETS = 21;
    private static final int SYMMETRIC_FACTORS = 101;

    private final boolean symmetric;

    /** An enhanced encoder; {@code symmetric} selects the 101-step symmetric search on the signed grid. */
    public EnhancedEncoder(boolean symmetric) {
        this.symmetric = symmetric;
    }

    /** Whether this is the symmetric variant. */
    public boolean symmetric() {
        return symmetric;
    }

    @Override
    public QuantMode mode() {
        return QuantMode.ENHANCED;
    }

    @Override
    public Encoding encode(float[] data, int from, int to, int bitwidth, EncoderOptions options, Explanation explain) {
        Encoding.checkIntBitwidth(bitwidth);
        float[] mm = MinMax.of(data, from, to);
        double lo = Math.min(mm[0], 0.0);
        double hi = Math.max(mm[1], 0.0);
        Histogram h = Histogram.ofInRange(data, from, to, lo, hi, options.bins());
        return fromHistogram(h, bitwidth, options, explain);
    }

    /** The enhanced encoding from a histogram whose range is the observed range (e.g. merged calibration data). */
    public Encoding fromHistogram(Histogram h, int bitwidth, EncoderOptions options, Explanation explain) {
        explain.stepf("1. histogram", "%d bins over [%.6g, %.6g] (true range widened to include 0), %.0f values",
                h.bins(), h.min(), h.max(), h.total());
        return symmetric ? searchSymmetric(h, bitwidth, options, explain) : searchAsymmetric(h, bitwidth, options, explain);
    }

    private static Encoding searchAsymmetric(Histogram h, int bitwidth, EncoderOptions options, Explanation explain) {
        double minVal = Math.min(h.min(), 0.0);
        double maxVal = Math.max(h.max(), 0.0);
        long q = Encoding.qmax(bitwidth);
        double deltaMax = (maxVal - minVal) / q;
        double[] mids = midpoints(h);
        double[] mass = masses(h);
        double bestMin = minVal;
        double bestMax = maxVal;
        double tfCost = cost(mids, mass, minVal, maxVal, deltaMax);
        double bestCost = tfCost;
        int candidates = 1;
        if (deltaMax > 0) {
            for (int f = 1; f <= STEP_FACTORS; f++) {
                double delta = deltaMax * f / 16.0;
                for (int k = 0; k < OFFSETS; k++) {
                    double offset = -q + (double) q * k / (OFFSETS - 1); // evenly from -(2^bw-1) to 0
                    double cMin = Math.max(minVal, delta * offset);
                    double cMax = Math.min(maxVal, cMin + delta * q);
                    double cDelta = (cMax - cMin) / q;
                    candidates++;
                    if (cDelta <= 0) {
                        continue;
                    }
                    double c = cost(mids, mass, cMin, cMax, cDelta);
                    if (c < bestCost) {
                        bestCost = c;
                        bestMin = cMin;
                        bestMax = cMax;
                    }
                }
            }
        }
        explain.stepf("2. candidates", "%d candidates: %d step sizes (Δmax·1/16 … 17/16, Δmax = %.6g) × %d offsets, plus min/max",
                candidates, STEP_FACTORS, deltaMax, OFFSETS);
        explain.stepf("3. best candidate", "[%.6g, %.6g], cost %.6g vs tf (min/max) cost %.6g (cost = %.1f·clipping + rounding)",
                bestMin, bestMax, bestCost, tfCost, GAMMA);
        Encoding e = TfEncoder.fromTrueRange(bestMin, bestMax, bitwidth, options, Explanation.NONE);
        explain.stepf("4. zero and minimum range", "tf rules on the chosen range: scale %.7g, offset %d, encoding range [%.6f, %.6f]",
                e.scale(), e.zeroPoint(), e.min(), e.max());
        return e;
    }

    private static Encoding searchSymmetric(Histogram h, int bitwidth, EncoderOptions options, Explanation explain) {
        double absMax = Math.max(Math.abs(h.min()), Math.abs(h.max()));
        long half = 1L << (bitwidth - 1);
        double[] mids = midpoints(h);
        double[] mass = masses(h);
        double best = absMax;
        double tfCost = absMax > 0 ? cost(mids, mass, -half * absMax / (half - 1), absMax, absMax / (half - 1)) : 0;
        double bestCost = tfCost;
        if (absMax > 0) {
            for (int f = 1; f <= SYMMETRIC_FACTORS; f++) {
                double a = absMax * f / 100.0;
                double delta = a / (half - 1);
                double c = cost(mids, mass, -half * delta, a, delta);
                if (c < bestCost) {
                    bestCost = c;
                    best = a;
                }
            }
        }
        explain.stepf("2. candidates", "%d symmetric candidates: absmax·1/100 … 101/100 (absmax = %.6g), plus absmax",
                SYMMETRIC_FACTORS + 1, absMax);
        explain.stepf("3. best candidate", "absmax %.6g, cost %.6g vs plain-absmax cost %.6g (cost = %.1f·clipping + rounding)",
                best, bestCost, tfCost, GAMMA);
        Encoding e = SymmetricEncoder.fromTrueRange(-best, best, bitwidth, options, Explanation.NONE);
        explain.stepf("4. zero and minimum range", "symmetric grid: scale %.7g, offset %d, encoding range [%.6f, %.6f]",
                e.scale(), e.aimetOffset(), e.min(), e.max());
        return e;
    }

    /** γ·clipping error + rounding error of the histogram under the range [lo, hi] with step delta. */
    static double cost(double[] mids, double[] mass, double lo, double hi, double delta) {
        double clip = 0;
        double inside = 0;
        for (int i = 0; i < mids.length; i++) {
            double m = mids[i];
            double p = mass[i];
            if (m < lo) {
                double d = m - lo;
                clip += p * d * d;
            } else if (m > hi) {
                double d = m - hi;
                clip += p * d * d;
            } else {
                inside += p;
            }
        }
        return GAMMA * clip + inside * delta * delta / 12.0;
    }

    private static double[] midpoints(Histogram h) {
        double[] m = new double[h.bins()];
        for (int i = 0; i < m.length; i++) {
            m[i] = h.midpoint(i);
        }
        return m;
    }

    /** Bin masses as probabilities (so costs are per value and comparable across tensors). */
    private static double[] masses(Histogram h) {
        double total = h.total();
        double[] p = new double[h.bins()];
        for (int i = 0; i < p.length; i++) {
            p[i] = total > 0 ? h.count(i) / total : 0;
        }
        return p;
    }
}
