package qsh.core.exec;

import java.util.List;
import qsh.core.exec.ops.FusedOps;
import qsh.core.graph.Node;
import qsh.core.tensor.Tensor;

/**
 * {@link Fusion}'s step for a Gemm whose B is a constant weight stored transposed (transB = 1, the usual
 * classifier head: one output per stored row): B is transposed once when the plan is built, so that a one-row A
 * streams it row by row, vectorized over the outputs ({@link FusedOps#gemm}), instead of taking one scalar dot
 * product per stored row. Each output is the same chain of fused multiply-adds in the same order either way, so
 * the results are the same bits.
 */
final class TransposedGemmWeights {
    /**
     * Largest B transposed (floats): the copy lives as long as the plan, beside the graph's own. 32M floats (128 MB)
     * take every classifier head and VGG's 4096 x 4096 layer, not its 25088 x 4096 one (400 MB; streaming it from
     * memory is that layer's cost either way).
     */
    static final int MAX_FLOATS = 1 << 25;

    private TransposedGemmWeights() {
    }

    /** The step for Gemm node {@code n}, or null when its B is not a constant stored transposed (or too large). */
    static Fusion.Match match(Fusion f, Node n) {
        if (n.attrInt("transB", 0) == 0 || n.inputs().size() < 2 || n.outputs().size() != 1 || n.input(0).isEmpty()) {
            return null;
        }
        Tensor b = f.floatWeight(n.input(1));
        if (b == null || b.rank() != 2 || b.size() > MAX_FLOATS) {
            return null;
        }
        return new Fusion.Match(List.of(n), n.inputs(), n.output(0), FusedOps.gemm(n, b));
    }
}
