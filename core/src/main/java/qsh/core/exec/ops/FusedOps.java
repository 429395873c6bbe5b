package qsh.core.exec.ops;

import qsh.core.exec.kernels.Activation;
import qsh.core.exec.kernels.Buffers;
import qsh.core.exec.kernels.Conv;
import qsh.core.exec.kernels.ConvGeometry;
import qsh.core.graph.Node;
import qsh.core.tensor.Tensor;

/**
 * Kernels an execution plan builds once per graph: a Conv whose weights are packed ahead of time (optionally
 * with a folded per-channel affine and an activation epilogue), and a per-channel affine + activation step
 * that replaces a BatchNormalization / constant-Add chain. The weights are baked in, so these kernels read only
 * the data input.
 */
public final class FusedOps {
    private FusedOps() {}

    /**
     * Conv node {@code n} with weights {@code w}, bias (nullable) and {@code act} prepared once; the kernel
     * reads input 0 only and resolves auto_pad per call (it depends on the input's spatial size).
     */
    public static OpKernel conv(Node n, Tensor w, Tensor bias, Activation act) {
        int sp = w.rank() - 2;
        int[] kernel = n.hasAttr("kernel_shape") ? n.attrInts("kernel_shape") : NeuralOps.spatial(w.shape());
        int[] strides = NeuralOps.orOnes(n.attrInts("strides"), sp);
        int[] dil = NeuralOps.orOnes(n.attrInts("dilations"), sp);
        String autoPad = n.attrString("auto_pad", "NOTSET");
        int[] explicitPads = n.attrInts("pads");
        Conv.Prepared p = Conv.prepare(w, bias, (int) n.attrInt("group", 1), act);
        return (node, in, op) -> {
            Tensor x = ElementwiseOps.asFloat(in[0]);
            if (x.rank() != w.rank()) {
                throw new IllegalArgumentException("Conv W " + w.shapeString() + " must have the rank of X " + x.shapeString());
            }
            int[] pads = ConvGeometry.resolvePads(autoPad, NeuralOps.spatial(x.shape()), kernel, strides, dil, explicitPads);
            return new Object[] {Conv.run(p, x, strides, pads, dil)};
        };
    }

    /** y = act(x * mul[c] + add[c]) over axis 1 of the input (input 0 of the kernel). */
    public static OpKernel channelAffine(float[] mul, float[] add, Activation act) {
        return (node, in, op) -> {
            Tensor x = ElementwiseOps.asFloat(in[0]);
            if (x.rank() < 2 || x.dim(1) != mul.length) {
                throw new IllegalArgumentException("per-channel parameters of " + mul.length + " channels do not fit "
                        + x.shapeString());
            }
            int n = x.dim(0);
            int c = mul.length;
            int inner = n == 0 || c == 0 ? 0 : x.size() / (n * c);
            float[] xd = x.data();
            float[] y = Buffers.floats(xd.length);
            for (int b = 0; b < n; b++) {
                for (int ch = 0; ch < c; ch++) {
                    float m = mul[ch];
                    float a = add[ch];
                    int base = (b * c + ch) * inner;
                    int end = base + inner;
                    for (int i = base; i < end; i++) {
                        y[i] = xd[i] * m + a;
                    }
                    act.apply(y, base, end);
                }
            }
            return new Object[] {Tensor.of(x.shape(), y)};
        };
    }
}
