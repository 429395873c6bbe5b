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
        return Math.signum(v) * Math.floor(Math.abs(v) + 0.5);
    }
}
