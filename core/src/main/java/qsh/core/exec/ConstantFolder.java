package qsh.core.exec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import qsh.core.exec.ops.OpKernel;
import qsh.core.exec.ops.Ops;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.graph.ValueInfo;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.MemoryBudget;
import qsh.core.tensor.Tensor;

/**
 * Folds the nodes whose every input is an initializer (or a Constant, which the reader already made one) into
 * initializers, the way QNN's converters simplify a model before they convert it. Exported models compute
 * weights this way: ONNX's {@code light_*} models make every weight with ConstantOfShape, and PaddleOCR's
 * detector reaches a convolution's bias through {@code Reshape(bias) → Add}. Folded, such a tensor is what it is
 * on a device, a static parameter, instead of an activation that is calibrated and recomputed on every run.
 *
 * <p>Left as nodes: QuantizeLinear/DequantizeLinear (a pre-quantized model keeps its integer weights and their
 * encodings), nodes producing a graph output, nodes whose result would exceed {@link #MAX_FOLDED_ELEMENTS}, and
 * nodes whose result's ONNX element type qsh cannot hold exactly (a float16/double result of a mixed-type op).
 * A node qsh cannot run, or that fails on its constants, stays as it is: the executor reports it when it runs.
 */
public final class ConstantFolder {
    /** Ops never folded: their integer inputs are the model's own quantization, kept for qsh to read. */
    private static final Set<String> KEPT = Set.of("QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear");
    /**
     * The largest result folded (elements): a quarter of the heap in floats (VGG-19's 103 M-element fc6 weight
     * folds with the default heap of a machine with 8 GB or more); a larger one stays a node, computed per run.
     */
    public static final long MAX_FOLDED_ELEMENTS = Math.min(Tensor.MAX_ELEMENTS, Runtime.getRuntime().maxMemory() / 16);

    /** The folded graph and what was folded: op type → node count, in op-type order. */
    public record Result(Graph graph, Map<String, Integer> foldedOps, int foldedNodes) {
        /** One line for a note, e.g. "ConstantOfShape ×16, Reshape ×2". */
        public String summary() {
            StringBuilder sb = new StringBuilder();
            foldedOps.forEach((op, c) -> sb.append(sb.length() == 0 ? "" : ", ").append(op).append(c > 1 ? " ×" + c : ""));
            return sb.toString();
        }
    }

    private ConstantFolder() {}

    /** {@code g} with its constant subgraphs folded into initializers; {@code g} itself when nothing folds. */
    public static Result fold(Graph g) {
        Map<String, Object> values = new LinkedHashMap<>(g.weights());
        Map<String, Integer> types = new HashMap<>(g.weightTypes());
        Set<String> graphOutputs = new HashSet<>();
        for (ValueInfo o : g.outputs()) {
            graphOutputs.add(o.name());
        }
        List<Node> kept = new ArrayList<>();
        Map<String, Integer> folded = new TreeMap<>();
        int count = 0;
        for (Node n : g.nodes()) {
            Object[] outs = foldable(g, n, values, graphOutputs) ? evaluate(g, n, values) : null;
            int[] outTypes = outs == null ? null : outputTypes(n, outs, values, types);
            if (outTypes == null) {
                kept.add(n);
                continue;
            }
            for (int j = 0; j < n.outputs().size(); j++) {
                String o = n.output(j);
                if (!o.isEmpty()) {
                    values.put(o, outs[j]);
                    types.put(o, outTypes[j]);
                }
            }
            folded.merge(n.opType(), 1, Integer::sum);
            count++;
        }
        if (count == 0) {
            return new Result(g, Map.of(), 0);
        }
        // initializers only the folded nodes read are gone with them (unless the graph returns them)
        Set<String> read = new HashSet<>(graphOutputs);
        for (Node n : kept) {
            read.addAll(n.inputs());
        }
        Map<String, Object> weights = new LinkedHashMap<>();
        Map<String, Integer> weightTypes = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            String name = e.getKey();
            if (read.contains(name)) {
                weights.put(name, e.getValue());
                if (types.containsKey(name)) {
                    weightTypes.put(name, types.get(name));
                }
            }
        }
        return new Result(g.edited(kept, weights, weightTypes), folded, count);
    }

    private static boolean foldable(Graph g, Node n, Map<String, Object> values, Set<String> graphOutputs) {
        if (KEPT.contains(n.opType()) || Ops.get(n.domain(), n.opType()) == null) {
            return false;
        }
        boolean anyInput = false;
        for (String i : n.inputs()) {
            if (i.isEmpty()) {
                continue;
            }
            if (!values.containsKey(i)) {
                return false;
            }
            anyInput = true;
        }
        for (String o : n.outputs()) {
            if (graphOutputs.contains(o)) {
                return false;
            }
        }
        return anyInput; // an op without inputs (RandomNormal, …) is not a constant
    }

    /** The node's outputs on its constant inputs, or null when it fails or a result is too large to keep. */
    private static Object[] evaluate(Graph g, Node n, Map<String, Object> values) {
        OpKernel k = Ops.get(n.domain(), n.opType());
        Object[] args = new Object[n.inputs().size()];
        Set<Object> inputArrays = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int j = 0; j < args.length; j++) {
            String i = n.input(j);
            args[j] = i.isEmpty() ? null : values.get(i);
            if (args[j] instanceof Tensor t) {
                inputArrays.add(t.data());
            } else if (args[j] instanceof LongTensor l) {
                inputArrays.add(l.data());
            }
        }
        if (claimedElements(n, args, g.opset()) > MAX_FOLDED_ELEMENTS) {
            return null; // checked before the kernel allocates it
        }
        Object[] outs;
        try {
            outs = k.run(n, args, g.opset());
        } catch (RuntimeException e) {
            return null; // stays a node; running the model reports the failure with the node's name
        }
        if (outs.length < n.outputs().size()) {
            return null;
        }
        Object[] own = new Object[outs.length];
        for (int j = 0; j < outs.length; j++) {
            Object v = outs[j];
            if (v instanceof Tensor t) {
                if (t.size() > MAX_FOLDED_ELEMENTS) {
                    return null;
                }
                // a view of an input (Reshape, Identity) gets its own array: weights are replaced independently
                own[j] = inputArrays.contains(t.data()) ? Tensor.of(t.shape(), t.data().clone()) : t;
            } else if (v instanceof LongTensor l) {
                if (l.size() > MAX_FOLDED_ELEMENTS) {
                    return null;
                }
                own[j] = inputArrays.contains(l.data()) ? LongTensor.of(l.shape(), l.data().clone(), l.dataType()) : l;
            } else if (v != null || !n.output(j).isEmpty()) {
                return null;
            }
        }
        return own;
    }

    /**
     * The largest result {@code n} would allocate on {@code in}, in elements, from the shape rules the executor
     * checks its memory budget with (so a constant claiming billions of elements is never allocated); 0 when no rule
     * knows (the kernel then reports the problem), saturating instead of overflowing.
     */
    private static long claimedElements(Node n, Object[] in, long opset) {
        int[][] shapes = ShapeInference.outputShapes(n, in, opset);
        long most = 0;
        for (int[] s : shapes == null ? new int[0][] : shapes) {
            try {
                most = s == null ? most : Math.max(most, MemoryBudget.bytesOf(s, 1));
            } catch (IllegalArgumentException e) { // a negative claimed dimension: never allocate it here
                return Long.MAX_VALUE;
            }
        }
        return most;
    }

    /**
     * The ONNX element type of each result: an integer result says its own; a float result is FLOAT unless its
     * float inputs are all of one other type (a float16 weight reshaped stays float16), or the node is a Cast.
     * Null when that is ambiguous (mixed float types) or not a type qsh writes back exactly.
     */
    private static int[] outputTypes(Node n, Object[] outs, Map<String, Object> values, Map<String, Integer> types) {
        int floatType = -1;
        if (n.opType().equals("Cast")) {
            floatType = (int) n.attrInt("to", 1);
        } else {
            for (String i : n.inputs()) {
                if (!i.isEmpty() && values.get(i) instanceof Tensor) {
                    int t = types.getOrDefault(i, 1);
                    if (floatType >= 0 && floatType != t) {
                        return null;
                    }
                    floatType = t;
                }
            }
            floatType = floatType < 0 ? 1 : floatType;
        }
        int[] r = new int[n.outputs().size()];
        for (int j = 0; j < r.length; j++) {
            if (outs[j] instanceof Tensor) {
                if (floatType != 1 && floatType != 10) { // double/bfloat16 results would be written as float
                    return null;
                }
                r[j] = floatType;
            } else if (outs[j] instanceof LongTensor l) {
                r[j] = l.dataType();
            }
        }
        return r;
    }
}
