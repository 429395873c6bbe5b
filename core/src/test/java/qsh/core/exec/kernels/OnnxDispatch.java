package qsh.core.exec.kernels;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import qsh.core.tensor.Tensor;

/** Test-only mapping from an ONNX node (attributes + inputs) to the kernel calls. */
final class OnnxDispatch {
    private OnnxDispatch() {
    }

    static int[] ints(Map<String, Object> a, String k) {
        Object v = a.get(k);
        if (v == null) {
            return null;
        }
        long[] l = (long[]) v;
        int[] r = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            r[i] = (int) l[i];
        }
        return r;
    }

    static long i(Map<String, Object> a, String k, long def) {
        Object v = a.get(k);
        return v == null ? def : (Long) v;
    }

    static float f(Map<String, Object> a, String k, float def) {
        Object v = a.get(k);
        return v == null ? def : (Float) v;
    }

    static String s(Map<String, Object> a, String k, String def) {
        Object v = a.get(k);
        return v == null ? def : (String) v;
    }

    private static void only(Map<String, Object> a, Set<String> supported) {
        for (String k : a.keySet()) {
            if (!supported.contains(k)) {
                Assumptions.abort("attribute " + k + " not handled by the kernels");
            }
        }
    }

    static Tensor run(OnnxNodeData.Node node, List<Tensor> in) {
        Map<String, Object> a = node.attrs();
        Tensor x = in.get(0);
        int r = x.rank() - 2;
        switch (node.opType()) {
            case "Conv", "ConvTranspose", "MaxPool", "AveragePool" -> {
                if (r < 1 || r > 2) {
                    Assumptions.abort(r + "-D spatial not supported");
                }
            }
            default -> {
            }
        }
        switch (node.opType()) {
            case "Conv": {
                only(a, Set.of("auto_pad", "pads", "strides", "dilations", "group", "kernel_shape"));
                int[] k = java.util.Arrays.copyOfRange(in.get(1).shape(), 2, in.get(1).rank());
                int[] pads = ConvGeometry.resolvePads(s(a, "auto_pad", "NOTSET"), java.util.Arrays.copyOfRange(x.shape(), 2,
                        x.rank()), k, ints(a, "strides"), ints(a, "dilations"), ints(a, "pads"));
                return Conv.conv(x, in.get(1), in.size() > 2 ? in.get(2) : null, ints(a, "strides"), pads,
                        ints(a, "dilations"), (int) i(a, "group", 1));
            }
            case "ConvTranspose": {
                only(a, Set.of("auto_pad", "pads", "strides", "dilations", "group", "kernel_shape", "output_padding",
                        "output_shape"));
                int[] k = java.util.Arrays.copyOfRange(in.get(1).shape(), 2, in.get(1).rank());
                int[] pads = ConvTranspose.resolvePads(s(a, "auto_pad", "NOTSET"), java.util.Arrays.copyOfRange(x.shape(),
                        2, x.rank()), k, ints(a, "strides"), ints(a, "dilations"), ints(a, "output_padding"),
                        ints(a, "pads"), ints(a, "output_shape"));
                return ConvTranspose.convTranspose(x, in.get(1), in.size() > 2 ? in.get(2) : null, ints(a, "strides"), pads,
                        ints(a, "dilations"), (int) i(a, "group", 1), ints(a, "output_padding"), null);
            }
            case "MaxPool":
            case "AveragePool": {
                only(a, Set.of("auto_pad", "pads", "strides", "dilations", "kernel_shape", "ceil_mode",
                        "count_include_pad", "storage_order"));
                if (i(a, "storage_order", 0) != 0) {
                    Assumptions.abort("storage_order");
                }
                int[] k = ints(a, "kernel_shape");
                String ap = s(a, "auto_pad", "NOTSET");
                boolean ceil = i(a, "ceil_mode", 0) != 0;
                int[] pads = ConvGeometry.resolvePads(ap, java.util.Arrays.copyOfRange(x.shape(), 2, x.rank()), k,
                        ints(a, "strides"), ints(a, "dilations"), ints(a, "pads"));
                return node.opType().equals("MaxPool")
                        ? Pool.maxPool(x, k, ints(a, "strides"), pads, ints(a, "dilations"), ceil)
                        : (a.containsKey("dilations") ? abortT("AveragePool dilations")
                        : Pool.averagePool(x, k, ints(a, "strides"), pads, i(a, "count_include_pad", 0) != 0, ceil));
            }
            case "GlobalAveragePool":
                return Pool.globalAveragePool(x);
            case "GlobalMaxPool":
                return Pool.globalMaxPool(x);
            case "BatchNormalization":
                only(a, Set.of("epsilon", "momentum", "training_mode"));
                if (i(a, "training_mode", 0) != 0) {
                    Assumptions.abort("training_mode");
                }
                return BatchNorm.inference(x, in.get(1), in.get(2), in.get(3), in.get(4), f(a, "epsilon", 1e-5f));
            case "Softmax":
            case "LogSoftmax": {
                boolean log = node.opType().equals("LogSoftmax");
                if (node.opset() >= 13) {
                    int axis = (int) i(a, "axis", -1);
                    return log ? Softmax.logSoftmax(x, axis) : Softmax.softmax(x, axis);
                }
                int axis = (int) i(a, "axis", 1);
                return log ? Softmax.logSoftmaxCoerced2d(x, axis) : Softmax.softmaxCoerced2d(x, axis);
            }
            case "Gemm":
                return Gemm.gemm(x, in.get(1), in.size() > 2 ? in.get(2) : null, f(a, "alpha", 1f), f(a, "beta", 1f),
                        i(a, "transA", 0) != 0, i(a, "transB", 0) != 0);
            case "MatMul":
                return MatMul.matmul(x, in.get(1));
            case "Pad": {
                only(a, Set.of("mode", "pads", "value"));
                int[] pads = node.opset() >= 11 ? toInts(in.get(1)) : ints(a, "pads");
                float v = node.opset() >= 11 ? (in.size() > 2 && in.get(2).size() > 0 ? in.get(2).get(0) : 0f)
                        : f(a, "value", 0f);
                if (node.opset() >= 11 && in.size() > 3) {
                    Assumptions.abort("Pad axes input");
                }
                return Pad.pad(x, pads, s(a, "mode", "constant"), v);
            }
            case "Resize": {
                only(a, Set.of("mode", "coordinate_transformation_mode", "nearest_mode", "cubic_coeff_a",
                        "exclude_outside"));
                if (node.opset() < 11) {
                    Assumptions.abort("Resize opset < 11");
                }
                String ct = s(a, "coordinate_transformation_mode", "half_pixel");
                if (ct.equals("tf_crop_and_resize")) {
                    Assumptions.abort("tf_crop_and_resize");
                }
                // test data holds only the non-empty node inputs, in order
                Tensor[] slot = new Tensor[4];
                int next = 0;
                for (int k = 0; k < node.inputs().size() && k < 4; k++) {
                    if (!node.inputs().get(k).isEmpty()) {
                        slot[k] = in.get(next++);
                    }
                }
                Tensor scales = slot[2];
                Tensor sizes = slot[3];
                float[] sc = scales != null && scales.size() > 0 ? scales.data() : null;
                int[] out = Resize.outputShape(x.shape(), sc, sizes != null && sizes.size() > 0 ? toInts(sizes) : null);
                return Resize.resize(x, out, sc, s(a, "mode", "nearest"), ct, s(a, "nearest_mode", "round_prefer_floor"),
                        f(a, "cubic_coeff_a", -0.75f), i(a, "exclude_outside", 0) != 0);
            }
            default:
                throw new IllegalStateException(node.opType());
        }
    }

    private static Tensor abortT(String why) {
        Assumptions.abort(why);
        return null;
    }

    private static int[] toInts(Tensor t) {
        int[] r = new int[t.size()];
        for (int k = 0; k < r.length; k++) {
            r[k] = (int) t.get(k);
        }
        return r;
    }
}
