package qsh.core.exec.ops;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.IntStream;
import qsh.core.exec.kernels.BatchNorm;
import qsh.core.exec.kernels.Buffers;
import qsh.core.exec.kernels.Conv;
import qsh.core.exec.kernels.ConvTranspose;
import qsh.core.exec.kernels.Gemm;
import qsh.core.exec.kernels.MatMul;
import qsh.core.exec.kernels.Pad;
import qsh.core.exec.kernels.Pool;
import qsh.core.exec.kernels.Resize;
import qsh.core.exec.kernels.Softmax;
import qsh.core.graph.Node;
import qsh.core.shape.ConvGeometry;

import qsh.core.shape.ResizeGeometry;
import qsh.core.tensor.Tensor;

/** The compute ops: node attributes resolved here, arithmetic in {@code qsh.core.exec.kernels}. */
final class NeuralOps {
    private NeuralOps() {}

    static void register(Map<String, OpKernel> m) {
        m.put("Conv", (n, in, op) -> {
            Tensor x = f(in[0]);
            Tensor w = f(in[1]);
            int sp = x.rank() - 2;
            int[] kernel = n.hasAttr("kernel_shape") ? n.attrInts("kernel_shape") : spatial(w.shape());
            int[] strides = orOnes(n.attrInts("strides"), sp);
            int[] dil = orOnes(n.attrInts("dilations"), sp);
            int[] pads = ConvGeometry.resolvePads(n.attrString("auto_pad", "NOTSET"), spatial(x.shape()), kernel, strides,
                    dil, n.attrInts("pads"));
            return one(Conv.conv(x, w, in.length > 2 ? (Tensor) in[2] : null, strides, pads, dil, (int) n.attrInt("group", 1)));
        });
        m.put("ConvTranspose", (n, in, op) -> {
            Tensor x = f(in[0]);
            Tensor w = f(in[1]);
            int sp = x.rank() - 2;
            int[] kernel = n.hasAttr("kernel_shape") ? n.attrInts("kernel_shape") : spatial(w.shape());
            int[] strides = orOnes(n.attrInts("strides"), sp);
            int[] dil = orOnes(n.attrInts("dilations"), sp);
            int[] outPad = n.attrInts("output_padding") == null ? new int[sp] : n.attrInts("output_padding");
            int[] outShape = n.attrInts("output_shape");
            String autoPad = n.attrString("auto_pad", "NOTSET");
            int[] pads = n.attrInts("pads");
            if (!autoPad.equals("NOTSET") && outShape == null) {
                pads = ConvGeometry.transposePads(autoPad, spatial(x.shape()), kernel, strides, dil, outPad, pads, null);
            }
            return one(ConvTranspose.convTranspose(x, w, in.length > 2 ? (Tensor) in[2] : null, strides,
                    pads == null ? new int[2 * sp] : pads, dil, (int) n.attrInt("group", 1), outPad, outShape));
        });
        m.put("BatchNormalization", (n, in, op) -> one(BatchNorm.inference(f(in[0]), f(in[1]), f(in[2]), f(in[3]), f(in[4]),
                n.attrFloat("epsilon", 1e-5f))));
        m.put("MaxPool", (n, in, op) -> {
            Tensor x = f(in[0]);
            int sp = x.rank() - 2;
            int[] k = n.attrInts("kernel_shape");
            int[] strides = orOnes(n.attrInts("strides"), sp);
            int[] dil = orOnes(n.attrInts("dilations"), sp);
            boolean ceil = n.attrInt("ceil_mode", 0) != 0;
            int[] pads = poolPads(n, x, k, strides, dil, ceil);
            return one(Pool.maxPool(x, k, strides, pads, dil, ceil));
        });
        m.put("AveragePool", (n, in, op) -> {
            Tensor x = f(in[0]);
            int sp = x.rank() - 2;
            int[] k = n.attrInts("kernel_shape");
            int[] strides = orOnes(n.attrInts("strides"), sp);
            boolean ceil = n.attrInt("ceil_mode", 0) != 0;
            int[] pads = poolPads(n, x, k, strides, orOnes(null, sp), ceil);
            return one(Pool.averagePool(x, k, strides, pads, n.attrInt("count_include_pad", 0) != 0, ceil));
        });
        m.put("GlobalAveragePool", (n, in, op) -> one(Pool.globalAveragePool(f(in[0]))));
        m.put("GlobalMaxPool", (n, in, op) -> one(Pool.globalMaxPool(f(in[0]))));
        m.put("Gemm", (n, in, op) -> one(Gemm.gemm(f(in[0]), f(in[1]), in.length > 2 && in[2] != null ? f(in[2]) : null,
                n.attrFloat("alpha", 1f), n.attrFloat("beta", 1f), n.attrInt("transA", 0) != 0, n.attrInt("transB", 0) != 0)));
        m.put("MatMul", (n, in, op) -> one(MatMul.matmul(f(in[0]), f(in[1]))));
        m.put("Softmax", (n, in, op) -> {
            int axis = (int) n.attrInt("axis", op < 13 ? 1 : -1);
            return one(op < 13 ? Softmax.softmaxCoerced2d(f(in[0]), axis) : Softmax.softmax(f(in[0]), axis));
        });
        m.put("LogSoftmax", (n, in, op) -> {
            int axis = (int) n.attrInt("axis", op < 13 ? 1 : -1);
            return one(op < 13 ? Softmax.logSoftmaxCoerced2d(f(in[0]), axis) : Softmax.logSoftmax(f(in[0]), axis));
        });
        m.put("Resize", (n, in, op) -> resize(n, in, op));
        m.put("Upsample", (n, in, op) -> {
            Tensor x = f(in[0]);
            float[] scales = upsampleScales(n, in);
            return one(Resize.resize(x, ResizeGeometry.outputShape(x.shape(), scales, null), scales, n.attrString("mode", "nearest"),
                    "asymmetric", "floor", -0.75f, false));
        });
        m.put("Pad", (n, in, op) -> {
            // Pad-1 'paddings' / Pad-2 'pads' and 'value' attributes; Pad-11: inputs pads and constant_value
            boolean attrs = n.hasAttr("pads") || n.hasAttr("paddings");
            int[] pads = attrs ? n.attrInts(n.hasAttr("pads") ? "pads" : "paddings") : ShapeOps.ints(in[1]);
            float value = attrs ? n.attrFloat("value", 0f) : in.length > 2 && in[2] != null ? ElementwiseOps.scalar(in[2]) : 0f;
            return one(Pad.pad(f(in[0]), pads, n.attrString("mode", "constant"), value));
        });
        m.put("ReduceMean", (n, in, op) -> {
            int[] axes = reduceAxes(n, in);
            return one(axes == null ? f(in[0]) : reduceMean(f(in[0]), axes, n.attrInt("keepdims", 1) != 0));
        });
    }

    private static Object[] resize(Node n, Object[] in, long op) {
        Tensor x = f(in[0]);
        float[] scales = null;
        int[] sizes = null;
        if (op < 11) {
            scales = f(in[1]).data();
        } else {
            if (in.length > 2 && in[2] != null && ((Tensor) in[2]).size() > 0) {
                scales = ((Tensor) in[2]).data();
            }
            if (in.length > 3 && in[3] != null && ShapeOps.size(in[3]) > 0) {
                sizes = ShapeOps.ints(in[3]);
            }
        }
        String ctm = op < 11 ? "asymmetric" : n.attrString("coordinate_transformation_mode", "half_pixel");
        String mode = n.attrString("mode", "nearest");
        String nearest = op < 11 ? "floor" : n.attrString("nearest_mode", "round_prefer_floor");
        float a = n.attrFloat("cubic_coeff_a", -0.75f);
        boolean exclude = n.attrInt("exclude_outside", 0) != 0;
        int[] outShape = ResizeGeometry.outputShape(x.shape(), scales, sizes);
        if (scales != null) {
            return one(Resize.resize(x, outShape, scales, mode, ctm, nearest, a, exclude));
        }
        return one(Resize.resize(x, outShape, mode, ctm, nearest, a, exclude));
    }

    /**
     * The axes of a Reduce node in either form: the attribute (ReduceMean-1..13, ReduceSum-1..11) or input 1
     * (ReduceMean-18, ReduceSum-13); an empty array means all axes, null means none (an empty axes input with
     * noop_with_empty_axes=1, where the op passes its input through).
     */
    static int[] reduceAxes(Node n, Object[] in) {
        if (n.hasAttr("axes")) {
            return n.attrInts("axes");
        }
        int[] axes = in.length > 1 && in[1] != null ? ShapeOps.ints(in[1]) : new int[0];
        return axes.length == 0 && n.attrInt("noop_with_empty_axes", 0) != 0 ? null : axes;
    }

    /** Upsample-1 height_scale/width_scale (NCHW), Upsample-7 scales attribute, Upsample-9 scales input. */
    private static float[] upsampleScales(Node n, Object[] in) {
        if (n.hasAttr("scales")) {
            return n.attrFloats("scales");
        }
        if (n.hasAttr("height_scale") || n.hasAttr("width_scale")) {
            return new float[] {1, 1, n.attrFloat("height_scale", 1f), n.attrFloat("width_scale", 1f)};
        }
        return f(in[1]).data();
    }

    private static Tensor reduceMean(Tensor x, int[] axes, boolean keep) {
        int[] s = x.shape();
        boolean[] red = new boolean[s.length];
        if (axes == null || axes.length == 0) {
            Arrays.fill(red, true);
        } else {
            for (int a : axes) {
                red[a < 0 ? a + s.length : a] = true;
            }
        }
        int[] outFull = s.clone();
        int count = 1;
        for (int i = 0; i < s.length; i++) {
            if (red[i]) {
                outFull[i] = 1;
                count *= s[i];
            }
        }
        float[] o = reducedBlock(red) ? meanOfBlock(x.data(), s, red, count, (int) Tensor.checkedSize(outFull))
                : meanByMap(x.data(), s, outFull, count);
        if (keep) {
            return Tensor.of(outFull, o);
        }
        return Tensor.of(IntStream.range(0, s.length).filter(i -> !red[i]).map(i -> s[i]).toArray(), o);
    }

    /** Whether the reduced axes are one run of adjacent axes (a global average pool's H, W). */
    private static boolean reducedBlock(boolean[] red) {
        int first = -1;
        int last = -1;
        for (int i = 0; i < red.length; i++) {
            if (red[i]) {
                first = first < 0 ? i : first;
                last = i;
            }
        }
        for (int i = first; i >= 0 && i <= last; i++) {
            if (!red[i]) {
                return false;
            }
        }
        return first >= 0;
    }

    /**
     * The mean over a block of adjacent axes, x seen as [outer, count, inner]: each output's double sum adds its
     * inputs in increasing index order, as {@link #meanByMap} does, so the bits are the same, without an index
     * map of x's size (an int per element, allocated on every run).
     */
    private static float[] meanOfBlock(float[] d, int[] s, boolean[] red, int count, int outSize) {
        int inner = 1;
        for (int i = s.length - 1; i >= 0 && !red[i]; i--) {
            inner *= s[i];
        }
        float[] o = Buffers.floats(outSize);
        if (count == 0) {
            Arrays.fill(o, Float.NaN); // a mean over no elements: 0 / 0, as the map's loop gives
            return o;
        }
        int outer = inner == 0 ? 0 : outSize / inner;
        if (inner == 1) {
            for (int k = 0; k < outer; k++) {
                double a = 0;
                for (int c = 0, i = k * count; c < count; c++, i++) {
                    a += d[i];
                }
                o[k] = (float) (a / count);
            }
            return o;
        }
        double[] acc = new double[inner];
        for (int k = 0; k < outer; k++) {
            Arrays.fill(acc, 0);
            for (int c = 0; c < count; c++) {
                int base = (k * count + c) * inner;
                for (int j = 0; j < inner; j++) {
                    acc[j] += d[base + j];
                }
            }
            for (int j = 0; j < inner; j++) {
                o[k * inner + j] = (float) (acc[j] / count);
            }
        }
        return o;
    }

    /** The mean through an index map from each input element to its output element (any set of axes). */
    private static float[] meanByMap(float[] d, int[] s, int[] outFull, int count) {
        int[] map = Broadcast.indexMap(outFull, s);
        double[] acc = new double[(int) Tensor.checkedSize(outFull)];
        for (int i = 0; i < d.length; i++) {
            acc[map[i]] += d[i];
        }
        float[] o = new float[acc.length];
        for (int i = 0; i < o.length; i++) {
            o[i] = (float) (acc[i] / count);
        }
        return o;
    }

    private static int[] poolPads(Node n, Tensor x, int[] k, int[] strides, int[] dil, boolean ceil) {
        String autoPad = n.attrString("auto_pad", "NOTSET");
        return ConvGeometry.resolvePads(autoPad, spatial(x.shape()), k, strides, dil, n.attrInts("pads"));
    }

    private static Tensor f(Object o) {
        return ElementwiseOps.asFloat(o);
    }

    private static Object[] one(Object o) {
        return new Object[] {o};
    }

    static int[] spatial(int[] s) {
        return Arrays.copyOfRange(s, 2, s.length);
    }

    static int[] orOnes(int[] v, int n) {
        if (v != null) {
            return v;
        }
        int[] r = new int[n];
        Arrays.fill(r, 1);
        return r;
    }

}
