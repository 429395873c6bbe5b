package qsh.core.exec;

import java.util.List;
import qsh.core.exec.ops.FusedOps;
import qsh.core.graph.Node;
import qsh.core.tensor.Tensor;

/**
 * {@link Fusion}'s step for a Gemm whose B is a constant weight stored transposed (transB = 1, the usual
 * classifier head: one output per stored row): B is laid out once when the plan is built as
 * {@link qsh.core.exec.kernels.GemmWeightPanels} (panels of outputs, each panel's depth in order), so that a one-row
 * A streams it once, sequentially, vectorized over the outputs ({@link FusedOps#gemm}), instead of taking one scalar
 * dot product per stored row. Each output is the same chain of fused multiply-adds in the same order either way, so
 * the results are the same bits.
 */
final class TransposedGemmWeights {
    /**
     * Largest B laid out again (floats) whatever the heap: the copy lives as long as the plan, beside the graph's own.
     * 32M floats (128 MB) take every classifier head and VGG's 4096 x 4096 layer.
     */
    static final int MAX_FLOATS = 1 << 25;
    /**
     * Largest B laid out again where the heap is large enough ({@link #limit}): AlexNet's 9216 x 4096 layer (38M
     * floats) from a 2.4 GB heap, ZFNet's 18432 x 4096 (75M) from 4.8 GB, VGG's 25088 x 4096 (103M, 411 MB) from
     * 6.6 GB; below that they keep the dot products over the stored rows (about half the speed).
     */
    static final int MAX_FLOATS_LARGE_HEAP = 1 << 27;

    /**
     * The most floats a B may have to be laid out again: {@link #MAX_FLOATS}, up to {@link #MAX_FLOATS_LARGE_HEAP}
     * while the copy stays within a sixteenth of the JVM's largest heap.
     */
    static long limit(long maxHeapBytes) {
        return Math.max(MAX_FLOATS, Math.min(MAX_FLOATS_LARGE_HEAP, maxHeapBytes / 16 / Float.BYTES));
    }

    private TransposedGemmWeights() {
    }

    /** The step for Gemm node {@code n}, or null when its B is not a constant stored transposed (or too large). */
    static Fusion.Match match(Fusion f, Node n) {
        if (n.attrInt("transB", 0) == 0 || n.inputs().size() < 2 || n.outputs().size() != 1 || n.input(0).isEmpty()) {
            return null;
        }
        Tensor b = f.floatWeight(n.input(1));
        if (b == null || b.rank() != 2 || b.size() > limit(Runtime.getRuntime().maxMemory())) {
            return null;
        }
        return new Fusion.Match(List.of(n), n.inputs(), n.output(0), FusedOps.gemm(n, b));
    }
}
