package qsh.core.equalize;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.tensor.Tensor;

/**
 * Finds the chains CLE may scale, in topological order: exactly the spec's single-branch patterns
 * ("Enhanced Quantization Techniques: Limitations") Conv → BN → (act) → Conv, and Conv → BN → (act) →
 * DepthwiseConv → BN → (act) → Conv (r = required, o = optional in the spec: BN is required for the complete
 * algorithm, since high-bias absorption needs its β, γ; here a chain without BN is still equalized, and absorption
 * says the spec's message). A conv's {@link BiasMap} belongs to the conv. Scaling through an activation is only valid when it is positively
 * homogeneous (ReLU, or none; Nagel et al. 2019, §4.1), and only when no other consumer sees the scaled values,
 * so an output read by more than one node breaks the chain. Every conv that starts no chain gets a reason.
 */
public final class ClePatternMatcher {
    private static final Set<String> ACTIVATIONS = Set.of("Clip", "Relu6", "Sigmoid", "Tanh", "HardSigmoid",
            "HardSwish", "LeakyRelu", "PRelu", "Elu", "Selu", "Celu", "Softplus", "Softsign", "Gelu", "Mish",
            "ThresholdedRelu");

    /**
     * A conv that starts no chain.
     *
     * @param layer  the Conv node
     * @param reason why, one line
     */
    public record Skipped(String layer, String reason) {}

    /**
     * The matches of one graph.
     *
     * @param chains  chains in topological order of their first conv
     * @param skipped convs that start no chain, with reasons
     */
    public record Matches(List<CleChain> chains, List<Skipped> skipped) {}

    /** The next conv after a layer, or why there is none. */
    private record Link(Node next, String activation, String batchNorm, String reason) {}

    private ClePatternMatcher() {}

    /** The CLE chains of {@code g}. */
    public static Matches match(Graph g) {
        List<CleChain> chains = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        Set<String> middles = new HashSet<>();
        for (Node conv : g.nodes()) {
            if (!conv.opType().equals("Conv") || middles.contains(conv.name())) {
                continue;
            }
            String problem = LayerWeights.problem(g, conv);
            Link first = problem == null ? follow(g, conv) : null;
            if (problem != null || first.reason() != null) {
                skipped.add(new Skipped(conv.name(), problem != null ? problem : first.reason()));
                continue;
            }
            Node mid = first.next();
            Tensor midW = (Tensor) g.weights().get(mid.input(1));
            Link second = LayerWeights.isDepthwise(mid, midW) ? follow(g, mid) : null;
            if (second != null && second.reason() == null && LayerWeights.problem(g, second.next()) == null
                    && channelsMatch(g, mid, second.next())) {
                middles.add(mid.name());
                chains.add(new CleChain(List.of(conv.name(), mid.name(), second.next().name()),
                        List.of(first.activation(), second.activation()), List.of(first.batchNorm(), second.batchNorm())));
            } else {
                chains.add(new CleChain(List.of(conv.name(), mid.name()), List.of(first.activation()),
                        List.of(first.batchNorm())));
            }
        }
        return new Matches(List.copyOf(chains), List.copyOf(skipped));
    }

    /** Follows {@code conv}'s output through an optional BatchNormalization and an optional Relu to the next Conv. */
    private static Link follow(Graph g, Node conv) {
        String value = conv.outputs().get(0);
        Node from = conv;
        String act = "";
        String bn = "";
        while (true) {
            List<Node> uses = g.consumers(value);
            String fromName = from == conv ? conv.name() : from.name() + " (after " + conv.name() + ")";
            String current = value;
            if (g.outputs().stream().anyMatch(o -> o.name().equals(current))) {
                return fail(fromName + " output is a graph output");
            }
            if (uses.size() != 1) {
                return fail(fromName + " output feeds " + (uses.isEmpty() ? "no node" : uses.size() + " nodes"));
            }
            Node n = uses.get(0);
            if (from == conv && BiasMap.ofAdd(g, n) != null) { // the conv's own bias map: part of the conv
                from = n;
                value = n.outputs().get(0);
                continue;
            }
            switch (n.opType()) {
                case "BatchNormalization":
                    if (!bn.isEmpty() || !act.isEmpty()) {
                        return fail("BatchNormalization " + n.name() + " after " + from.name() + " is not in the pattern");
                    }
                    bn = n.name();
                    break;
                case "Relu":
                    if (!act.isEmpty()) {
                        return fail("two activations after " + conv.name());
                    }
                    act = "Relu";
                    break;
                case "Conv":
                    if (!n.input(0).equals(value)) {
                        return fail(fromName + " output is not the data input of " + n.name());
                    }
                    String p = LayerWeights.problem(g, n);
                    if (p != null) {
                        return fail("next layer: " + p);
                    }
                    return channelsMatch(g, conv, n) ? new Link(n, act, bn, null)
                            : fail(conv.name() + " output channels do not match the input channels of " + n.name());
                default:
                    if (ACTIVATIONS.contains(n.opType())) {
                        String what = Relu6Replacer.isRelu6(g, n) ? n.opType() + " 0..6 (ReLU6)" : n.opType();
                        return fail("activation " + what + " after " + conv.name() + " is not ReLU");
                    }
                    return fail(conv.name() + " feeds " + n.opType() + " " + n.name() + ", not a Conv");
            }
            from = n;
            value = n.outputs().get(0);
        }
    }

    private static boolean channelsMatch(Graph g, Node a, Node b) {
        Tensor wa = (Tensor) g.weights().get(a.input(1));
        Tensor wb = (Tensor) g.weights().get(b.input(1));
        int in = LayerWeights.isDepthwise(b, wb) ? wb.dim(0) : wb.dim(1);
        return wa.dim(0) == in;
    }

    private static Link fail(String reason) {
        return new Link(null, "", "", reason);
    }
}
