package qsh.core.exec;

import java.util.ArrayList;
import java.util.List;
import qsh.core.exec.kernels.Activation;
import qsh.core.exec.kernels.Epilogue;
import qsh.core.exec.kernels.FakeQuant;
import qsh.core.exec.ops.FusedOps;
import qsh.core.graph.Node;
import qsh.core.tensor.Tensor;

/** {@link Fusion}'s chains that start at a Mul: a squeeze-and-excitation gate's product into a 1 x 1 Conv. */
final class ScaledConvFusion {
    private ScaledConvFusion() {
    }

    /**
     * A Mul whose only reader is a 1 x 1 Conv (directly, or through a simulated QuantizeLinear → DequantizeLinear
     * pair), and that Conv's epilogue chain, as one step: when at run time one factor scales whole channels of the
     * other (a squeeze-and-excitation gate, [N, C, 1, 1] times [N, C, H, W]), the product (and the pair) is computed
     * row by row while the convolution packs its input ({@link FusedOps#scaledConv}), instead of a pass writing the
     * product and another reading it; otherwise the step runs Mul, the pair and the Conv as their kernels do.
     */
    static Fusion.Match match(Fusion f, Node mul) {
        if (mul.inputs().size() != 2 || mul.input(0).isEmpty() || mul.input(1).isEmpty() || mul.outputs().size() != 1) {
            return null;
        }
        String v = mul.output(0);
        Node reader = f.single(v);
        Node q = null;
        Node dq = null;
        if (reader != null && reader.opType().equals("QuantizeLinear")) {
            q = reader;
            dq = f.single(q.output(0));
            reader = dq == null || !dq.opType().equals("DequantizeLinear") ? null : f.single(dq.output(0));
        }
        if (reader == null || !reader.opType().equals("Conv") || !Fusion.isDefault(reader) || reader.outputs().size() != 1) {
            return null;
        }
        String convIn = q == null ? v : dq.output(0);
        Tensor w = f.floatWeight(reader.input(1));
        Tensor b = reader.inputs().size() > 2 && !reader.input(2).isEmpty() ? f.floatWeight(reader.input(2)) : null;
        if (w == null || w.rank() != 4 || w.dim(2) != 1 || w.dim(3) != 1 || !reader.input(0).equals(convIn)
                || reader.inputs().size() > 2 && !reader.input(2).isEmpty() && b == null
                || reader.attrInt("group", 1) != 1 || !allEqual(reader.attrInts("strides"), 1)
                || !allEqual(reader.attrInts("pads"), 0)) {
            return null;
        }
        FakeQuant fq = null;
        List<Node> chain = new ArrayList<>(List.of(mul));
        if (q != null) {
            fq = f.fakeQuant(q, v, w.dim(1), 4);
            if (fq == null) {
                return null;
            }
            chain.add(q);
            chain.add(dq);
        }
        chain.add(reader);
        Epilogue.Builder stages = new Epilogue.Builder();
        String out = f.epilogueChain(reader.output(0), w.dim(0), w.rank(), stages, chain);
        return new Fusion.Match(chain, mul.inputs(), out, FusedOps.scaledConv(mul, w, b, stages.then(Activation.NONE), fq));
    }

    /** Whether every value is {@code v} (true for none: an absent attribute's default). */
    private static boolean allEqual(int[] values, int v) {
        if (values != null) {
            for (int x : values) {
                if (x != v) {
                    return false;
                }
            }
        }
        return true;
    }
}
