package qsh.core.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import qsh.core.exec.kernels.Activation;
import qsh.core.exec.kernels.Epilogue;
import qsh.core.exec.kernels.FakeQuant;
import qsh.core.exec.kernels.QuantizedHardSwish;
import qsh.core.exec.ops.FusedOps;
import qsh.core.exec.ops.OpKernel;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.Tensor;

/**
 * Finds the node chains an execution plan runs as one step, for execution only (the Graph is not changed): Conv,
 * then per-channel ops (inference BatchNormalization, Add/Mul of a per-channel constant), then an activation (Relu,
 * Clip, HardSigmoid, the exported hard-swish chain x * Clip(x + 3, 0, 6) / 6, or swish x * Sigmoid(x)), then a
 * simulated quantization's QuantizeLinear → DequantizeLinear pair ({@link FakeQuant}), and again while the chain
 * goes on, all applied by the convolution's {@link Epilogue} to each output row while it is in cache; after any
 * other producer, a BatchNormalization chain with its activation (and pairs) as one per-channel pass; and any other
 * QuantizeLinear → DequantizeLinear pair as one fake-quant pass, so a simulated graph never materializes its
 * integer tensors (a run that asks for one gets the node-by-node plan, as for any value a chain eliminates). Every
 * value inside a chain has exactly one reader (the hard-swish and swish inputs: the chain's two) and is not a graph
 * output, so nothing outside can see it disappear. The epilogue evaluates each op as its kernel does, so fused
 * results are bit-identical; weights are not folded (that would change rounding, and with it a quantization
 * simulation's grid decisions).
 */
final class Fusion {
    /** One step: the chain's nodes in order, its data input and output, and the kernel that computes it. */
    record Match(List<Node> nodes, List<String> inputs, String output, OpKernel kernel) {
        Match(List<Node> nodes, String input, String output, OpKernel kernel) {
            this(nodes, List.of(input), output, kernel);
        }

        /** The values the chain computes without materializing them. */
        List<String> eliminated() {
            List<String> e = new ArrayList<>();
            for (Node n : nodes) {
                if (!n.output(0).equals(output)) {
                    e.add(n.output(0));
                }
            }
            return e;
        }
    }

    /** An activation: the epilogue stage it adds, the nodes it replaces and the value it computes. */
    private record Act(Consumer<Epilogue.Builder> stage, List<Node> nodes, String output) {
        Act(Activation act, List<Node> nodes, String output) {
            this(b -> b.activation(act), nodes, output);
        }
    }

    private final Graph g;
    private final Set<String> graphOutputs;
    private final ValueRanks ranks;

    Fusion(Graph g, Set<String> graphOutputs) {
        this.g = g;
        this.graphOutputs = graphOutputs;
        this.ranks = new ValueRanks(g, name -> floatWeight(name));
    }

    /**
     * The step starting at {@code n}: with {@code fuse}, the longest chain above; without, a Conv with weights
     * packed once and nothing fused. Null when {@code n} runs by its plain op kernel.
     */
    Match match(Node n, boolean fuse) {
        if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) {
            return null;
        }
        if (n.opType().equals("Conv")) {
            return conv(n, fuse);
        }
        if (n.opType().equals("Gemm")) {
            return TransposedGemmWeights.match(this, n);
        }
        if (fuse && n.opType().equals("BatchNormalization")) {
            return batchNorm(n);
        }
        if (fuse && n.opType().equals("QuantizeLinear")) {
            return fakeQuantPass(n);
        }
        if (fuse && n.opType().equals("Mul")) {
            return ScaledConvFusion.match(this, n);
        }
        return null;
    }

    private Match conv(Node n, boolean fuse) {
        Tensor w = floatWeight(n.input(1));
        Tensor b = n.input(2).isEmpty() ? null : floatWeight(n.input(2));
        if (w == null || (!n.input(2).isEmpty() && b == null) || n.outputs().size() != 1 || w.rank() < 3) {
            return null;
        }
        if (!fuse) {
            return new Match(List.of(n), n.input(0), n.output(0), FusedOps.conv(n, w, b, Epilogue.NONE));
        }
        List<Node> chain = new ArrayList<>(List.of(n));
        Epilogue.Builder stages = new Epilogue.Builder();
        String v = epilogueChain(n.output(0), w.dim(0), w.rank(), stages, chain);
        return new Match(chain, n.input(0), v, FusedOps.conv(n, w, b, stages.then(Activation.NONE)));
    }

    /**
     * Per-channel ops, then an activation, then a QuantizeLinear → DequantizeLinear pair, repeated while the chain
     * goes on (a simulated graph quantizes a convolution's output and again its activation's); returns the last
     * value.
     */
    String epilogueChain(String v, int channels, int rank, Epilogue.Builder stages, List<Node> chain) {
        while (true) {
            v = channelChain(v, channels, rank, stages, chain);
            Act act = activation(v, channels, rank);
            if (act != null) {
                chain.addAll(act.nodes());
                act.stage().accept(stages);
                v = act.output();
            }
            Node q = single(v);
            FakeQuant fq = q == null ? null : fakeQuant(q, v, channels, rank);
            if (fq == null) {
                return v;
            }
            Node dq = single(q.output(0));
            chain.add(q);
            chain.add(dq);
            stages.fakeQuant(fq);
            v = dq.output(0);
        }
    }

    /** A QuantizeLinear → DequantizeLinear pair after any other producer, as one pass (see {@link FakeQuant}). */
    private Match fakeQuantPass(Node q) {
        FakeQuant fq = fakeQuant(q, q.input(0), -1, -1);
        if (fq == null) {
            return null;
        }
        Node dq = single(q.output(0));
        if (onGrid(q.input(0), fq, 0) && fq.keepsItsGrid()) {
            // the pair gives its input back bit for bit: a step that passes it on (ShuffleNet's pairs after its
            // channel shuffles' Reshape and Transpose were a quarter of its simulated run)
            return new Match(List.of(q, dq), q.input(0), dq.output(0), FusedOps.PASS_ON);
        }
        return new Match(List.of(q, dq), q.input(0), dq.output(0), FusedOps.fakeQuantStep(fq,
                (int) q.attrInt("axis", 1)));
    }

    /** Ops whose output values are values of their data input(s), only moved or selected. */
    private static final Set<String> MOVES_VALUES = Set.of("Reshape", "Transpose", "Flatten", "Squeeze", "Unsqueeze",
            "Identity", "Slice", "Split", "Concat", "MaxPool");

    /**
     * Whether every value of {@code v} is on {@code fq}'s grid: the output of a DequantizeLinear (paired with a
     * QuantizeLinear) with the same scale, zero point and range, or values of such outputs moved or selected by
     * {@link #MOVES_VALUES} ops (every data input of a Concat).
     */
    private boolean onGrid(String v, FakeQuant fq, int depth) {
        Node p = g.producer(v);
        if (p == null || depth > 32 || !(p.domain().isEmpty() || p.domain().equals("ai.onnx"))) {
            return false;
        }
        if (p.opType().equals("DequantizeLinear")) {
            Node pq = g.producer(p.input(0));
            FakeQuant up = pq == null ? null : fakeQuant(pq, pq.input(0), -1, -1);
            return up != null && up.sameGrid(fq);
        }
        if (!MOVES_VALUES.contains(p.opType()) || (p.opType().equals("MaxPool") && p.outputs().size() > 1)) {
            return false;
        }
        if (p.opType().equals("Concat")) {
            for (String in : p.inputs()) {
                if (!onGrid(in, fq, depth + 1)) {
                    return false;
                }
            }
            return !p.inputs().isEmpty();
        }
        return onGrid(p.input(0), fq, depth + 1);
    }

    /**
     * The fake quantization of {@code q} when it is a QuantizeLinear of {@code v} whose output only a
     * DequantizeLinear reads, with the same constant scale, zero point and axis, no blocks; else null. With
     * {@code channels} &gt; 0 (an epilogue's data of that many channels on axis 1, of rank {@code rank} or -1 when
     * unknown) a per-axis pair must be along axis 1; with -1 any axis (checked against the data when it runs).
     */
    FakeQuant fakeQuant(Node q, String v, int channels, int rank) {
        if (!q.opType().equals("QuantizeLinear") || !isDefault(q) || q.inputs().size() < 2 || !q.input(0).equals(v)
                || q.outputs().size() != 1 || q.attrInt("block_size", 0) != 0) {
            return null;
        }
        Node dq = single(q.output(0));
        if (dq == null || !dq.opType().equals("DequantizeLinear") || !isDefault(dq) || dq.inputs().size() < 2
                || !dq.input(0).equals(q.output(0)) || dq.outputs().size() != 1 || dq.attrInt("block_size", 0) != 0) {
            return null;
        }
        Tensor scale = floatWeight(q.input(1));
        Tensor dqScale = floatWeight(dq.input(1));
        if (scale == null || dqScale == null || scale.rank() > 1 || !java.util.Arrays.equals(scale.data(), dqScale.data())
                || !java.util.Arrays.equals(scale.shape(), dqScale.shape())) {
            return null;
        }
        String zName = q.inputs().size() > 2 ? q.input(2) : "";
        String dqzName = dq.inputs().size() > 2 ? dq.input(2) : "";
        LongTensor zero = zName.isEmpty() ? null : longWeight(zName);
        LongTensor dqZero = dqzName.isEmpty() ? null : longWeight(dqzName);
        if (zName.isEmpty() != dqzName.isEmpty() || (!zName.isEmpty() && (zero == null || dqZero == null
                || zero.size() != scale.size() || !java.util.Arrays.equals(zero.data(), dqZero.data())))) {
            return null;
        }
        int s = scale.size();
        if (s != 1) {
            long axis = q.attrInt("axis", 1);
            long dqAxis = dq.attrInt("axis", 1);
            boolean sameAxis = axis == dqAxis || rank > 0 && (axis < 0 ? axis + rank : axis) == (dqAxis < 0 ? dqAxis + rank : dqAxis);
            if (!sameAxis || s == 0) {
                return null;
            }
            if (channels > 0 && (s != channels || (axis < 0 ? (rank > 0 ? axis + rank : -1) : axis) != 1)) {
                return null;
            }
        }
        return FusedOps.fakeQuant(scale, zero, (int) q.attrInt("output_dtype", 2));
    }

    /** A BatchNormalization (and following per-channel ops and activation) as one pass over its input. */
    private Match batchNorm(Node n) {
        Tensor scale = floatWeight(n.input(1));
        if (scale == null) {
            return null;
        }
        int c = scale.size();
        Epilogue.Builder stages = new Epilogue.Builder();
        // the input's rank from its producers where they tell it (a Conv's weights, a graph input, ops that keep their
        // input's rank): per-channel constants ([C, 1, 1]) need it; unknown (-1), only BatchNormalization (always axis
        // 1) and scalar constants fuse. DenseNet's BatchNormalization -> Mul -> Add -> Relu after each Concat ran as
        // four passes (13.5 of light_densenet121's 59 ms a run)
        int rank = ranks.of(n.input(0));
        if (!absorb(n, n.input(0), c, rank, stages)) {
            return null;
        }
        List<Node> chain = new ArrayList<>(List.of(n));
        String v = epilogueChain(n.output(0), c, rank, stages, chain);
        return new Match(chain, n.input(0), v, FusedOps.channelwise(c, stages.then(Activation.NONE)));
    }

    /**
     * Follows single readers of {@code v} while they are per-channel ops on it, adding them as stages; returns
     * the last value. rank: the data's rank, -1 when unknown.
     */
    private String channelChain(String v, int channels, int rank, Epilogue.Builder stages, List<Node> chain) {
        while (true) {
            Node c = single(v);
            if (c == null || !absorb(c, v, channels, rank, stages)) {
                return v;
            }
            chain.add(c);
            v = c.output(0);
        }
    }

    /**
     * If {@code c} is a per-channel op on {@code v}, adds it as a stage and returns true. BatchNormalization's
     * mul = γ / sqrt(σ² + ε) and add = β - μ · mul are computed exactly as its kernel computes them.
     */
    private boolean absorb(Node c, String v, int channels, int rank, Epilogue.Builder stages) {
        if (!isDefault(c) || c.outputs().isEmpty()) {
            return false;
        }
        if (c.opType().equals("BatchNormalization") && c.input(0).equals(v) && onlyFirstOutput(c)
                && c.attrInt("training_mode", 0) == 0) {
            float[][] p = new float[4][];
            for (int i = 0; i < 4; i++) {
                Tensor t = floatWeight(c.input(i + 1));
                if (t == null || t.size() != channels) {
                    return false;
                }
                p[i] = t.data();
            }
            float eps = c.attrFloat("epsilon", 1e-5f);
            float[] mul = new float[channels];
            float[] add = new float[channels];
            for (int ch = 0; ch < channels; ch++) {
                double f = p[0][ch] / Math.sqrt((double) p[3][ch] + eps);
                mul[ch] = (float) f;
                add[ch] = (float) (p[1][ch] - p[2][ch] * f);
            }
            stages.affine(mul, add);
            return true;
        }
        if ((c.opType().equals("Add") || c.opType().equals("Mul")) && c.inputs().size() == 2
                && c.outputs().size() == 1) {
            String other = c.input(0).equals(v) ? c.input(1) : c.input(1).equals(v) ? c.input(0) : null;
            float[] k = other == null ? null : perChannel(floatWeight(other), channels, rank);
            if (k == null) {
                return false;
            }
            if (c.opType().equals("Add")) {
                stages.add(k);
            } else {
                stages.mul(k);
            }
            return true;
        }
        return false;
    }

    /** The activation reading {@code v} (as v's only reader, or the hard-swish chain's two), or null. */
    private Act activation(String v, int channels, int rank) {
        Node c = single(v);
        if (c != null && c.input(0).equals(v) && c.outputs().size() == 1 && isDefault(c)) {
            switch (c.opType()) {
                case "Relu":
                    return new Act(Activation.RELU_ACT, List.of(c), c.output(0));
                case "HardSigmoid":
                    return new Act(Activation.hardSigmoid(c.attrFloat("alpha", 0.2f), c.attrFloat("beta", 0.5f)),
                            List.of(c), c.output(0));
                case "Clip":
                    float[] lohi = clipBounds(c);
                    return lohi == null ? null : new Act(Activation.clip(lohi[0], lohi[1]), List.of(c), c.output(0));
                default:
                    return null;
            }
        }
        Act hs = hardSwish(v, channels, rank);
        return hs != null ? hs : swish(v, channels, rank);
    }

    /**
     * Div(Mul(v, Clip(Add(v, k), lo, hi)), d) with scalar constants, v read by exactly the Add and the Mul; in a
     * simulated graph a QuantizeLinear → DequantizeLinear pair may follow the Add, the Clip and the Mul.
     */
    private Act hardSwish(String v, int channels, int rank) {
        Node[] pair = readerPair(v, "Add", "Mul");
        Node add = pair == null ? null : pair[0];
        Node mul = pair == null ? null : pair[1];
        if (pair == null || add.inputs().size() != 2 || mul.inputs().size() != 2 || add.outputs().size() != 1) {
            return null;
        }
        Float k = scalar(add.input(0).equals(v) ? add.input(1) : add.input(1).equals(v) ? add.input(0) : null, rank);
        List<Node> nodes = new ArrayList<>(List.of(add));
        FakeQuant[] fq = new FakeQuant[3];
        String sum = pairAfter(add.output(0), channels, rank, nodes, fq, 0);
        Node clip = single(sum);
        if (k == null || clip == null || !clip.opType().equals("Clip") || !isDefault(clip)
                || !clip.input(0).equals(sum) || clip.outputs().size() != 1) {
            return null;
        }
        nodes.add(clip);
        float[] lohi = clipBounds(clip);
        String clipped = pairAfter(clip.output(0), channels, rank, nodes, fq, 1);
        boolean mulReads = mul.input(0).equals(v) && mul.input(1).equals(clipped)
                || mul.input(1).equals(v) && mul.input(0).equals(clipped);
        if (lohi == null || single(clipped) != mul || !mulReads || mul.outputs().size() != 1) {
            return null;
        }
        nodes.add(mul);
        String product = pairAfter(mul.output(0), channels, rank, nodes, fq, 2);
        Node div = single(product);
        if (div == null || !div.opType().equals("Div") || !isDefault(div) || !div.input(0).equals(product)
                || div.outputs().size() != 1) {
            return null;
        }
        Float d = scalar(div.input(1), rank);
        if (d == null) {
            return null;
        }
        nodes.add(div);
        if (fq[0] == null && fq[1] == null && fq[2] == null) {
            return new Act(Activation.hardSwishChain(k, lohi[0], lohi[1], d), nodes, div.output(0));
        }
        QuantizedHardSwish qhs = new QuantizedHardSwish(k, lohi[0], lohi[1], d, fq[0], fq[1], fq[2]);
        return new Act(b -> b.quantizedHardSwish(qhs), nodes, div.output(0));
    }

    /**
     * Swish / SiLU as exported: Mul(v, Sigmoid(v)), v read by exactly the Sigmoid and the Mul; in a simulated graph
     * a QuantizeLinear → DequantizeLinear pair may follow the Sigmoid. (EfficientNet-B0's 49 activations: its
     * Sigmoid and Mul passes were 11 of 31 ms of a run, after the convolution had written each row.)
     */
    private Act swish(String v, int channels, int rank) {
        Node[] pair = readerPair(v, "Sigmoid", "Mul");
        Node sig = pair == null ? null : pair[0];
        Node mul = pair == null ? null : pair[1];
        if (pair == null || !sig.input(0).equals(v) || sig.outputs().size() != 1 || mul.inputs().size() != 2
                || mul.outputs().size() != 1) {
            return null;
        }
        List<Node> nodes = new ArrayList<>(List.of(sig));
        FakeQuant[] fq = new FakeQuant[1];
        String s = pairAfter(sig.output(0), channels, rank, nodes, fq, 0);
        boolean mulReads = mul.input(0).equals(v) && mul.input(1).equals(s) || mul.input(1).equals(v) && mul.input(0).equals(s);
        if (single(s) != mul || !mulReads) {
            return null;
        }
        nodes.add(mul);
        return new Act(b -> b.swish(fq[0]), nodes, mul.output(0));
    }

    /** v's two readers when they are default-domain ops of types {@code first} and {@code second}, in that order. */
    private Node[] readerPair(String v, String first, String second) {
        List<Node> readers = g.consumers(v);
        if (graphOutputs.contains(v) || readers.size() != 2) {
            return null;
        }
        Node a = readers.get(0).opType().equals(first) ? readers.get(0) : readers.get(1);
        Node b = a == readers.get(0) ? readers.get(1) : readers.get(0);
        if (!a.opType().equals(first) || !b.opType().equals(second) || !isDefault(a) || !isDefault(b)) {
            return null;
        }
        return new Node[] {a, b};
    }

    /**
     * If a QuantizeLinear → DequantizeLinear pair (fit for an epilogue) reads {@code v}, adds its two nodes,
     * stores its fake quantization in fq[i] and returns the DequantizeLinear's output; else returns v.
     */
    private String pairAfter(String v, int channels, int rank, List<Node> nodes, FakeQuant[] fq, int i) {
        Node q = single(v);
        FakeQuant f = q == null ? null : fakeQuant(q, v, channels, rank);
        if (f == null) {
            return v;
        }
        Node dq = single(q.output(0));
        nodes.add(q);
        nodes.add(dq);
        fq[i] = f;
        return dq.output(0);
    }

    /** Clip's constant bounds (attributes before opset 11, inputs after), or null when they are not constants. */
    private float[] clipBounds(Node c) {
        if (g.opset() < 11 || c.hasAttr("min") || c.hasAttr("max")) {
            return new float[] {c.attrFloat("min", Float.NEGATIVE_INFINITY), c.attrFloat("max", Float.POSITIVE_INFINITY)};
        }
        Float lo = c.input(1).isEmpty() ? Float.valueOf(Float.NEGATIVE_INFINITY) : scalar(c.input(1), -1);
        Float hi = c.input(2).isEmpty() ? Float.valueOf(Float.POSITIVE_INFINITY) : scalar(c.input(2), -1);
        return lo == null || hi == null ? null : new float[] {lo, hi};
    }

    /** A one-element float weight whose rank cannot widen the data's (rank -1: unknown, so at most 1). */
    private Float scalar(String name, int rank) {
        Tensor t = name == null ? null : floatWeight(name);
        if (t == null || t.size() != 1 || t.rank() > Math.max(rank, 1)) {
            return null;
        }
        return t.get(0);
    }

    /** t's values per channel (axis 1 of data of the given rank) if t broadcasts that way, else null. */
    private static float[] perChannel(Tensor t, int channels, int rank) {
        if (t == null) {
            return null;
        }
        int[] s = t.shape();
        if (t.size() == 1 && s.length <= Math.max(rank, 1)) {
            float[] k = new float[channels];
            java.util.Arrays.fill(k, t.get(0));
            return k;
        }
        // [C, 1, ..., 1] aligned to axis 1: rank - 1 axes, or [1, C, 1, ..., 1] with all rank axes
        if (rank < 2 || t.size() != channels || s.length < rank - 1 || s.length > rank) {
            return null;
        }
        int axis = s.length - (rank - 1);
        for (int i = 0; i < s.length; i++) {
            if (i != axis && s[i] != 1) {
                return null;
            }
        }
        return t.data();
    }

    Node single(String v) {
        if (graphOutputs.contains(v)) {
            return null;
        }
        List<Node> c = g.consumers(v);
        return c.size() == 1 ? c.get(0) : null;
    }

    private static boolean onlyFirstOutput(Node n) {
        for (int i = 1; i < n.outputs().size(); i++) {
            if (!n.output(i).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    static boolean isDefault(Node n) {
        return n.domain().isEmpty() || n.domain().equals("ai.onnx");
    }

    private LongTensor longWeight(String name) {
        Object w = g.weights().get(name);
        return w instanceof LongTensor ? (LongTensor) w : null;
    }

    Tensor floatWeight(String name) {
        Object w = name == null || name.isEmpty() ? null : g.weights().get(name);
        return w instanceof Tensor ? (Tensor) w : null;
    }
}
