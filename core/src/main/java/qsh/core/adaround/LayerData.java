package qsh.core.adaround;

import java.util.ArrayList;
import java.util.List;
import qsh.core.exec.kernels.Conv;
import qsh.core.graph.Node;
import qsh.core.tensor.Tensor;

/**
 * One layer seen as grouped matrix products, the form AdaRound optimizes: for group g,
 * Y_g (mg × plane) = W_g (mg × kk) · X_g (kk × plane), where X_g is the im2col unfolding of the layer's input
 * (a Gemm is one group with plane 1). Holds, per calibration sample, the unfolded input from the quantized
 * model and the float model's output minus the bias (the bias is the same on both sides).
 */
final class LayerData {
    final int groups;
    final int mg;
    final int kk;
    final int plane;
    final List<float[][]> cols = new ArrayList<>();     // [sample][group] → kk × plane
    final List<float[][]> targets = new ArrayList<>();  // [sample][group] → mg × plane

    private final Geometry geo;

    private LayerData(int groups, int mg, int kk, int plane, Geometry geo) {
        this.groups = groups;
        this.mg = mg;
        this.kk = kk;
        this.plane = plane;
        this.geo = geo;
    }

    /** Geometry of a 2-D Conv (explicit pads) or a Gemm, or null with the reason in {@code why}. */
    record Geometry(boolean conv, int c, int h, int w, int kh, int kw, int oh, int ow, int sh, int sw, int pt, int pl,
                    int dh, int dw, int group, boolean transB) {}

    static LayerData of(Node n, Tensor weight, int[] inputShape, StringBuilder why) {
        if (n.opType().equals("Gemm")) {
            boolean transB = n.attrInt("transB", 0) != 0;
            if (n.attrInt("transA", 0) != 0 || inputShape.length != 2 || inputShape[0] != 1) {
                why.append("Gemm with transA or a batch other than 1");
                return null;
            }
            int outs = transB ? weight.dim(0) : weight.dim(1);
            int k = transB ? weight.dim(1) : weight.dim(0);
            return new LayerData(1, outs, k, 1, new Geometry(false, k, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, transB));
        }
        if (!n.opType().equals("Conv") || weight.rank() != 4 || inputShape.length != 4 || inputShape[0] != 1) {
            why.append(n.opType().equals("Conv") ? "only 2-D convolutions at batch 1" : "op " + n.opType());
            return null;
        }
        String autoPad = n.attrString("auto_pad", "NOTSET");
        if (!autoPad.equals("NOTSET")) {
            why.append("auto_pad " + autoPad);
            return null;
        }
        int[] s = or(n.attrInts("strides"), 1);
        int[] d = or(n.attrInts("dilations"), 1);
        int[] p = n.attrInts("pads") == null ? new int[4] : n.attrInts("pads");
        int group = (int) n.attrInt("group", 1);
        int c = inputShape[1];
        int h = inputShape[2];
        int w = inputShape[3];
        int kh = weight.dim(2);
        int kw = weight.dim(3);
        int oh = (h + p[0] + p[2] - d[0] * (kh - 1) - 1) / s[0] + 1;
        int ow = (w + p[1] + p[3] - d[1] * (kw - 1) - 1) / s[1] + 1;
        int m = weight.dim(0);
        return new LayerData(group, m / group, (c / group) * kh * kw, oh * ow,
                new Geometry(true, c, h, w, kh, kw, oh, ow, s[0], s[1], p[0], p[1], d[0], d[1], group, false));
    }

    private static int[] or(int[] v, int dflt) {
        return v == null ? new int[] {dflt, dflt} : v;
    }

    /** Adds one sample: the layer's input in the quantized model and its output in the float model. */
    void add(Tensor quantizedInput, Tensor floatOutput, Tensor bias) {
        float[][] col = new float[groups][];
        float[][] tgt = new float[groups][];
        float[] y = floatOutput.data();
        for (int g = 0; g < groups; g++) {
            col[g] = new float[kk * plane];
            if (geo.conv()) {
                int cg = geo.c() / groups;
                Conv.im2col(quantizedInput.data(), g * cg * geo.h() * geo.w(), cg, geo.h(), geo.w(), geo.kh(), geo.kw(),
                        geo.oh(), geo.ow(), geo.sh(), geo.sw(), geo.pt(), geo.pl(), geo.dh(), geo.dw(), col[g]);
            } else {
                System.arraycopy(quantizedInput.data(), 0, col[g], 0, kk);
            }
            tgt[g] = new float[mg * plane];
            for (int r = 0; r < mg; r++) {
                float b = bias == null ? 0f : bias.get(g * mg + r);
                for (int i = 0; i < plane; i++) {
                    tgt[g][r * plane + i] = y[(g * mg + r) * plane + i] - b;
                }
            }
        }
        cols.add(col);
        targets.add(tgt);
    }

    /** Weight as [out channel][kk] rows (a Gemm weight stored K × N is transposed). */
    float[] rows(Tensor weight) {
        if (geo.conv() || geo.transB()) {
            return weight.data().clone();
        }
        float[] w = weight.data();
        int n = mg;
        float[] out = new float[n * kk];
        for (int k = 0; k < kk; k++) {
            for (int j = 0; j < n; j++) {
                out[j * kk + k] = w[k * n + j];
            }
        }
        return out;
    }

    /** The inverse of {@link #rows}: back to the weight's own layout. */
    Tensor weight(float[] rows, int[] shape) {
        if (geo.conv() || geo.transB()) {
            return Tensor.of(shape, rows);
        }
        int n = mg;
        float[] out = new float[rows.length];
        for (int k = 0; k < kk; k++) {
            for (int j = 0; j < n; j++) {
                out[k * n + j] = rows[j * kk + k];
            }
        }
        return Tensor.of(shape, out);
    }

    /** The per-channel axis of the weight tensor (0 for Conv and transB Gemm, 1 for a K × N Gemm weight). */
    int channelAxis() {
        return geo.conv() || geo.transB() ? 0 : 1;
    }
}
