package qsh.core.exec;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.graph.ValueInfo;
import qsh.core.tensor.Tensor;

/**
 * The rank of a value where its producers tell it without shapes: a graph input's declared dims, a Conv's weights,
 * and ops whose output has their first input's rank. {@link Fusion} needs it to read a [C, 1, 1] constant as per
 * channel after a BatchNormalization that no Conv precedes (DenseNet's, after each Concat).
 */
final class ValueRanks {
    /** Ops whose output has their first input's rank (Concat: all its inputs have it). */
    private static final Set<String> KEEPS_RANK = Set.of("Relu", "BatchNormalization", "Concat", "MaxPool",
            "AveragePool", "LRN", "Dropout", "Clip", "Sigmoid", "LeakyRelu", "Identity", "HardSigmoid", "HardSwish");
    /** Producers followed at most (a chain of rank-keeping ops). */
    private static final int MAX_DEPTH = 64;

    private final Graph g;
    private final Function<String, Tensor> floatWeight;
    private final Map<String, Integer> known = new HashMap<>();

    ValueRanks(Graph g, Function<String, Tensor> floatWeight) {
        this.g = g;
        this.floatWeight = floatWeight;
    }

    /** The rank of value v, or -1 where its producers do not tell it. */
    int of(String v) {
        return of(v, 0);
    }

    private int of(String v, int depth) {
        Integer r = known.get(v);
        if (r != null) {
            return r;
        }
        int rank = -1;
        Node p = g.producer(v);
        if (p == null) {
            for (ValueInfo vi : g.inputs()) {
                if (vi.name().equals(v) && vi.dims().length >= 2) {
                    rank = vi.dims().length;
                }
            }
        } else if (onnx(p) && p.output(0).equals(v) && p.opType().equals("Conv")) {
            Tensor w = floatWeight.apply(p.input(1));
            rank = w == null ? -1 : w.rank();
        } else if (onnx(p) && p.output(0).equals(v) && KEEPS_RANK.contains(p.opType()) && !p.inputs().isEmpty()
                && depth < MAX_DEPTH) {
            rank = of(p.input(0), depth + 1);
        }
        known.put(v, rank);
        return rank;
    }

    private static boolean onnx(Node n) {
        return n.domain().isEmpty() || n.domain().equals("ai.onnx");
    }
}
