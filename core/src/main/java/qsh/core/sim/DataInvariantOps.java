package qsh.core.sim;

import java.util.Set;
import qsh.core.graph.Node;

/**
 * Ops that do not change values, only where they are: every output value is a copy of one input value (MaxPool,
 * Reshape, Flatten, Transpose, Squeeze/Unsqueeze, Slice, Gather, Split, Identity, DepthToSpace/SpaceToDepth,
 * Expand, Tile, nearest Resize, …). QNN's quantizer passes the input's encoding on to their outputs (the spec's
 * float fallback "propagating encodings across data invariant Ops"): a value already on the input's grid is on
 * the same grid after the op, so no requantization happens between. Concat is not one of them: its inputs have
 * different ranges and it gets its own encoding. Neither are ops that make new values (AveragePool, linear
 * Resize, Pad's fill value).
 */
public final class DataInvariantOps {
    /** Ops whose input 0 is the data and whose float outputs are copies of its values. */
    private static final Set<String> OPS = Set.of("MaxPool", "GlobalMaxPool", "Reshape", "Flatten", "Transpose",
            "Squeeze", "Unsqueeze", "Slice", "Gather", "GatherElements", "GatherND", "Split", "Identity", "Dropout",
            "DepthToSpace", "SpaceToDepth", "Expand", "Tile");

    private DataInvariantOps() {}

    /**
     * True when {@code n}'s float outputs hold only values of its input 0 (its data): the ops above, and
     * Resize/Upsample in nearest mode (ONNX's default mode for both).
     */
    public static boolean is(Node n) {
        if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) {
            return false;
        }
        String op = n.opType();
        if (op.equals("Resize") || op.equals("Upsample")) {
            return n.attrString("mode", "nearest").equals("nearest");
        }
        return OPS.contains(op);
    }

    /** The data input of a data-invariant op (its input 0), or null when {@code n} is not one. */
    public static String dataInput(Node n) {
        return is(n) && !n.input(0).isEmpty() ? n.input(0) : null;
    }
}
