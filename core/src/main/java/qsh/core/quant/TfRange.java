package qsh.core.quant;

/**
 * The spec's two range requirements, in the spec's order (spec "Quantization" → "Details" → "Requirements"),
 * the one place every encoder applies them:
 * <ol>
 *   <li>minimum range first: encoding-max = max(true max, true min + minRange);</li>
 *   <li>then "Cases - Handling 0": strictly positive → encoding-min = 0.0; strictly negative → encoding-max = 0.0;
 *       both signs → unchanged here (the grid then shifts by less than a step, {@link Encoding#fromRange}).</li>
 * </ol>
 * The order matters when the true range is narrower than minRange away from 0: [5.0, 5.00005] becomes
 * [5.0, 5.0001] and then [0, 5.0001] (applying the rules the other way round would give [0, 5.00005]).
 * The result always contains 0 and is at least minRange wide (widening to 0 only grows it).
 *
 * @param min encoding-min before the exact-zero shift (≤ 0)
 * @param max encoding-max before the exact-zero shift (≥ 0, ≥ min + minRange)
 */
public record TfRange(double min, double max) {
    /** The range of the true data range [trueMin, trueMax] under the two rules (no explanation). */
    public static TfRange of(double trueMin, double trueMax, double minRange) {
        return of(trueMin, trueMax, minRange, Explanation.NONE, 2);
    }

    /**
     * The range of [trueMin, trueMax] under the two rules, recorded as steps {@code step} ("minimum range") and
     * {@code step + 1} ("handle zero") so that every encoder's {@code --explain} tells the same order.
     */
    public static TfRange of(double trueMin, double trueMax, double minRange, Explanation explain, int step) {
        if (!(trueMin <= trueMax) || !Double.isFinite(trueMin) || !Double.isFinite(trueMax)) {
            throw new IllegalArgumentException("a true range must be finite with min <= max: [" + trueMin + ", " + trueMax + "]");
        }
        double max = Math.max(trueMax, trueMin + minRange);
        if (explain.enabled()) {
            String m = java.math.BigDecimal.valueOf(minRange).stripTrailingZeros().toPlainString(); // 0.0001, not 1.00000e-04
            explain.stepf(step + ". minimum range", "encoding-max = max(true max, true min + %s) = max(%.6g, %.6g) = %.6g%s",
                    m, trueMax, trueMin + minRange, max, max > trueMax ? " (raised)" : " (unchanged)");
        }
        double min = trueMin;
        if (min > 0) {
            min = 0;
            explain.stepf(step + 1 + ". handle zero", "inputs strictly positive: encoding-min set to 0.0 → [0, %.6g]", max);
        } else if (max < 0) {
            max = 0;
            explain.stepf(step + 1 + ". handle zero", "inputs strictly negative: encoding-max set to 0.0 → [%.6g, 0]", min);
        } else {
            explain.stepf(step + 1 + ". handle zero", "range [%.6g, %.6g] already contains 0", min, max);
        }
        return new TfRange(min, max);
    }

    /** The tf encoding of this range: the grid shifted so that 0.0 is exact ({@link Encoding#fromRange}). */
    public Encoding encoding(int bitwidth) {
        return Encoding.fromRange(bitwidth, min, max);
    }

    /** max(|min|, |max|): the symmetric mode's absmax of this range. */
    public double absMax() {
        return Math.max(-min, max);
    }
}
