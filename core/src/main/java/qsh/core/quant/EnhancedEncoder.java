package qsh.core.quant;

import java.util.ArrayList;
import java.util.List;
import qsh.core.tensor.Histogram;

/**
 * The spec's "enhanced" mode: a search over candidate ranges in the style of AIMET's TF-enhanced (algorithms.md,
 * "Enhanced"). May clip outliers when that lowers the total error; never does worse than tf on the tensor it is
 * given, because tf's own encoding is one of the candidates and the winner is chosen on the values themselves.
 *
 * <p><b>Candidates.</b> The base range is tf's: the true range under the minimum range, then widened to include 0
 * ({@link TfRange}). Asymmetric: Δmax = (max-min)/(2^bw-1); step sizes f·Δmax for f = 1/16 … 17/16 (17) × 21
 * offsets o spread evenly over [-(2^bw-1), 0]; each candidate [Δ·o, Δ·o + Δ·(2^bw-1)] is clipped to the base
 * range; plus tf's encoding itself. Symmetric variant: absmax·f for f = 1/100 … 101/100 on the signed grid, plus
 * plain symmetric's encoding. Every candidate gets tf's minimum-range and zero rules (the spec: "Enhanced
 * quantizer still enforces a minimum range and ensures 0.0 is exactly quantizable") BEFORE it is scored, so the
 * score is that of the encoding actually used.
 *
 * <p><b>Score.</b> γ·clipping² + rounding² per value, γ = 3 ({@link ClippingCost}); the cheapest candidate wins,
 * ties keep tf's. While the work fits {@link #EXACT_BUDGET}, every candidate is scored exactly on the values.
 * Above, a histogram fine enough for the bitwidth (2^(bw+1) bins up to 65 536, at most one per value, never fewer
 * than the {@code bins} setting) ranks them, and its EXACT_BUDGET/n best (at least one) are re-scored exactly
 * against tf's on the values (for the largest tensors: two passes, on two threads). A 512-bin histogram alone
 * could not resolve a 16-bit step (a clipped sliver of one bin outweighs all the rounding error) and picked
 * ranges 10 dB worse than tf; and any histogram charges every value s²/12 of rounding, which is wrong for data
 * already on tf's grid. Streamed calibration histograms keep no values, so there the histogram
 * score decides, with tf's encoding among the candidates ({@link #fromHistogram}).
 */
public final class EnhancedEncoder implements Encoder {
    /** Weight of clipping error against rounding error (AIMET's γ). */
    public static final double GAMMA = ClippingCost.GAMMA;
    /**
     * Value-candidate evaluations spent on exact scores: every candidate is scored on the values while
     * n·candidates fits (n ≤ 732 asymmetric), else the histogram's budget/n best (at least 1) plus tf's.
     */
    public static final int EXACT_BUDGET = 1 << 18;
    private static final int STEP_FACTORS = 17;
    private static final int OFFSETS = 21;
    private static final int SYMMETRIC_FACTORS = 101;
    private static final int MAX_BINS = 1 << 16;

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
        explain.stepf("1. true range", "min = %.6g, max = %.6g", mm[0], mm[1]);
        TfRange base = TfRange.of(mm[0], mm[1], options.minRange(), explain, 2);
        List<Encoding> candidates = candidates(base, bitwidth, options);
        int n = to - from;
        double[] cost = new double[candidates.size()];
        if ((long) n * candidates.size() <= EXACT_BUDGET) {
            for (int c = 0; c < cost.length; c++) {
                cost[c] = ClippingCost.exact(data, from, to, candidates.get(c));
            }
            explain.stepf("4. score", "every candidate scored exactly on the %d values", n);
        } else {
            int bins = binsFor(bitwidth, options, n);
            Histogram h = Histogram.ofInRange(data, from, to, mm[0], mm[1], bins);
            scoreOnHistogram(h, mm[0], mm[1], candidates, cost);
            int[] finalists = finalists(candidates, cost, Math.max(1, EXACT_BUDGET / n));
            java.util.Arrays.fill(cost, Double.POSITIVE_INFINITY);
            if (finalists.length == 2) {
                double[] exact = ClippingCost.exactPair(data, from, to, candidates.get(0), candidates.get(finalists[1]));
                cost[0] = exact[0];
                cost[finalists[1]] = exact[1];
            } else if (finalists.length > 2) {
                for (int c : finalists) {
                    cost[c] = ClippingCost.exact(data, from, to, candidates.get(c));
                }
            } else {
                cost[0] = 0; // the histogram's best is the base encoding itself: nothing to compare it with
            }
            explain.stepf("4. score", "a %d-bin histogram over the true range (fine enough for %d bits) ranks the "
                    + "candidates; %s", bins, bitwidth, finalists.length == 1
                            ? "its best is " + base(symmetric) + " encoding itself"
                            : "its " + (finalists.length - 1) + " best and " + base(symmetric) + " are re-scored exactly on the "
                                    + n + " values");
        }
        return pick(candidates, cost, bitwidth, explain);
    }

    /**
     * The enhanced encoding from a histogram of streamed data (calibration) whose true range is
     * [trueMin, trueMax]; the histogram's edge bins may reach beyond it. The histogram score decides.
     */
    public Encoding fromHistogram(Histogram h, double trueMin, double trueMax, int bitwidth, EncoderOptions options,
                                  Explanation explain) {
        Encoding.checkIntBitwidth(bitwidth);
        explain.stepf("1. true range", "min = %.6g, max = %.6g", trueMin, trueMax);
        TfRange base = TfRange.of(trueMin, trueMax, options.minRange(), explain, 2);
        List<Encoding> candidates = candidates(base, bitwidth, options);
        double[] cost = new double[candidates.size()];
        scoreOnHistogram(h, trueMin, trueMax, candidates, cost);
        explain.stepf("4. score", "on the streamed %d-bin histogram over [%.6g, %.6g], %.0f values", h.bins(), h.min(),
                h.max(), h.total());
        return pick(candidates, cost, bitwidth, explain);
    }

    /** Histogram bins for scoring at {@code bitwidth}: 2^(bw+1) (≤ 65 536, ≤ n), at least the bins setting. */
    static int binsFor(int bitwidth, EncoderOptions options, int n) {
        int fine = Math.min(MAX_BINS, 2 << Math.min(bitwidth, 15));
        return Math.max(options.bins(), Math.min(fine, n));
    }

    private static void scoreOnHistogram(Histogram h, double trueMin, double trueMax, List<Encoding> candidates, double[] cost) {
        ClippingCost.OverHistogram model = new ClippingCost.OverHistogram(h, trueMin, trueMax);
        for (int c = 0; c < cost.length; c++) {
            cost[c] = model.of(candidates.get(c));
        }
    }

    /**
     * The base encoding (index 0) plus the {@code k} other distinct candidates the histogram ranks cheapest; just
     * {0} when k is 1 and the base encoding ranks first.
     */
    private static int[] finalists(List<Encoding> candidates, double[] cost, int k) {
        Integer[] order = new Integer[cost.length];
        for (int c = 0; c < order.length; c++) {
            order[c] = c;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(cost[a], cost[b])); // stable: ties keep index order
        java.util.Set<Encoding> seen = new java.util.HashSet<>();
        seen.add(candidates.get(0));
        int[] out = new int[Math.min(k, cost.length) + 1];
        int count = 1; // out[0] = 0
        for (int i = 0; i < order.length && count <= k; i++) {
            int c = order[i];
            if (c == 0) {
                if (k == 1 && count == 1) {
                    break;
                }
            } else if (seen.add(candidates.get(c))) {
                out[count++] = c;
            }
        }
        return java.util.Arrays.copyOf(out, count);
    }

    private static int cheapest(double[] cost) {
        int best = 0;
        for (int c = 1; c < cost.length; c++) {
            if (cost[c] < cost[best]) {
                best = c;
            }
        }
        return best;
    }

    private static String base(boolean symmetric) {
        return symmetric ? "plain symmetric's" : "tf's";
    }

    private Encoding pick(List<Encoding> candidates, double[] cost, int bitwidth, Explanation explain) {
        int best = cheapest(cost);
        Encoding base = candidates.get(0);
        if (symmetric) {
            explain.stepf("5. candidates", "%d symmetric candidates: absmax·1/100 … 101/100 (absmax = %.6g), plus plain "
                    + "symmetric's; each with the minimum range and exact zero", candidates.size(), base.max());
        } else {
            explain.stepf("5. candidates", "%d candidates: %d step sizes (Δmax·1/16 … 17/16, Δmax = %.6g) × %d offsets, "
                    + "plus tf's encoding; each with tf's minimum-range and zero rules", candidates.size(), STEP_FACTORS,
                    base.scale(), OFFSETS);
        }
        Encoding e = candidates.get(best);
        explain.stepf("6. best candidate", "%s: scale %.7g, offset %d, encoding range [%.6f, %.6f]; cost %.6g vs %s %.6g "
                        + "(cost = %.1f·clipping² + rounding², per value)",
                best == 0 ? (symmetric ? "plain symmetric's range kept" : "tf's range kept") : "a narrower range",
                e.scale(), e.zeroPoint(), e.min(), e.max(), cost[best], symmetric ? "plain symmetric's" : "tf's",
                cost[0], GAMMA);
        return e;
    }

    /** Candidate encodings, tf's (or plain symmetric's) first. */
    private List<Encoding> candidates(TfRange base, int bitwidth, EncoderOptions options) {
        List<Encoding> out = new ArrayList<>(symmetric ? SYMMETRIC_FACTORS + 1 : STEP_FACTORS * OFFSETS + 1);
        if (symmetric) {
            double absMax = base.absMax();
            out.add(Encoding.symmetricFromAbsMax(bitwidth, absMax));
            for (int f = 1; f <= SYMMETRIC_FACTORS; f++) {
                double a = absMax * f / 100.0;
                out.add(SymmetricEncoder.fromTrueRange(-a, a, bitwidth, options, Explanation.NONE));
            }
            return out;
        }
        double minVal = base.min();
        double maxVal = base.max();
        long q = Encoding.qmax(bitwidth);
        double deltaMax = (maxVal - minVal) / q;
        out.add(base.encoding(bitwidth));
        for (int f = 1; f <= STEP_FACTORS; f++) {
            double delta = deltaMax * f / 16.0;
            for (int k = 0; k < OFFSETS; k++) {
                double offset = -q + (double) q * k / (OFFSETS - 1); // evenly from -(2^bw-1) to 0
                double cMin = Math.max(minVal, delta * offset);
                double cMax = Math.min(maxVal, cMin + delta * q);
                out.add(TfRange.of(cMin, cMax, options.minRange()).encoding(bitwidth));
            }
        }
        return out;
    }
}
