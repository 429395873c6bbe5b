package qsh.core.quant;

/**
 * Rounding of x/scale to the grid. HALF_EVEN is the ONNX QuantizeLinear rule (so exported models agree with
 * ONNX Runtime bit for bit) and qsh's default; HALF_AWAY_FROM_ZERO is selectable.
 */
public enum Rounding {
    HALF_EVEN, HALF_AWAY_FROM_ZERO;

    /** Rounds {@code v} to the nearest integer under this rule. */
    public double round(double v) {
        if (this == HALF_EVEN) {
            return Math.rint(v);
        }
        // floor(|v| + 0.5) is wrong for the double just below 0.5 (the sum rounds up to 1.0); |v| - floor(|v|)
        // is exact, so compare the fraction instead.
        double a = Math.abs(v);
        double f = Math.floor(a);
        if (a - f >= 0.5) {
            f += 1;
        }
        return Math.copySign(f, v);
    }
}
