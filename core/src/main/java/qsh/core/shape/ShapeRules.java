package qsh.core.shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import qsh.core.graph.Node;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.Tensor;

/**
 * Output shapes per op, from the input shapes (null = unknown) and the input values known without running
 * (weights, folded constants; null = unknown), following the ONNX operator definitions. A rule returns null for
 * an output it cannot know and throws IllegalArgumentException when the inputs contradict the op.
 */
public final class ShapeRules {
    private ShapeRules() {}

    /** Ops whose single output has the shape of input 0. */
    private static final Set<String> SAME_AS_INPUT = Set.of("Relu", "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Neg",
            "Abs", "Floor", "Ceil", "Reciprocal", "Erf", "HardSwish", "LeakyRelu", "HardSigmoid", "Elu", "Clip",
            "Identity", "Cast", "Softmax", "LogSoftmax", "QuantizeLinear", "DequantizeLinear", "BatchNormalization",
            "Dropout", "LRN", "InstanceNormalization", "PRelu", "Softplus", "Selu", "Sign", "Shrink");
    /** Ops whose output is the multidirectional broadcast of all inputs. */
    private static final Set<String> BROADCAST = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum");

    /** Output shapes of {@code n} (one entry per output; null where unknown). */
    public static int[][] outputs(Node n, int[][] in, Object[] vals, long opset) {
        int outs = n.outputs().size();
        int[][] r = new int[outs][];
        if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) {
            return r;
        }
        String op = n.opType();
        if (SAME_AS_INPUT.contains(op)) {
            if (in.length > 0 && in[0] != null) {
                Arrays.fill(r, in[0]); // Dropout's mask and BatchNormalization's first output alike
                if (op.equals("BatchNormalization") && outs > 1) {
                    Arrays.fill(r, 1, outs, null); // training outputs: not computed by qsh
                }
            }
            return r;
        }
        if (BROADCAST.contains(op)) {
            int[] s = new int[0];
            for (int i = 0; i < in.length; i++) {
                int[] x = in[i];
                if (x == null) {
                    return r;
                }
                // Add-1/6 etc. with broadcast=1 and axis: B aligned at A's axis (no-op for any other node)
                s = broadcast(s, i == 1 ? Broadcasting.legacyOperandShape(n, in[0].length, x) : x);
            }
            r[0] = s;
            return r;
        }
        if (SplitTileReduceRules.OPS.contains(op)) {
            return SplitTileReduceRules.outputs(n, in, vals, opset, r);
        }
        r[0] = single(n, op, in, vals, opset);
        if (op.equals("MaxPool") && outs > 1) {
            r[1] = r[0];
        }
        return r;
    }

    private static int[] single(Node n, String op, int[][] in, Object[] vals, long opset) {
        switch (op) {
            case "Conv":
                return ShapeOpRules.need(in, 0, 1) ? conv(n, in[0], in[1]) : null;
            case "ConvTranspose":
                return ShapeOpRules.need(in, 0, 1) ? convTranspose(n, in[0], in[1]) : null;
            case "MaxPool":
            case "AveragePool":
                return ShapeOpRules.need(in, 0) ? pool(n, in[0]) : null;
            case "GlobalAveragePool":
            case "GlobalMaxPool": {
                if (!ShapeOpRules.need(in, 0)) {
                    return null;
                }
                rank(in[0], 3, op);
                int[] s = in[0].clone();
                Arrays.fill(s, 2, s.length, 1);
                return s;
            }
            case "Gemm":
                return ShapeOpRules.need(in, 0, 1) ? gemm(n, in) : null;
            case "MatMul":
                return ShapeOpRules.need(in, 0, 1) ? matmul(in[0], in[1]) : null;
            case "Concat":
                return ShapeOpRules.concat(n, in, opset);
            case "Reshape":
                return ShapeOpRules.reshape(n, in, vals, opset);
            case "Flatten": {
                if (!ShapeOpRules.need(in, 0)) {
                    return null;
                }
                int r = in[0].length;
                int a = (int) n.attrInt("axis", 1);
                int axis = a < 0 ? a + r : a;
                if (axis < 0 || axis > r) {
                    throw new IllegalArgumentException("Flatten axis " + a + " is out of range for rank " + r);
                }
                return new int[] {product(in[0], 0, axis), product(in[0], axis, r)};
            }
            case "Transpose":
                return ShapeOpRules.need(in, 0) ? ShapeOpRules.transpose(n, in[0]) : null;
            case "Squeeze":
                return ShapeOpRules.squeeze(n, in, vals, opset);
            case "Unsqueeze":
                return ShapeOpRules.unsqueeze(n, in, vals, opset);
            case "Shape": {
                if (!ShapeOpRules.need(in, 0)) {
                    return null;
                }
                int start = ShapeOpRules.shapeStart(n, in[0].length);
                int end = (int) n.attrInt("end", in[0].length);
                end = Math.max(start, Math.min(in[0].length, end < 0 ? end + in[0].length : end));
                return new int[] {end - start};
            }
            case "Gather":
                return ShapeOpRules.need(in, 0, 1) ? ShapeOpRules.gather(n, in[0], in[1]) : null;
            case "Slice":
                return ShapeOpRules.slice(n, in, vals, opset);
            case "ConstantOfShape":
                return vals.length > 0 && vals[0] != null ? ShapeOpRules.ints(vals[0]) : null;
            case "Expand":
                return ShapeOpRules.need(in, 0) && vals.length > 1 && vals[1] != null ? broadcast(in[0], ShapeOpRules.ints(vals[1])) : null;
            case "Resize":
            case "Upsample":
                return resize(n, op, in, vals, opset);
            case "Pad":
                return pad(n, in, vals, opset);
            case "ReduceMean":
                return reduce(n, in, vals, opset);
            case "Constant":
                return n.attributes().containsKey("value") ? Arrays.stream(n.attributes().get("value").getT()
                        .getDimsList().stream().mapToLong(Long::longValue).toArray()).mapToInt(Math::toIntExact).toArray()
                        : null;
            default:
                return null;
        }
    }


    private static void rank(int[] s, int min, String what) {
        if (s.length < min) {
            throw new IllegalArgumentException(what + " needs rank >= " + min + ", got " + Arrays.toString(s));
        }
    }

    /** Multidirectional (NumPy) broadcasting: the executor's rule. */
    static int[] broadcast(int[] a, int[] b) {
        return Broadcasting.shape(a, b);
    }

    private static int[] conv(Node n, int[] x, int[] w) {
        rank(x, 3, "Conv X");
        if (w.length != x.length) {
            throw new IllegalArgumentException("Conv W " + Arrays.toString(w) + " must have the rank of X " + Arrays.toString(x));
        }
        int group = (int) n.attrInt("group", 1);
        if (group < 1 || x[1] != w[1] * group || w[0] % group != 0) {
            throw new IllegalArgumentException("Conv X " + Arrays.toString(x) + " has " + x[1] + " channels but W "
                    + Arrays.toString(w) + " with group " + group + " needs " + (long) w[1] * group);
        }
        int sp = x.length - 2;
        checkGeometry(n, sp);
        int[] inSp = Arrays.copyOfRange(x, 2, x.length);
        int[] kernel = n.hasAttr("kernel_shape") ? n.attrInts("kernel_shape") : Arrays.copyOfRange(w, 2, w.length);
        int[] strides = orOnes(n.attrInts("strides"), sp);
        int[] dil = orOnes(n.attrInts("dilations"), sp);
        int[] pads = ConvGeometry.resolvePads(n.attrString("auto_pad", "NOTSET"), inSp, kernel, strides, dil,
                n.attrInts("pads"));
        // pads come from the kernel_shape attribute, the output size from W's kernel, as the executor computes them
        int[] o = ConvGeometry.outputSize(inSp, Arrays.copyOfRange(w, 2, w.length), strides, pads, dil, false);
        return prepend(x[0], w[0], o);
    }

    private static int[] convTranspose(Node n, int[] x, int[] w) {
        rank(x, 3, "ConvTranspose X");
        int group = (int) n.attrInt("group", 1);
        if (w.length != x.length || w[0] != x[1]) {
            throw new IllegalArgumentException("ConvTranspose W " + Arrays.toString(w) + " does not fit X " + Arrays.toString(x)
                    + " (need W[0] = C)");
        }
        int sp = x.length - 2;
        checkGeometry(n, sp);
        int[] inSp = Arrays.copyOfRange(x, 2, x.length);
        int[] kernel = n.hasAttr("kernel_shape") ? n.attrInts("kernel_shape") : Arrays.copyOfRange(w, 2, w.length);
        int[] strides = orOnes(n.attrInts("strides"), sp);
        int[] dil = orOnes(n.attrInts("dilations"), sp);
        int[] outPad = n.attrInts("output_padding") == null ? new int[sp] : n.attrInts("output_padding");
        int[] outShape = n.attrInts("output_shape");
        int m = w[1] * group;
        if (outShape != null) {
            return prepend(x[0], m, Arrays.copyOfRange(outShape, outShape.length - sp, outShape.length));
        }
        String autoPad = n.attrString("auto_pad", "NOTSET");
        int[] pads = n.attrInts("pads");
        pads = autoPad.equals("NOTSET") && pads != null ? pads
                : ConvGeometry.transposePads(autoPad, inSp, kernel, strides, dil, outPad, pads, null);
        int[] o = new int[sp];
        for (int d = 0; d < sp; d++) {
            o[d] = strides[d] * (inSp[d] - 1) + outPad[d] + (w[d + 2] - 1) * dil[d] + 1 - pads[d] - pads[d + sp];
            if (o[d] <= 0) {
                throw new IllegalArgumentException("ConvTranspose output size " + o[d] + " on spatial axis " + d);
            }
        }
        return prepend(x[0], m, o);
    }

    private static int[] pool(Node n, int[] x) {
        rank(x, 3, n.opType() + " X");
        int sp = x.length - 2;
        checkGeometry(n, sp);
        int[] inSp = Arrays.copyOfRange(x, 2, x.length);
        int[] k = n.attrInts("kernel_shape");
        if (k == null || k.length != sp) {
            throw new IllegalArgumentException("kernel_shape " + Arrays.toString(k) + " needs one entry per spatial axis");
        }
        int[] strides = orOnes(n.attrInts("strides"), sp);
        int[] dil = n.opType().equals("MaxPool") ? orOnes(n.attrInts("dilations"), sp) : orOnes(null, sp);
        int[] pads = ConvGeometry.resolvePads(n.attrString("auto_pad", "NOTSET"), inSp, k, strides, dil, n.attrInts("pads"));
        int[] o = ConvGeometry.outputSize(inSp, k, strides, pads, dil, n.attrInt("ceil_mode", 0) != 0);
        return prepend(x[0], x[1], o);
    }

    private static int[] gemm(Node n, int[][] in) {
        int[] a = in[0];
        int[] b = in[1];
        if (a.length != 2 || b.length != 2) {
            throw new IllegalArgumentException("Gemm needs 2-D A and B, got " + Arrays.toString(a) + " and " + Arrays.toString(b));
        }
        boolean ta = n.attrInt("transA", 0) != 0;
        boolean tb = n.attrInt("transB", 0) != 0;
        int m = ta ? a[1] : a[0];
        int k = ta ? a[0] : a[1];
        int kb = tb ? b[1] : b[0];
        int nn = tb ? b[0] : b[1];
        if (k != kb) {
            throw new IllegalArgumentException("Gemm inner dimensions differ: op(A) " + m + "x" + k + ", op(B) " + kb + "x" + nn);
        }
        int[] out = {m, nn};
        if (in.length > 2 && in[2] != null && !Arrays.equals(broadcast(in[2], out), out)) {
            throw new IllegalArgumentException("Gemm C " + Arrays.toString(in[2]) + " does not broadcast to " + Arrays.toString(out));
        }
        return out;
    }

    /** numpy.matmul: 1-D operands are promoted and the added axis removed; batch axes broadcast. */
    private static int[] matmul(int[] a, int[] b) {
        if (a.length == 0 || b.length == 0) {
            throw new IllegalArgumentException("MatMul of a scalar");
        }
        int[] a2 = a.length == 1 ? new int[] {1, a[0]} : a;
        int[] b2 = b.length == 1 ? new int[] {b[0], 1} : b;
        if (a2[a2.length - 1] != b2[b2.length - 2]) {
            throw new IllegalArgumentException("MatMul inner dimensions differ: " + Arrays.toString(a) + " @ " + Arrays.toString(b));
        }
        int[] batch = broadcast(Arrays.copyOf(a2, a2.length - 2), Arrays.copyOf(b2, b2.length - 2));
        List<Integer> out = new ArrayList<>();
        for (int d : batch) {
            out.add(d);
        }
        if (a.length > 1) {
            out.add(a2[a2.length - 2]);
        }
        if (b.length > 1) {
            out.add(b2[b2.length - 1]);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }








    private static int[] resize(Node n, String op, int[][] in, Object[] vals, long opset) {
        if (!ShapeOpRules.need(in, 0)) {
            return null;
        }
        float[] scales = null;
        int[] sizes = null;
        if (op.equals("Upsample") && (n.hasAttr("scales") || n.hasAttr("height_scale"))) { // Upsample-1/7 attributes
            scales = n.hasAttr("scales") ? n.attrFloats("scales")
                    : new float[] {1, 1, n.attrFloat("height_scale", 1f), n.attrFloat("width_scale", 1f)};
        } else if (op.equals("Upsample") || opset < 11) {
            if (vals.length < 2 || !(vals[1] instanceof Tensor)) {
                return null;
            }
            scales = ((Tensor) vals[1]).data();
        } else {
            boolean hasScales = vals.length > 2 && !n.input(2).isEmpty();
            boolean hasSizes = vals.length > 3 && !n.input(3).isEmpty();
            if (hasScales && vals[2] == null && (in[2] == null || Tensor.checkedSize(in[2]) != 0)
                    || hasSizes && vals[3] == null) {
                return null;
            }
            if (hasScales && vals[2] instanceof Tensor t && t.size() > 0) {
                scales = t.data();
            }
            if (hasSizes && Tensor.checkedSize(shapeOf(vals[3])) > 0) {
                sizes = ShapeOpRules.ints(vals[3]);
            }
        }
        return ResizeGeometry.outputShape(in[0], scales, sizes);
    }

    private static int[] pad(Node n, int[][] in, Object[] vals, long opset) {
        boolean attrs = n.hasAttr("pads") || n.hasAttr("paddings"); // Pad-1/2 attributes, Pad-11 input
        int[] pads = attrs ? n.attrInts(n.hasAttr("pads") ? "pads" : "paddings")
                : vals.length > 1 ? ShapeOpRules.valueOrNull(vals[1]) : null;
        if (!ShapeOpRules.need(in, 0) || pads == null) {
            return null;
        }
        int r = in[0].length;
        if (pads.length != 2 * r) {
            throw new IllegalArgumentException("Pad pads " + Arrays.toString(pads) + " must have " + 2 * r + " entries");
        }
        int[] out = new int[r];
        for (int d = 0; d < r; d++) {
            out[d] = in[0][d] + pads[d] + pads[d + r];
            if (out[d] < 0) {
                throw new IllegalArgumentException("Pad " + Arrays.toString(pads) + " crops axis " + d + " below zero");
            }
        }
        return out;
    }

    private static int[] reduce(Node n, int[][] in, Object[] vals, long opset) {
        if (!ShapeOpRules.need(in, 0)) {
            return null;
        }
        // axes: attribute (ReduceMean-1..13) or input 1 (ReduceMean-18), whichever form the node has
        boolean attr = n.hasAttr("axes");
        boolean input = !attr && in.length > 1 && !n.input(1).isEmpty();
        int[] axes = attr ? n.attrInts("axes") : input ? ShapeOpRules.valueOrNull(vals[1]) : null;
        if (input && axes == null) {
            return null;
        }
        int[] s = in[0];
        if ((axes == null || axes.length == 0) && !attr && n.attrInt("noop_with_empty_axes", 0) != 0) {
            return s.clone(); // an empty axes input with noop_with_empty_axes: the input passes through
        }
        boolean[] red = new boolean[s.length];
        if (axes == null || axes.length == 0) {
            Arrays.fill(red, true);
        } else {
            for (int a : axes) {
                red[ShapeOpRules.axis(a, s.length)] = true;
            }
        }
        if (n.attrInt("keepdims", 1) != 0) {
            int[] out = s.clone();
            for (int i = 0; i < s.length; i++) {
                if (red[i]) {
                    out[i] = 1;
                }
            }
            return out;
        }
        return ShapeOpRules.keep(s, red);
    }




    private static int product(int[] s, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p *= s[i];
        }
        return Math.toIntExact(p);
    }

    private static int[] prepend(int a, int b, int[] rest) {
        int[] out = new int[rest.length + 2];
        out[0] = a;
        out[1] = b;
        System.arraycopy(rest, 0, out, 2, rest.length);
        return out;
    }

    /**
     * Refuses Conv, ConvTranspose and pooling geometry attributes that do not fit {@code sp} spatial axes (ONNX: one
     * entry per spatial axis, pads two): strides [1] on a 2-D convolution, a zero stride, a negative pad.
     */
    private static void checkGeometry(Node n, int sp) {
        String[][] attrs = {{"strides", "1"}, {"dilations", "1"}, {"kernel_shape", "1"}, {"pads", "0"},
            {"output_padding", "0"}};
        for (String[] a : attrs) {
            long[] v = n.attrLongs(a[0]);
            if (v == null) {
                continue;
            }
            int want = a[0].equals("pads") ? 2 * sp : sp;
            if (v.length != want) {
                throw new IllegalArgumentException(a[0] + " " + Arrays.toString(v) + " must have " + want
                        + " entries (" + (a[0].equals("pads") ? "begin and end for each" : "one per") + " spatial axis)");
            }
            long min = Long.parseLong(a[1]);
            for (long x : v) {
                if (x < min || x > Integer.MAX_VALUE / 2) {
                    throw new IllegalArgumentException(a[0] + " " + Arrays.toString(v) + " must hold values from " + min
                            + " to " + Integer.MAX_VALUE / 2);
                }
            }
        }
    }

    private static int[] orOnes(int[] v, int n) {
        if (v != null && v.length > 0) {
            return v;
        }
        int[] r = new int[n];
        Arrays.fill(r, 1);
        return r;
    }






    /** The shape of a Tensor or LongTensor. */
    public static int[] shapeOf(Object v) {
        return v instanceof Tensor ? ((Tensor) v).shape() : ((LongTensor) v).shape();
    }
}
