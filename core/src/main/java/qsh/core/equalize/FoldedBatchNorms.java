package qsh.core.equalize;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The β (shift) and γ (scale) of batch norms folded into layers, by the name of the layer they were folded
 * into. High-bias absorption needs them: a folded layer's pre-activation output has per-channel mean ≈ β and
 * standard deviation ≈ |γ| (Nagel et al. 2019, §4.2). Transforms keep them in step with the weights: CLE
 * divides them by the scale it applied to the layer's output channels, absorption subtracts what it absorbed.
 */
public final class FoldedBatchNorms {
    /** No batch-norm data. */
    public static final FoldedBatchNorms EMPTY = new FoldedBatchNorms(Map.of());

    /**
     * One folded batch norm.
     *
     * @param beta  per-channel shift β
     * @param gamma per-channel scale γ
     */
    public record Params(float[] beta, float[] gamma) {}

    private final Map<String, Params> byLayer;

    private FoldedBatchNorms(Map<String, Params> byLayer) {
        this.byLayer = Collections.unmodifiableMap(new LinkedHashMap<>(byLayer));
    }

    /** The data for the layer named {@code layer}, if a batch norm was folded into it. */
    public Optional<Params> get(String layer) {
        return Optional.ofNullable(byLayer.get(layer));
    }

    /** Layer name → data, in folding order. */
    public Map<String, Params> byLayer() {
        return byLayer;
    }

    /** Whether nothing is recorded. */
    public boolean isEmpty() {
        return byLayer.isEmpty();
    }

    /** A copy with {@code params} recorded for {@code layer} (replacing what was there). */
    public FoldedBatchNorms with(String layer, Params params) {
        Map<String, Params> m = new LinkedHashMap<>(byLayer);
        m.put(layer, params);
        return new FoldedBatchNorms(m);
    }

    /** A copy holding these entries and {@code other}'s (other's win on the same layer). */
    public FoldedBatchNorms merge(FoldedBatchNorms other) {
        Map<String, Params> m = new LinkedHashMap<>(byLayer);
        m.putAll(other.byLayer);
        return new FoldedBatchNorms(m);
    }

    /**
     * A copy with every entry of {@code changes} recorded (replacing what was there), in one copy: a pass that
     * changes n layers builds the map once instead of n times (issue 18.7, linear CLE).
     */
    public FoldedBatchNorms withAll(Map<String, Params> changes) {
        if (changes.isEmpty()) {
            return this;
        }
        Map<String, Params> m = new LinkedHashMap<>(byLayer);
        m.putAll(changes);
        return new FoldedBatchNorms(m);
    }

    /**
     * A copy where {@code layer}'s β and γ are divided by {@code scales}: the layer's output channel i was
     * divided by s_i, so its batch-norm statistics were too (algorithms.md, "each divided by the scale applied").
     */
    public FoldedBatchNorms dividedBy(String layer, float[] scales) {
        Params p = byLayer.get(layer);
        return p == null ? this : with(layer, divided(p, scales));
    }

    /** β and γ of {@code p} divided by {@code scales}, channel by channel (see {@link #dividedBy}). */
    public static Params divided(Params p, float[] scales) {
        float[] b = p.beta().clone();
        float[] g = p.gamma().clone();
        for (int i = 0; i < b.length; i++) {
            b[i] /= scales[i];
            g[i] /= scales[i];
        }
        return new Params(b, g);
    }
}
