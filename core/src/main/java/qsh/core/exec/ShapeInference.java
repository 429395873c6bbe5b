package qsh.core.exec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import qsh.core.exec.ops.OpKernel;
import qsh.core.exec.ops.Ops;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.graph.ValueInfo;
import qsh.core.schema.SchemaCheck;
import qsh.core.shape.ShapeOpRules;
import qsh.core.shape.ShapeRules;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.Tensor;

/**
 * Static shape inference: every value's shape from the graph inputs' shapes and the weights, without running
 * the model. Shapes follow the ONNX operator definitions of the ops qsh's executor supports ({@link ShapeRules});
 * an op without a rule, or a shape that depends on data (a Reshape target computed from activations), leaves its
 * outputs unknown.
 *
 * <p>Small integer subgraphs that exported models use to compute shapes (Shape, Gather, Slice, Concat, Cast,
 * Unsqueeze, arithmetic ...) are constant-folded: a node whose inputs all have known values of at most
 * {@link #FOLD_LIMIT} elements is evaluated with the executor's own op kernel, so a folded value is exactly what a
 * run would compute. Shape nodes are folded from the inferred shape alone.
 *
 * <p>An inconsistency (a Conv whose channels do not match, shapes that do not broadcast, a Reshape to another
 * element count) is recorded as a problem naming the node, and that node's outputs stay unknown.
 */
public final class ShapeInference {
    /** Largest value (in elements) folded as a constant. */
    public static final int FOLD_LIMIT = 4096;

    /**
     * The outcome of one inference.
     *
     * @param shapes    the shape of every value that could be inferred (weights and inputs included)
     * @param constants values known without running: weights and folded small integer values
     * @param problems  one line per node whose input shapes contradict the op ("node 'X' (Op): ..."), in order
     */
    public record Result(Map<String, int[]> shapes, Map<String, Object> constants, List<String> problems) {
        /** The shape of {@code value}, or null when unknown. */
        public int[] shape(String value) {
            return shapes.get(value);
        }
    }

    private ShapeInference() {}

    /**
     * Infers shapes for {@code g} with the graph inputs of the given shapes (an input missing from the map uses
     * its declared shape when that is fully static, else stays unknown).
     */
    public static Result infer(Graph g, Map<String, int[]> inputShapes) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        Map<String, Object> values = new HashMap<>(g.weights());
        g.weights().forEach((k, v) -> shapes.put(k, ShapeRules.shapeOf(v)));
        for (ValueInfo vi : g.inputs()) {
            int[] s = inputShapes.get(vi.name());
            if (s == null && vi.isStatic()) {
                s = Arrays.stream(vi.dims()).mapToInt(Math::toIntExact).toArray();
            }
            if (s != null) {
                shapes.put(vi.name(), s.clone());
            }
        }
        List<String> problems = new ArrayList<>();
        long opset = g.opset();
        for (Node n : g.nodes()) {
            int k = n.inputs().size();
            int[][] in = new int[k][];
            Object[] vals = new Object[k];
            for (int i = 0; i < k; i++) {
                String name = n.input(i);
                in[i] = name.isEmpty() ? null : shapes.get(name);
                vals[i] = name.isEmpty() ? null : values.get(name);
            }
            String arity = SchemaCheck.arityProblem(n, opset);
            if (arity != null) {
                problems.add(arity);
                continue;
            }
            int[][] out;
            try {
                out = ShapeRules.outputs(n, in, vals, opset);
                for (int[] o : out) {
                    if (o != null) {
                        Tensor.checkedSize(o); // refuses negative and absurd sizes, before anything is allocated
                    }
                }
            } catch (ArithmeticException | IllegalArgumentException e) {
                problems.add("node '" + n.name() + "' (" + n.opType() + "): " + e.getMessage());
                continue;
            } catch (RuntimeException e) {
                // a rule that did not foresee this node (not a checked problem of the model): its outputs stay
                // unknown, and running the node reports what happens there
                continue;
            }
            for (int j = 0; j < n.outputs().size() && j < out.length; j++) {
                if (!n.output(j).isEmpty() && out[j] != null) {
                    shapes.put(n.output(j), out[j]);
                }
            }
            fold(n, in, vals, out, opset, values);
        }
        return new Result(Collections.unmodifiableMap(shapes), Collections.unmodifiableMap(values), List.copyOf(problems));
    }

    /**
     * The output shapes of {@code n} run on these concrete input {@code values} (Tensor or LongTensor, null for an
     * absent optional input), or null when qsh has no shape rule for it or the rule refuses the inputs (the kernel
     * then reports the problem). The executor uses this to check, before a node allocates, the outputs whose shapes
     * depend on data (an Expand to a computed shape).
     */
    public static int[][] outputShapes(Node n, Object[] values, long opset) {
        int[][] in = new int[values.length][];
        for (int i = 0; i < values.length; i++) {
            in[i] = values[i] == null ? null : ShapeRules.shapeOf(values[i]);
        }
        try {
            return ShapeRules.outputs(n, in, values, opset);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Infers with every graph input at its declared shape (inputs with symbolic dimensions stay unknown). */
    public static Result infer(Graph g) {
        return infer(g, Map.of());
    }

    /** Evaluates {@code n} when its inputs are known small values (Shape: when its input's shape is known). */
    private static void fold(Node n, int[][] in, Object[] vals, int[][] out, long opset, Map<String, Object> values) {
        if (n.outputs().isEmpty() || n.output(0).isEmpty() || out.length == 0 || out[0] == null
                || Tensor.checkedSize(out[0]) > FOLD_LIMIT || FOLD_EXCLUDED.contains(n.opType())) {
            return;
        }
        if (n.opType().equals("Shape")) {
            int[] s = in[0];
            long[] v = new long[out[0][0]];
            int start = ShapeOpRules.shapeStart(n, s.length);
            for (int i = 0; i < v.length; i++) {
                v[i] = s[start + i];
            }
            values.put(n.output(0), LongTensor.vector(v));
            return;
        }
        OpKernel kernel = Ops.get(n.domain(), n.opType());
        if (kernel == null || n.outputs().size() != 1) {
            return;
        }
        for (int i = 0; i < vals.length; i++) {
            if (!n.input(i).isEmpty() && (vals[i] == null || Tensor.checkedSize(ShapeRules.shapeOf(vals[i])) > FOLD_LIMIT)) {
                return;
            }
        }
        try {
            Object[] r = kernel.run(n, vals.clone(), opset);
            if (r.length > 0 && r[0] != null && Arrays.equals(ShapeRules.shapeOf(r[0]), out[0])) {
                values.put(n.output(0), r[0]);
            }
        } catch (RuntimeException e) {
            // not foldable after all (the run will report it); the shape stays as inferred
        }
    }

    /** Ops never folded: their values are not needed for shapes, and folding them would only cost time. */
    private static final Set<String> FOLD_EXCLUDED = Set.of("Conv", "ConvTranspose", "Gemm", "MatMul",
            "QuantizeLinear", "DequantizeLinear", "Resize", "Upsample", "Dropout");
}
