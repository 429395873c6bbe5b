package qsh.core.exec.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import qsh.core.exec.kernels.Buffers;
import qsh.core.exec.kernels.Parallel;
import qsh.core.graph.Node;
import qsh.core.onnx.Float16;
import qsh.core.onnx.TensorProtos;
import qsh.core.onnx.proto.OnnxProto;
import qsh.core.shape.Broadcasting;
import qsh.core.shape.SliceRange;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.Tensor;

/**
 * Data-movement and shape ops (Reshape, Flatten, Transpose, Squeeze, Unsqueeze, Concat, Shape, Gather,
 * Slice, Cast, ConstantOfShape, Expand), on float and int64 tensors alike: each op computes, for every output
 * element, which input element it copies, and {@link #pick} applies that map to either kind of data.
 */
final class ShapeOps {
    private ShapeOps() {}

    static void register(Map<String, OpKernel> m) {
        m.put("Reshape", (n, in, op) -> {
            int[] target = n.hasAttr("shape") ? n.attrInts("shape") : ints(in[1]); // Reshape-1 attribute, Reshape-5 input
            return new Object[] {reshape(in[0], reshapeTarget(shape(in[0]), target, n.attrInt("allowzero", 0) != 0))};
        });
        m.put("Flatten", (n, in, op) -> {
            int[] s = shape(in[0]);
            int axis = (int) n.attrInt("axis", 1);
            axis = axis < 0 ? axis + s.length : axis;
            int outer = 1;
            for (int i = 0; i < axis; i++) {
                outer *= s[i];
            }
            return new Object[] {reshape(in[0], new int[] {outer, size(in[0]) / Math.max(1, outer)})};
        });
        m.put("Transpose", (n, in, op) -> {
            int[] s = shape(in[0]);
            int[] perm = n.attrInts("perm");
            if (perm == null) {
                perm = new int[s.length];
                for (int i = 0; i < s.length; i++) {
                    perm[i] = s.length - 1 - i;
                }
            }
            return new Object[] {transpose(in[0], perm)};
        });
        m.put("Squeeze", (n, in, op) -> {
            int[] s = shape(in[0]);
            // Squeeze-1/11: axes attribute; Squeeze-13: optional input (whichever form the node has)
            int[] axes = n.hasAttr("axes") ? n.attrInts("axes") : in.length > 1 && in[1] != null ? ints(in[1]) : null;
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < s.length; i++) {
                boolean drop = axes == null ? s[i] == 1 : contains(axes, i, s.length);
                if (drop && s[i] != 1) {
                    throw new IllegalArgumentException("cannot squeeze axis " + i + " of length " + s[i]);
                }
                if (!drop) {
                    out.add(s[i]);
                }
            }
            return new Object[] {reshape(in[0], out.stream().mapToInt(Integer::intValue).toArray())};
        });
        m.put("Unsqueeze", (n, in, op) -> {
            int[] s = shape(in[0]);
            int[] axes = n.hasAttr("axes") ? n.attrInts("axes") : ints(in[1]); // Unsqueeze-1/11 attribute, 13 input
            int r = s.length + axes.length;
            int[] out = new int[r];
            boolean[] inserted = new boolean[r];
            for (int a : axes) {
                inserted[a < 0 ? a + r : a] = true;
            }
            for (int i = 0, k = 0; i < r; i++) {
                out[i] = inserted[i] ? 1 : s[k++];
            }
            return new Object[] {reshape(in[0], out)};
        });
        // Concat-1's axis defaults to 1; Concat-4 requires it
        m.put("Concat", (n, in, op) -> new Object[] {concat(in, (int) n.attrInt("axis", op < 4 ? 1 : 0))});
        m.put("Shape", (n, in, op) -> {
            int[] s = shape(in[0]);
            int start = (int) n.attrInt("start", 0);
            int end = (int) n.attrInt("end", s.length);
            start = Math.max(0, Math.min(s.length, start < 0 ? start + s.length : start));
            end = Math.max(start, Math.min(s.length, end < 0 ? end + s.length : end));
            long[] v = new long[end - start];
            for (int i = start; i < end; i++) {
                v[i - start] = s[i];
            }
            return new Object[] {LongTensor.vector(v)};
        });
        m.put("Gather", (n, in, op) -> new Object[] {gather(in[0], integers(in[1], "indices"), (int) n.attrInt("axis", 0))});
        m.put("Slice", (n, in, op) -> {
            int[] s = shape(in[0]);
            boolean attrs = n.hasAttr("starts"); // Slice-1: starts/ends/axes attributes; Slice-10: inputs (+ steps)
            long[] starts = attrs ? longs(n.attrInts("starts")) : integers(in[1], "starts").data();
            long[] ends = attrs ? longs(n.attrInts("ends")) : integers(in[2], "ends").data();
            long[] axes = attrs ? (n.hasAttr("axes") ? longs(n.attrInts("axes")) : null)
                    : in.length > 3 && in[3] != null ? integers(in[3], "axes").data() : null;
            long[] steps = !attrs && in.length > 4 && in[4] != null ? integers(in[4], "steps").data() : null;
            return new Object[] {slice(in[0], s, starts, ends, axes, steps)};
        });
        m.put("Cast", (n, in, op) -> {
            long to = castTarget(n);
            boolean toFloat = to == 1 || to == 10 || to == 11 || to == 16;
            if (to == 10) { // FLOAT16: values rounded to half precision, carried as float32 (qsh's float tensors)
                Tensor x = ElementwiseOps.asFloat(in[0]);
                float[] d = x.data();
                float[] r = new float[d.length];
                for (int i = 0; i < d.length; i++) {
                    r[i] = Float16.round(d[i]);
                }
                return new Object[] {Tensor.of(x.shape(), r)};
            }
            if (toFloat) {
                return new Object[] {ElementwiseOps.asFloat(in[0])};
            }
            LongTensor v = in[0] instanceof LongTensor ? (LongTensor) in[0] : LongTensor.fromFloat((Tensor) in[0]);
            return new Object[] {LongTensor.of(v.shape(), v.data(), (int) to)}; // the values now stand for type 'to'
        });
        m.put("ConstantOfShape", (n, in, op) -> {
            int[] s = ints(in[0]);
            var a = n.attributes().get("value");
            if (a != null && TensorProtos.isInteger(a.getT().getDataType())) {
                long v = ((LongTensor) TensorProtos.decode(a.getT())).data()[0];
                long[] d = new long[(int) Tensor.checkedSize(s)];
                Arrays.fill(d, v);
                return new Object[] {LongTensor.of(s, d)};
            }
            float v = a == null ? 0f : ((Tensor) TensorProtos.decode(a.getT())).get(0);
            float[] d = new float[(int) Tensor.checkedSize(s)];
            Arrays.fill(d, v);
            return new Object[] {Tensor.of(s, d)};
        });
        m.put("Expand", (n, in, op) -> {
            int[] target = Broadcasting.shape(shape(in[0]), ints(in[1]));
            return new Object[] {pick(in[0], Broadcast.indexMap(shape(in[0]), target), target)};
        });
    }

    /** Cast's target element type: Cast-6's number, or Cast-1's type name ("FLOAT", "INT64", ...). */
    static long castTarget(Node n) {
        var a = n.attributes().get("to");
        if (a == null || a.getType() != OnnxProto.AttributeProto.AttributeType.STRING) {
            return n.attrInt("to", 1);
        }
        String name = a.getS().toStringUtf8().toUpperCase(Locale.ROOT);
        for (int t = 1; t <= 16; t++) {
            if (TensorProtos.typeName(t).equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("Cast to unknown type '" + name + "'");
    }

    static int[] shape(Object o) {
        return o instanceof Tensor ? ((Tensor) o).shape() : ((LongTensor) o).shape();
    }

    static int size(Object o) {
        return o instanceof Tensor ? ((Tensor) o).size() : ((LongTensor) o).size();
    }

    /** Input {@code what} as integers; a float tensor (or a missing input) is an error naming it. */
    static LongTensor integers(Object o, String what) {
        if (o instanceof LongTensor t) {
            return t;
        }
        throw new IllegalArgumentException(o == null ? "input '" + what + "' is missing"
                : "input '" + what + "' must hold integers (int64 or int32), not float");
    }

    static int[] ints(Object o) {
        if (o instanceof LongTensor) {
            long[] d = ((LongTensor) o).data();
            int[] r = new int[d.length];
            for (int i = 0; i < d.length; i++) {
                r[i] = Math.toIntExact(d[i]);
            }
            return r;
        }
        float[] f = ((Tensor) o).data();
        int[] r = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            r[i] = (int) f[i];
        }
        return r;
    }

    private static long[] longs(int[] v) {
        long[] r = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = v[i];
        }
        return r;
    }

    private static boolean contains(int[] axes, int i, int rank) {
        for (int a : axes) {
            if ((a < 0 ? a + rank : a) == i) {
                return true;
            }
        }
        return false;
    }

    static Object reshape(Object o, int[] s) {
        return o instanceof Tensor ? ((Tensor) o).reshape(s) : ((LongTensor) o).reshape(s);
    }

    /** ONNX Reshape's target: 0 copies the input dimension (unless allowzero), one -1 is inferred. */
    static int[] reshapeTarget(int[] in, int[] target, boolean allowZero) {
        int[] out = target.clone();
        long known = 1;
        int infer = -1;
        long total = Tensor.checkedSize(in);
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0 && !allowZero) {
                out[i] = in[i];
            }
            if (out[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("Reshape target " + Arrays.toString(target) + " has more than one -1");
                }
                infer = i;
            } else {
                known *= out[i];
            }
        }
        if (infer >= 0) {
            out[infer] = known == 0 ? 0 : (int) (total / known);
        }
        if (Tensor.checkedSize(out) != total) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(in) + " to " + Arrays.toString(target));
        }
        return out;
    }

    /** Copies element {@code map[i]} of {@code src} to output element i. */
    static Object pick(Object src, int[] map, int[] outShape) {
        if (src instanceof Tensor) {
            float[] d = ((Tensor) src).data();
            float[] o = Buffers.floats(map.length);
            for (int i = 0; i < o.length; i++) {
                o[i] = d[map[i]];
            }
            return Tensor.of(outShape, o);
        }
        long[] d = ((LongTensor) src).data();
        long[] o = new long[map.length];
        for (int i = 0; i < o.length; i++) {
            o[i] = d[map[i]];
        }
        return LongTensor.of(outShape, o);
    }

    /** Output element i of a strided view: offset + Σ idx_k · stride_k over the output shape. */
    private static int[] stridedMap(int[] outShape, int offset, int[] strides) {
        int n = (int) Tensor.checkedSize(outShape);
        int[] map = new int[n];
        int r = outShape.length;
        int[] idx = new int[r];
        int off = offset;
        for (int i = 0; i < n; i++) {
            map[i] = off;
            for (int ax = r - 1; ax >= 0; ax--) {
                idx[ax]++;
                off += strides[ax];
                if (idx[ax] < outShape[ax]) {
                    break;
                }
                off -= strides[ax] * idx[ax];
                idx[ax] = 0;
            }
        }
        return map;
    }

    private static int[] stridesOf(int[] s) {
        int[] st = new int[s.length];
        int k = 1;
        for (int i = s.length - 1; i >= 0; i--) {
            st[i] = k;
            k *= s[i];
        }
        return st;
    }

    static Object transpose(Object o, int[] perm) {
        int[] s = shape(o);
        int[] st = stridesOf(s);
        int[] out = new int[s.length];
        int[] pst = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = s[perm[i]];
            pst[i] = st[perm[i]];
        }
        return strided(o, out, 0, pst);
    }

    /**
     * The strided view (offset + Σ idx_k · stride_k over {@code outShape}) of {@code o} as a new tensor. A float
     * tensor is copied run by run (axes whose elements lie evenly in the source merged first, so a channel shuffle's
     * Transpose or a channel Slice copies whole planes) instead of through an index map of the output's size, which
     * cost an int per element and a gather (1.5 MB allocated per run of ShuffleNetV2). The same elements either way.
     */
    private static Object strided(Object o, int[] outShape, int offset, int[] strides) {
        if (!(o instanceof Tensor t)) {
            return pick(o, stridedMap(outShape, offset, strides), outShape);
        }
        int total = (int) Tensor.checkedSize(outShape);
        float[] d = t.data();
        float[] y = Buffers.floats(total);
        if (total == 0) {
            return Tensor.of(outShape, y);
        }
        // merge axis k into k + 1 when stepping k once equals stepping k + 1 over its whole length
        int[] len = new int[outShape.length];
        int[] str = new int[outShape.length];
        int r = 0;
        for (int k = outShape.length - 1; k >= 0; k--) {
            if (outShape[k] == 1) {
                continue;
            }
            if (r > 0 && strides[k] == str[r - 1] * len[r - 1]) {
                len[r - 1] *= outShape[k];
            } else {
                len[r] = outShape[k];
                str[r] = strides[k];
                r++;
            }
        }
        // axes now innermost first; runs of len[0] elements step str[0]
        int run = r == 0 ? 1 : len[0];
        int step = r == 0 ? 1 : str[0];
        int[] idx = new int[Math.max(1, r)];
        int src = offset;
        for (int out = 0; out < total; out += run) {
            if (step == 1) {
                System.arraycopy(d, src, y, out, run);
            } else {
                for (int j = 0, q = src; j < run; j++, q += step) {
                    y[out + j] = d[q];
                }
            }
            for (int ax = 1; ax < r; ax++) { // the odometer over the outer axes
                src += str[ax];
                if (++idx[ax] < len[ax]) {
                    break;
                }
                src -= str[ax] * len[ax];
                idx[ax] = 0;
            }
        }
        return Tensor.of(outShape, y);
    }

    static Object slice(Object o, int[] s, long[] starts, long[] ends, long[] axes, long[] steps) {
        int[] st = stridesOf(s);
        int[] out = s.clone();
        int[] vst = st.clone();
        int offset = 0;
        for (int k = 0; k < starts.length; k++) {
            int ax = axes == null ? k : (int) (axes[k] < 0 ? axes[k] + s.length : axes[k]);
            long step = steps == null ? 1 : steps[k];
            SliceRange r = SliceRange.of(s[ax], starts[k], ends[k], step);
            long len = r.length();
            out[ax] = (int) len;
            offset += (int) (len > 0 ? r.begin() : 0) * st[ax];
            vst[ax] = (int) (st[ax] * step);
        }
        return strided(o, out, offset, vst);
    }

    static Object concat(Object[] in, int axis) {
        List<Object> parts = new ArrayList<>();
        for (Object o : in) {
            if (o != null) {
                parts.add(o);
            }
        }
        boolean allLong = parts.stream().allMatch(p -> p instanceof LongTensor);
        int[] s0 = shape(parts.get(0));
        int ax = axis < 0 ? axis + s0.length : axis;
        int[] out = s0.clone();
        out[ax] = 0;
        for (Object p : parts) {
            int[] s = shape(p);
            if (s.length != s0.length) {
                throw new IllegalArgumentException("Concat inputs have different ranks");
            }
            out[ax] += s[ax];
        }
        int outer = 1;
        for (int i = 0; i < ax; i++) {
            outer *= out[i];
        }
        int inner = 1;
        for (int i = ax + 1; i < out.length; i++) {
            inner *= out[i];
        }
        int total = (int) Tensor.checkedSize(out);
        float[] f = allLong ? null : Buffers.floats(total);
        long[] l = allLong ? new long[total] : null;
        int rowOut = out[ax] * inner;
        int colOff = 0;
        // the copies as (part, source offset, destination offset, length) in pieces of at most 16K elements,
        // so a large float Concat (the detector's 4 x 24 x 80 x 80) is shared between the cores
        List<int[]> pieces = new ArrayList<>();
        for (int pi = 0; pi < parts.size(); pi++) {
            int rowIn = shape(parts.get(pi))[ax] * inner;
            for (int o = 0; o < outer; o++) {
                for (int at = 0; at < rowIn; at += 1 << 14) {
                    pieces.add(new int[] {pi, o * rowIn + at, o * rowOut + colOff + at, Math.min(1 << 14, rowIn - at)});
                }
            }
            colOff += rowIn;
        }
        Parallel.forRange(pieces.size(), allLong ? 0 : total, 1 << 16, (q0, q1) -> {
            for (int q = q0; q < q1; q++) {
                int[] c = pieces.get(q);
                Object p = parts.get(c[0]);
                if (allLong) {
                    System.arraycopy(((LongTensor) p).data(), c[1], l, c[2], c[3]);
                } else {
                    System.arraycopy(ElementwiseOps.asFloat(p).data(), c[1], f, c[2], c[3]);
                }
            }
        });
        return allLong ? LongTensor.of(out, l) : Tensor.of(out, f);
    }

    static Object gather(Object data, LongTensor idx, int axis) {
        int[] s = shape(data);
        int ax = axis < 0 ? axis + s.length : axis;
        int[] is = idx.shape();
        int[] out = new int[s.length - 1 + is.length];
        int k = 0;
        for (int i = 0; i < ax; i++) {
            out[k++] = s[i];
        }
        for (int d : is) {
            out[k++] = d;
        }
        for (int i = ax + 1; i < s.length; i++) {
            out[k++] = s[i];
        }
        int outer = 1;
        for (int i = 0; i < ax; i++) {
            outer *= s[i];
        }
        int inner = 1;
        for (int i = ax + 1; i < s.length; i++) {
            inner *= s[i];
        }
        int n = idx.size();
        int[] map = new int[outer * n * inner];
        int p = 0;
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < n; j++) {
                long v = idx.data()[j];
                if (v < 0) {
                    v += s[ax];
                }
                if (v < 0 || v >= s[ax]) {
                    throw new IllegalArgumentException("Gather index " + idx.data()[j] + " is out of range for axis of length " + s[ax]);
                }
                for (int i = 0; i < inner; i++) {
                    map[p++] = (o * s[ax] + (int) v) * inner + i;
                }
            }
        }
        return pick(data, map, out);
    }
}
