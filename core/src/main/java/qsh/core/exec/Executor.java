package qsh.core.exec;

import java.util.Arrays;
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
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.Tensor;

/**
 * Runs a {@link Graph} in float32, node by node in topological order. Intermediate values are dropped as
 * soon as their last consumer has run, so memory holds only the live frontier; an {@link Observer} sees every
 * produced value without the executor keeping it (calibration attaches here).
 */
public final class Executor {
    /** Watches produced values. */
    @FunctionalInterface
    public interface Observer {
        /** {@code value} (a Tensor or LongTensor) was produced as {@code name} by {@code node}. */
        void produced(String name, Node node, Object value);
    }

    /** An op qsh cannot run, or a node that failed: the message names the node and op. */
    public static final class ExecutionException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        ExecutionException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private Executor() {}

    /** The nodes of {@code g} that qsh cannot run. */
    public static List<Node> unsupported(Graph g) {
        return g.nodes().stream().filter(n -> Ops.get(n.domain(), n.opType()) == null).toList();
    }

    /** Runs {@code g} on {@code inputs} and returns its declared outputs. */
    public static Map<String, Object> run(Graph g, Map<String, ?> inputs, Observer observer) {
        return run(g, inputs, observer, Set.of());
    }

    /**
     * Runs {@code g}; returns the declared outputs plus any value named in {@code keep}. Inputs are checked
     * against the declared shapes (static dimensions must match).
     */
    public static Map<String, Object> run(Graph g, Map<String, ?> inputs, Observer observer, Set<String> keep) {
        Map<String, Object> live = new HashMap<>(g.weights());
        for (ValueInfo vi : g.inputs()) {
            Object t = inputs.get(vi.name());
            if (!(t instanceof Tensor) && !(t instanceof LongTensor)) {
                throw new IllegalArgumentException("missing input '" + vi.name() + "' " + vi.shapeString());
            }
            checkShape(vi, t);
            live.put(vi.name(), t);
        }
        for (String k : inputs.keySet()) {
            if (!g.isInput(k)) {
                throw new IllegalArgumentException("'" + k + "' is not an input of the model (inputs: "
                        + g.inputs().stream().map(ValueInfo::name).toList() + ")");
            }
        }
        Map<String, Integer> lastUse = new HashMap<>();
        List<Node> nodes = g.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            for (String in : nodes.get(i).inputs()) {
                lastUse.put(in, i);
            }
        }
        Set<String> outputs = new java.util.HashSet<>(keep);
        g.outputs().forEach(o -> outputs.add(o.name()));
        long opset = g.opset();
        for (int i = 0; i < nodes.size(); i++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new ExecutionException("interrupted", null);
            }
            Node n = nodes.get(i);
            OpKernel k = Ops.get(n.domain(), n.opType());
            if (k == null) {
                throw new ExecutionException("node '" + n.name() + "': op " + (n.domain().isEmpty() ? "" : n.domain() + ".")
                        + n.opType() + " is not supported by qsh's executor", null);
            }
            Object[] args = new Object[n.inputs().size()];
            for (int j = 0; j < args.length; j++) {
                String name = n.inputs().get(j);
                args[j] = name.isEmpty() ? null : live.get(name);
            }
            Object[] outs;
            try {
                outs = k.run(n, args, opset);
            } catch (ExecutionException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new ExecutionException("node '" + n.name() + "' (" + n.opType() + ") failed: " + e.getMessage(), e);
            }
            for (int j = 0; j < n.outputs().size() && j < outs.length; j++) {
                String name = n.outputs().get(j);
                if (name.isEmpty()) {
                    continue;
                }
                live.put(name, outs[j]);
                if (observer != null) {
                    observer.produced(name, n, outs[j]);
                }
            }
            for (String in : n.inputs()) {
                if (lastUse.getOrDefault(in, -1) == i && !outputs.contains(in) && !g.weights().containsKey(in)) {
                    live.remove(in);
                }
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        for (ValueInfo o : g.outputs()) {
            result.put(o.name(), live.get(o.name()));
        }
        for (String k2 : keep) {
            if (live.containsKey(k2)) {
                result.put(k2, live.get(k2));
            }
        }
        return result;
    }

    private static void checkShape(ValueInfo vi, Object t) {
        long[] dims = vi.dims();
        int[] s = shapeOf(t);
        boolean ok = dims.length == s.length;
        for (int i = 0; ok && i < s.length; i++) {
            ok = dims[i] < 0 || dims[i] == s[i];
        }
        if (!ok) {
            throw new IllegalArgumentException("input '" + vi.name() + "' needs shape " + vi.shapeString() + ", got "
                    + Arrays.toString(s));
        }
    }

    /** The shape of a produced value (Tensor or LongTensor). */
    public static int[] shapeOf(Object v) {
        return v instanceof Tensor ? ((Tensor) v).shape() : ((LongTensor) v).shape();
    }
}
