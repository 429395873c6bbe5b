package qsh.core.shape;

import java.util.Arrays;
import java.util.stream.IntStream;
import qsh.core.graph.Node;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.Tensor;

/**
 * Shape rules of the data-movement ops (Concat, Reshape, Transpose, Squeeze, Unsqueeze, Gather, Slice) and the
 * helpers all rules share; see {@link ShapeRules}.
 */
public final class ShapeOpRules {
    private ShapeOpRules() {}

    /** Concat-1's axis defaulted to 1; from Concat-4 the attribute is required. */
    static int concatDefaultAxis(long opset) {
        return opset < 4 ? 1 : 0;
    }

    static int[] concat(Node n, int[][] in, long opset) {
        int[] first = null;
        int axis = 0;
        int total = 0;
        for (int i = 0; i < in.length; i++) {
            if (n.input(i).isEmpty()) {
                continue;
            }
            if (in[i] == null) {
                return null;
            }
            if (first == null) {
                first = in[i];
                axis = axis((int) n.attrInt("axis", concatDefaultAxis(opset)), first.length);
            } else if (in[i].length != first.length) {
                throw new IllegalArgumentException("Concat inputs have ranks " + first.length + " and " + in[i].length);
            }
            for (int d = 0; d < first.length; d++) {
                if (d != axis && in[i][d] != first[d]) {
                    throw new IllegalArgumentException("Concat inputs " + Arrays.toString(first) + " and "
                            + Arrays.toString(in[i]) + " differ outside axis " + axis);
                }
            }
            total = Math.addExact(total, in[i][axis]);
        }
        if (first == null) {
            return null;
        }
        int[] out = first.clone();
        out[axis] = total;
        return out;
    }

    static int[] reshape(Node n, int[][] in, Object[] vals, long opset) {
        int[] target = n.hasAttr("shape") ? n.attrInts("shape") : vals.length > 1 && vals[1] != null ? ints(vals[1]) : null;
        if (!need(in, 0) || target == null) {
            return null;
        }
        boolean allowZero = n.attrInt("allowzero", 0) != 0;
        int[] out = target.clone();
        long known = 1;
        int infer = -1;
        long total = Tensor.checkedSize(in[0]);
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0 && !allowZero) {
                if (i >= in[0].length) {
                    throw new IllegalArgumentException("Reshape target " + Arrays.toString(target) + " copies axis " + i
                            + " that " + Arrays.toString(in[0]) + " does not have");
                }
                out[i] = in[0][i];
            }
            if (out[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("Reshape target " + Arrays.toString(target) + " has more than one -1");
                }
                infer = i;
            } else if (out[i] < 0) {
                throw new IllegalArgumentException("Reshape target " + Arrays.toString(target) + " has a negative size");
            } else {
                known *= out[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || total % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + Arrays.toString(in[0]) + " to " + Arrays.toString(target));
            }
            out[infer] = (int) (total / known);
        }
        if (Tensor.checkedSize(out) != total) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(in[0]) + " to " + Arrays.toString(target));
        }
        return out;
    }

    static int[] transpose(Node n, int[] x) {
        int[] perm = n.attrInts("perm");
        int[] out = new int[x.length];
        if (perm != null && perm.length != x.length) {
            throw new IllegalArgumentException("Transpose perm " + Arrays.toString(perm) + " does not fit " + Arrays.toString(x));
        }
        for (int i = 0; i < x.length; i++) {
            out[i] = x[perm == null ? x.length - 1 - i : axis(perm[i], x.length)];
        }
        return out;
    }

    static int[] squeeze(Node n, int[][] in, Object[] vals, long opset) {
        if (!need(in, 0)) {
            return null;
        }
        boolean attr = n.hasAttr("axes"); // Squeeze-1/11 attribute, Squeeze-13 optional input
        int[] axes = attr ? n.attrInts("axes") : in.length > 1 && !n.input(1).isEmpty() ? valueOrNull(vals[1]) : null;
        if (!attr && in.length > 1 && !n.input(1).isEmpty() && axes == null) {
            return null;
        }
        int[] s = in[0];
        boolean[] drop = new boolean[s.length];
        if (axes == null) {
            for (int i = 0; i < s.length; i++) {
                drop[i] = s[i] == 1;
            }
        } else {
            for (int a : axes) {
                int ax = axis(a, s.length);
                if (s[ax] != 1) {
                    throw new IllegalArgumentException("cannot squeeze axis " + ax + " of length " + s[ax]);
                }
                drop[ax] = true;
            }
        }
        return keep(s, drop);
    }

    static int[] unsqueeze(Node n, int[][] in, Object[] vals, long opset) {
        int[] axes = n.hasAttr("axes") ? n.attrInts("axes") : in.length > 1 ? valueOrNull(vals[1]) : null;
        if (!need(in, 0) || axes == null) {
            return null;
        }
        int r = in[0].length + axes.length;
        boolean[] inserted = new boolean[r];
        for (int a : axes) {
            int ax = axis(a, r);
            if (inserted[ax]) {
                throw new IllegalArgumentException("Unsqueeze axes " + Arrays.toString(axes) + " repeat axis " + ax);
            }
            inserted[ax] = true;
        }
        int[] out = new int[r];
        for (int i = 0, k = 0; i < r; i++) {
            out[i] = inserted[i] ? 1 : in[0][k++];
        }
        return out;
    }

    static int[] gather(Node n, int[] data, int[] idx) {
        int ax = axis((int) n.attrInt("axis", 0), data.length);
        int[] out = new int[data.length - 1 + idx.length];
        int k = 0;
        for (int i = 0; i < ax; i++) {
            out[k++] = data[i];
        }
        for (int d : idx) {
            out[k++] = d;
        }
        for (int i = ax + 1; i < data.length; i++) {
            out[k++] = data[i];
        }
        return out;
    }

    /** Slice lengths with ONNX clamping (starts/ends past the axis clamp to it; negative steps count down). */
    static int[] slice(Node n, int[][] in, Object[] vals, long opset) {
        if (!need(in, 0)) {
            return null;
        }
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps = null;
        if (n.hasAttr("starts")) { // Slice-1 attributes; Slice-10 inputs
            starts = longs(n.attrInts("starts"));
            ends = longs(n.attrInts("ends"));
            axes = n.hasAttr("axes") ? longs(n.attrInts("axes")) : null;
        } else {
            if (vals.length < 3 || vals[1] == null || vals[2] == null) {
                return null;
            }
            starts = longValues(vals[1]);
            ends = longValues(vals[2]);
            axes = vals.length > 3 && !n.input(3).isEmpty() ? longValuesOrNull(vals[3]) : null;
            steps = vals.length > 4 && !n.input(4).isEmpty() ? longValuesOrNull(vals[4]) : null;
            if (axes == null && vals.length > 3 && !n.input(3).isEmpty() || steps == null && vals.length > 4
                    && !n.input(4).isEmpty()) {
                return null;
            }
        }
        if (starts == null || ends == null || starts.length != ends.length) {
            throw new IllegalArgumentException("Slice starts and ends must have the same length");
        }
        int[] s = in[0];
        int[] out = s.clone();
        for (int k = 0; k < starts.length; k++) {
            int ax = axes == null ? k : axis((int) axes[k], s.length);
            long step = steps == null ? 1 : steps[k];
            out[ax] = (int) SliceRange.of(s[ax], starts[k], ends[k], step).length();
        }
        return out;
    }

    /** The first axis a Shape node reports (its start attribute, clamped). */
    public static int shapeStart(Node n, int rank) {
        int start = (int) n.attrInt("start", 0);
        return Math.max(0, Math.min(rank, start < 0 ? start + rank : start));
    }

    static int[] keep(int[] s, boolean[] drop) {
        return IntStream.range(0, s.length).filter(i -> !drop[i]).map(i -> s[i]).toArray();
    }

    static int axis(int a, int rank) {
        int ax = a < 0 ? a + rank : a;
        if (ax < 0 || ax >= rank) {
            throw new IllegalArgumentException("axis " + a + " is out of range for rank " + rank);
        }
        return ax;
    }

    static int[] valueOrNull(Object v) {
        return v == null ? null : ints(v);
    }

    /** A known value as ints (int64 values, or float values truncated as the executor's ShapeOps.ints does). */
    static int[] ints(Object v) {
        if (v instanceof LongTensor l) {
            long[] d = l.data();
            int[] r = new int[d.length];
            for (int i = 0; i < d.length; i++) {
                r[i] = Math.toIntExact(d[i]);
            }
            return r;
        }
        float[] f = ((Tensor) v).data();
        int[] r = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            r[i] = (int) f[i];
        }
        return r;
    }

    private static long[] longValues(Object v) {
        if (!(v instanceof LongTensor)) {
            throw new IllegalArgumentException("Slice starts/ends/axes/steps must be integer tensors");
        }
        return ((LongTensor) v).data();
    }

    private static long[] longValuesOrNull(Object v) {
        return v == null ? null : longValues(v);
    }

    private static long[] longs(int[] v) {
        return v == null ? null : Arrays.stream(v).asLongStream().toArray();
    }

    static boolean need(int[][] in, int... idx) {
        for (int i : idx) {
            if (i >= in.length || in[i] == null) {
                return false;
            }
        }
        return true;
    }
}
