package qsh.core.shape;

import java.util.Arrays;
import java.util.Set;
import qsh.core.graph.Node;

/**
 * Output shapes of Split (all its outputs), Tile and ReduceSum, in every opset form the executor runs: Split's
 * sizes as an attribute (before 13), an input (13 on) or num_outputs (18); ReduceSum's axes as an attribute
 * (before 13) or an input (13 on, with noop_with_empty_axes). Null where a needed value is unknown.
 */
final class SplitTileReduceRules {
    private SplitTileReduceRules() {}

    /** The op types these rules cover. */
    static final Set<String> OPS = Set.of("Split", "Tile", "ReduceSum");

    /** Fills {@code r} (one entry per output) for {@code n}, an op of {@link #OPS}. */
    static int[][] outputs(Node n, int[][] in, Object[] vals, long opset, int[][] r) {
        switch (n.opType()) {
            case "Split":
                return split(n, in, vals, opset, r);
            case "Tile":
                r[0] = tile(in, vals);
                return r;
            default:
                r[0] = reduceSum(n, in, vals, opset);
                return r;
        }
    }

    private static int[][] split(Node n, int[][] in, Object[] vals, long opset, int[][] r) {
        if (!ShapeOpRules.need(in, 0)) {
            return r;
        }
        int[] s = in[0];
        int axis = ShapeOpRules.axis((int) n.attrInt("axis", 0), s.length);
        boolean sizeInput = opset >= 13 && in.length > 1 && !n.input(1).isEmpty();
        if (sizeInput && vals[1] == null) {
            return r;
        }
        int[] given = sizeInput ? ShapeOpRules.ints(vals[1]) : n.attrInts("split");
        Long num = n.hasAttr("num_outputs") ? n.attrInt("num_outputs", 0) : null;
        int[] parts = SplitSizes.of(given, num, s[axis], r.length);
        for (int i = 0; i < r.length; i++) {
            r[i] = s.clone();
            r[i][axis] = parts[i];
        }
        return r;
    }

    private static int[] tile(int[][] in, Object[] vals) {
        if (!ShapeOpRules.need(in, 0) || vals.length < 2 || vals[1] == null) {
            return null;
        }
        int[] reps = ShapeOpRules.ints(vals[1]);
        int[] s = in[0];
        if (reps.length != s.length) {
            throw new IllegalArgumentException("Tile repeats " + Arrays.toString(reps) + " must have one entry per axis of "
                    + Arrays.toString(s));
        }
        int[] out = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            if (reps[i] < 0) {
                throw new IllegalArgumentException("Tile repeats " + Arrays.toString(reps) + " must not be negative");
            }
            out[i] = Math.multiplyExact(s[i], reps[i]);
        }
        return out;
    }

    private static int[] reduceSum(Node n, int[][] in, Object[] vals, long opset) {
        if (!ShapeOpRules.need(in, 0)) {
            return null;
        }
        boolean axesInput = opset >= 13 && in.length > 1 && !n.input(1).isEmpty();
        if (axesInput && vals[1] == null) {
            return null;
        }
        int[] axes = opset < 13 ? n.attrInts("axes") : axesInput ? ShapeOpRules.ints(vals[1]) : null;
        int[] s = in[0];
        boolean noAxes = axes == null || axes.length == 0;
        if (noAxes && opset >= 13 && n.attrInt("noop_with_empty_axes", 0) != 0) {
            return s.clone();
        }
        boolean[] red = new boolean[s.length];
        if (noAxes) {
            Arrays.fill(red, true);
        } else {
            for (int a : axes) {
                red[ShapeOpRules.axis(a, s.length)] = true;
            }
        }
        if (n.attrInt("keepdims", 1) == 0) {
            return ShapeOpRules.keep(s, red);
        }
        int[] out = s.clone();
        for (int i = 0; i < s.length; i++) {
            if (red[i]) {
                out[i] = 1;
            }
        }
        return out;
    }
}
