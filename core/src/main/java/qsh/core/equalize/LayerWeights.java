package qsh.core.equalize;

import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.tensor.Tensor;

/**
 * Per-channel arithmetic on Conv weights [M, C/group, k...] as CLE needs it: channel ranges, channel scaling,
 * and kernel sums. Every method returns new arrays or tensors; inputs are never written.
 */
final class LayerWeights {
    private LayerWeights() {}

    /** Whether {@code conv} (weight {@code w}) is depthwise: one input channel per group, group = M. */
    static boolean isDepthwise(Node conv, Tensor w) {
        long group = conv.attrInt("group", 1);
        return group > 1 && w.dim(1) == 1 && w.dim(0) == group;
    }

    /** Why {@code conv} cannot take part in CLE, or null when it can. */
    static String problem(Graph g, Node conv) {
        Object w = g.weights().get(conv.input(1));
        if (!(w instanceof Tensor) || ((Tensor) w).rank() < 3) {
            return conv.name() + " has no constant float weight";
        }
        if (g.consumers(conv.input(1)).size() != 1) {
            return conv.name() + " shares its weight " + conv.input(1) + " with other nodes";
        }
        String bias = conv.input(2);
        if (!bias.isEmpty() && (!(g.weights().get(bias) instanceof Tensor) || g.consumers(bias).size() != 1)) {
            return conv.name() + " has a bias that is not its own constant";
        }
        long group = conv.attrInt("group", 1);
        if (group != 1 && !isDepthwise(conv, (Tensor) w)) {
            return conv.name() + " is a grouped conv (group=" + group + ") that is not depthwise";
        }
        return null;
    }

    /** The elements per output channel (product of all dims after the first). */
    private static int perChannel(Tensor w) {
        return w.size() / w.dim(0);
    }

    /** r_i = max |W[i, ...]| for each output channel i. */
    static float[] outputRanges(Tensor w) {
        int m = w.dim(0);
        int per = perChannel(w);
        float[] r = new float[m];
        float[] d = w.data();
        for (int i = 0; i < m; i++) {
            float a = 0;
            for (int j = i * per; j < (i + 1) * per; j++) {
                a = Math.max(a, Math.abs(d[j]));
            }
            r[i] = a;
        }
        return r;
    }

    /** r_i = max |W[:, i, ...]| for each input channel i (depthwise: the output channel's own range). */
    static float[] inputRanges(Tensor w, boolean depthwise) {
        if (depthwise) {
            return outputRanges(w);
        }
        int m = w.dim(0);
        int c = w.dim(1);
        int k = perChannel(w) / c;
        float[] r = new float[c];
        float[] d = w.data();
        for (int o = 0; o < m; o++) {
            for (int i = 0; i < c; i++) {
                int base = (o * c + i) * k;
                for (int j = base; j < base + k; j++) {
                    r[i] = Math.max(r[i], Math.abs(d[j]));
                }
            }
        }
        return r;
    }

    /** A copy of {@code w} with output channel i multiplied by {@code f[i]}. */
    static Tensor scaleOutputs(Tensor w, double[] f) {
        Tensor out = w.copy();
        float[] d = out.data();
        int per = perChannel(w);
        for (int i = 0; i < f.length; i++) {
            for (int j = i * per; j < (i + 1) * per; j++) {
                d[j] = (float) (d[j] * f[i]);
            }
        }
        return out;
    }

    /** A copy of {@code w} with input channel i multiplied by {@code f[i]} (depthwise: output channel i). */
    static Tensor scaleInputs(Tensor w, double[] f, boolean depthwise) {
        if (depthwise) {
            return scaleOutputs(w, f);
        }
        Tensor out = w.copy();
        float[] d = out.data();
        int m = w.dim(0);
        int c = w.dim(1);
        int k = perChannel(w) / c;
        for (int o = 0; o < m; o++) {
            for (int i = 0; i < c; i++) {
                int base = (o * c + i) * k;
                for (int j = base; j < base + k; j++) {
                    d[j] = (float) (d[j] * f[i]);
                }
            }
        }
        return out;
    }

    /**
     * Σ_{i,h,w} W[o, i, h, w] · c_i for each output channel o: what a per-input-channel shift c adds to the
     * layer's output (depthwise: Σ_{h,w} W[o, 0, h, w] · c_o).
     */
    static double[] kernelSums(Tensor w, float[] c, boolean depthwise) {
        int m = w.dim(0);
        int ch = w.dim(1);
        int k = perChannel(w) / ch;
        float[] d = w.data();
        double[] s = new double[m];
        for (int o = 0; o < m; o++) {
            for (int i = 0; i < ch; i++) {
                float shift = depthwise ? c[o] : c[i];
                if (shift == 0) {
                    continue;
                }
                double sum = 0;
                int base = (o * ch + i) * k;
                for (int j = base; j < base + k; j++) {
                    sum += d[j];
                }
                s[o] += sum * shift;
            }
        }
        return s;
    }
}
