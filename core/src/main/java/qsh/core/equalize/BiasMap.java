package qsh.core.equalize;

import java.util.List;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.tensor.Tensor;

/**
 * A convolution's position-dependent bias: Conv → Add(y, M), marked {@link #MARK}, with M a constant
 * [C_out, H_out, W_out] (broadcast over the batch) that no other node reads. Exact high-bias absorption makes one (see {@link HighBiasAbsorber}): when the input of a
 * zero-padding conv is shifted by −c, the conv's output changes by −Σ W·c over the taps that read the image, so the
 * interior gains the full kernel sum in the per-channel bias and the border outputs, whose windows also cover
 * padding, get the rest from M (M is zero in the interior). The map is part of the conv's epilogue, like the bias:
 * the quantizer fuses the conv into the Add (no encoding between them) and stores M on the bias's 32-bit grid, channel
 * first like the bias, so one DequantizeLinear with axis 0 reads both (ONNX Runtime 1.29 at its extended optimization
 * level mis-evaluates a per-channel int32 DequantizeLinear on axis 1 of a 4-D map; axis 0 runs right at every level).
 *
 * @param conv the Conv node
 * @param add  the Add node after it
 * @param map  the map's initializer name
 */
public record BiasMap(Node conv, Node add, String map) {
    /**
     * The doc_string that marks an Add as a bias map. A Conv → Add(constant) that the model brought along is an op
     * of its own (QNN quantizes its constant as a static input); only the Adds absorption made carry this mark, which
     * survives saving and loading the ONNX file.
     */
    public static final String MARK = "qsh: bias map (position-dependent part of the conv's bias, from exact high-bias absorption)";

    /** The bias map after {@code conv}, or null when it has none. */
    public static BiasMap of(Graph g, Node conv) {
        if (!conv.opType().equals("Conv") || conv.outputs().size() != 1) {
            return null;
        }
        String y = conv.output(0);
        List<Node> uses = g.consumers(y);
        if (uses.size() != 1 || g.outputs().stream().anyMatch(o -> o.name().equals(y))) {
            return null;
        }
        Node add = uses.get(0);
        if (!add.opType().equals("Add") || add.inputs().size() != 2 || !add.input(0).equals(y)
                || !add.proto().getDocString().equals(MARK)) {
            return null;
        }
        String m = add.input(1);
        if (!(g.weights().get(m) instanceof Tensor t) || g.consumers(m).size() != 1 || t.rank() != 3
                || !(g.weights().get(conv.input(1)) instanceof Tensor w) || w.rank() != 4 || t.dim(0) != w.dim(0)) {
            return null;
        }
        return new BiasMap(conv, add, m);
    }

    /** The bias map whose Add is {@code add}, or null. */
    public static BiasMap ofAdd(Graph g, Node add) {
        if (!add.opType().equals("Add")) {
            return null;
        }
        Node conv = g.producer(add.input(0));
        return conv == null ? null : of(g, conv);
    }

    /** The value holding {@code conv}'s full output: its bias map's Add output, or its own output. */
    public static String output(Graph g, Node conv) {
        BiasMap m = of(g, conv);
        return m == null ? conv.output(0) : m.add().output(0);
    }

    /** Whether {@code conv} reads zero padding at its borders (explicit pads or SAME auto-padding). */
    public static boolean pads(Node conv) {
        int[] p = conv.attrInts("pads");
        if (p != null) {
            for (int v : p) {
                if (v != 0) {
                    return true;
                }
            }
        }
        return conv.attrString("auto_pad", "NOTSET").startsWith("SAME");
    }

    /**
     * The border correction of a 2-D conv (weight {@code w} [M, C/g, kh, kw]) whose input [1, C, h, w] is shifted
     * by −c: corr[o, y, x] = −Σ over the taps (i, ky, kx) of output (y, x) that fall on padding of W[o, i, ky, kx]·c_i
     * (depthwise: c_o), the part of the kernel sum the zero padding does not see. Zero where no tap is padding.
     * Returns [M, H_out, W_out], or null when nothing at all falls on padding.
     */
    static Tensor borderCorrection(Node conv, Tensor w, float[] c, boolean depthwise, int inH, int inW) {
        int m = w.dim(0);
        int ch = w.dim(1);
        int kh = w.dim(2);
        int kw = w.dim(3);
        int[] st = ints(conv.attrInts("strides"), 1);
        int[] dl = ints(conv.attrInts("dilations"), 1);
        int[] pads = pads(conv, inH, inW, kh, kw, st, dl);
        int outH = (inH + pads[0] + pads[2] - (dl[0] * (kh - 1) + 1)) / st[0] + 1;
        int outW = (inW + pads[1] + pads[3] - (dl[1] * (kw - 1) + 1)) / st[1] + 1;
        // Wc[o, ky, kx] = Σ_i W[o, i, ky, kx]·c_i: what one tap adds when its input moves by c
        double[] wc = new double[m * kh * kw];
        float[] d = w.data();
        for (int o = 0; o < m; o++) {
            for (int i = 0; i < ch; i++) {
                float shift = depthwise ? c[o] : c[i];
                if (shift == 0) {
                    continue;
                }
                int base = (o * ch + i) * kh * kw;
                for (int k = 0; k < kh * kw; k++) {
                    wc[o * kh * kw + k] += (double) d[base + k] * shift;
                }
            }
        }
        float[] corr = new float[m * outH * outW];
        boolean any = false;
        for (int y = 0; y < outH; y++) {
            int y0 = y * st[0] - pads[0];
            for (int x = 0; x < outW; x++) {
                int x0 = x * st[1] - pads[1];
                for (int ky = 0; ky < kh; ky++) {
                    int iy = y0 + ky * dl[0];
                    for (int kx = 0; kx < kw; kx++) {
                        int ix = x0 + kx * dl[1];
                        if (iy >= 0 && iy < inH && ix >= 0 && ix < inW) {
                            continue;
                        }
                        any = true;
                        for (int o = 0; o < m; o++) {
                            corr[(o * outH + y) * outW + x] -= (float) wc[(o * kh + ky) * kw + kx];
                        }
                    }
                }
            }
        }
        return any ? Tensor.of(new int[] {m, outH, outW}, corr) : null;
    }

    /** [top, left, bottom, right] pads of a 2-D conv on an h × w input (explicit, or SAME_UPPER/SAME_LOWER). */
    private static int[] pads(Node conv, int h, int w, int kh, int kw, int[] st, int[] dl) {
        String auto = conv.attrString("auto_pad", "NOTSET");
        if (auto.startsWith("SAME")) {
            int[] total = {Math.max(0, ((h + st[0] - 1) / st[0] - 1) * st[0] + dl[0] * (kh - 1) + 1 - h),
                    Math.max(0, ((w + st[1] - 1) / st[1] - 1) * st[1] + dl[1] * (kw - 1) + 1 - w)};
            boolean upper = auto.equals("SAME_UPPER"); // SAME_UPPER puts the odd pixel at the end
            int top = upper ? total[0] / 2 : total[0] - total[0] / 2;
            int left = upper ? total[1] / 2 : total[1] - total[1] / 2;
            return new int[] {top, left, total[0] - top, total[1] - left};
        }
        int[] p = conv.attrInts("pads");
        return p == null || p.length != 4 ? new int[4] : p.clone();
    }

    private static int[] ints(int[] v, int dflt) {
        return v == null || v.length != 2 ? new int[] {dflt, dflt} : v;
    }
}
