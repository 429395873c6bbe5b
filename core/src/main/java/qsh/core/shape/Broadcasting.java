package qsh.core.shape;

import java.util.Arrays;
import qsh.core.graph.Node;

/**
 * Shapes under NumPy multidirectional broadcasting (ONNX "Broadcasting in ONNX"), shared by the element-wise
 * kernels and static shape inference.
 */
public final class Broadcasting {
    private Broadcasting() {}

    /** The broadcast shape of {@code a} and {@code b}, or an error naming both shapes. */
    public static int[] shape(int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1;
            int db = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * B's shape as numpy broadcasting must see it for an op in the pre-opset-7 form (Add-1/6 and the other
     * arithmetic ops): with broadcast=1 and an axis, B's dimensions sit at A's {@code axis}, so B gets trailing
     * 1-dimensions up to A's rank; any other node keeps B's shape.
     */
    public static int[] legacyOperandShape(Node n, int rankA, int[] b) {
        if (n.attrInt("broadcast", 0) == 0 || !n.hasAttr("axis")) {
            return b;
        }
        long axis = n.attrInt("axis", 0);
        int trailing = rankA - (int) (axis < 0 ? axis + rankA : axis) - b.length;
        if (trailing < 0) {
            throw new IllegalArgumentException("B of shape " + Arrays.toString(b) + " does not fit at axis " + axis
                    + " of a rank-" + rankA + " A");
        }
        int[] out = Arrays.copyOf(b, b.length + trailing);
        Arrays.fill(out, b.length, out.length, 1);
        return out;
    }
}
