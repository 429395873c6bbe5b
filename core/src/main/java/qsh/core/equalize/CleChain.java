package qsh.core.equalize;

import java.util.List;

/**
 * One single-branch chain CLE can equalize: two convs (a pair) or conv → depthwise conv → conv (a triplet).
 *
 * @param layers      the Conv node names, 2 or 3, in data-flow order
 * @param activations per link k (layers[k] → layers[k+1]): "Relu", or "" for none
 * @param batchNorms  per link k: the BatchNormalization node still between them, or "" when folded or absent
 */
public record CleChain(List<String> layers, List<String> activations, List<String> batchNorms) {
    /** Whether this is a conv → depthwise → conv triplet. */
    public boolean isTriplet() {
        return layers.size() == 3;
    }

    /** Whether any batch norm still sits inside the chain (CLE needs them folded first). */
    public boolean hasBatchNorm() {
        return batchNorms.stream().anyMatch(b -> !b.isEmpty());
    }

    /** "A → B → C". */
    public String describe() {
        return String.join(" → ", layers);
    }
}
