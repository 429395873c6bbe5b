package qsh.core.exec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import qsh.core.exec.kernels.Buffers;
import qsh.core.exec.ops.OpKernel;
import qsh.core.exec.ops.Ops;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.graph.ValueInfo;
import qsh.core.shape.ShapeRules;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.MemoryBudget;
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

    /** Times the steps of a run: a step is one node, or a fused chain named by its first node. */
    @FunctionalInterface
    public interface StepClock {
        /** The step starting at {@code first}, running the op types {@code ops} ("Conv+Relu"), took {@code nanos}. */
        void step(Node first, String ops, long nanos);
    }

    /**
     * A problem of the model or its inputs (an op qsh cannot run, inputs that do not fit, a kernel's own check of
     * its inputs, the heap too small): the message names the node and op. A kernel's unexpected exception is an
     * {@link InternalFailure} instead, and a stop on request is {@link Cancelled}.
     */
    public static final class ExecutionException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        ExecutionException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * A kernel failed in a way its own input checks did not foresee (an index out of bounds, a cast): a bug in qsh,
     * not a problem of the model, reported as such with the node it happened in.
     */
    public static final class InternalFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public InternalFailure(String message, Throwable cause) {
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
     * against the declared shapes (static dimensions must match), then by static shape inference: inputs whose
     * shapes some node cannot accept are refused before anything runs, naming that node.
     *
     * <p>Without an observer the graph runs by its fused plan (see {@link ExecutionPlan}), whose outputs equal
     * the node-by-node result bit for bit but whose chain-internal values never exist; with an observer every
     * value the graph defines is produced, and no observed buffer is reused.
     */
    public static Map<String, Object> run(Graph g, Map<String, ?> inputs, Observer observer, Set<String> keep) {
        return run(g, inputs, observer, keep, null);
    }

    /**
     * Runs {@code g} as {@link #run(Graph, Map, Observer, Set)} does, telling {@code clock} (when not null) how
     * long each step took; the timing itself adds two clock reads per step.
     */
    public static Map<String, Object> run(Graph g, Map<String, ?> inputs, Observer observer, Set<String> keep,
                                          StepClock clock) {
        for (String k : inputs.keySet()) {
            if (!g.isInput(k)) {
                throw new IllegalArgumentException("'" + k + "' is not an input of the model (inputs: "
                        + g.inputs().stream().map(ValueInfo::name).toList() + ")");
            }
        }
        ExecutionPlan plan = ExecutionPlan.of(g, observer == null);
        for (String k : keep) {
            if (plan.eliminated.contains(k)) {
                plan = ExecutionPlan.of(g, false); // a kept value must exist
                break;
            }
        }
        Object[] live = plan.template.clone();
        for (ValueInfo vi : g.inputs()) {
            Object t = inputs.get(vi.name());
            if (!(t instanceof Tensor) && !(t instanceof LongTensor)) {
                throw new IllegalArgumentException("missing input '" + vi.name() + "' " + vi.shapeString());
            }
            checkShape(vi, t);
            live[plan.slots.get(vi.name())] = t;
        }
        Map<String, int[]> inputShapes = new LinkedHashMap<>();
        for (ValueInfo vi : g.inputs()) {
            inputShapes.put(vi.name(), shapeOf(inputs.get(vi.name())));
        }
        ExecutionPlan.ShapeCheck check = plan.shapeCheck(g, inputShapes);
        if (check.problem() != null) {
            throw new ExecutionException("inputs of shape " + describe(inputShapes) + " do not fit the model: " + check.problem(), null);
        }
        if (check.largestNode() != null) {
            MemoryBudget.check(where(check.largestNode()) + ": output", check.largestShape(), Float.BYTES);
        }
        boolean[] kept = new boolean[live.length];
        for (String k : keep) {
            Integer s = plan.slots.get(k);
            if (s != null) {
                kept[s] = true;
            }
        }
        // An observer may hold any value, so observed runs allocate plainly (and their dead values are garbage
        // as soon as the observer lets go, rather than held by the pool until the run ends).
        Buffers.Pool pool = observer == null ? plan.takePool() : null;
        Buffers.Pool previous = Buffers.enter(pool);
        try {
            runSteps(plan, g.opset(), live, observer, kept, pool, clock, check.unknown());
        } finally {
            Buffers.exit(previous);
            if (pool != null) {
                pool.endRun();
                plan.returnPool(pool);
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        for (ValueInfo o : g.outputs()) {
            result.put(o.name(), live[plan.slots.get(o.name())]);
        }
        for (String k2 : keep) {
            Integer s = plan.slots.get(k2);
            if (s != null && live[s] != null) {
                result.put(k2, live[s]);
            }
        }
        return result;
    }

    /**
     * Runs the steps over the slots. A step's dead inputs go back to the pool once no live value shares their
     * array (Reshape and Identity outputs share their input's), unless an observer may hold them or they are kept.
     */
    private static void runSteps(ExecutionPlan plan, long opset, Object[] live, Observer observer, boolean[] kept,
                                 Buffers.Pool pool, StepClock clock, Set<Node> dataDependent) {
        Map<float[], int[]> sharers = new IdentityHashMap<>();
        for (ExecutionPlan.Step st : plan.steps) {
            if (Cancelled.requested()) {
                throw new Cancelled("interrupted");
            }
            Node n = st.node;
            OpKernel k = st.kernel;
            if (k == null) {
                throw new ExecutionException("node '" + n.name() + "': op " + (n.domain().isEmpty() ? "" : n.domain() + ".")
                        + n.opType() + " is not supported by qsh's executor", null);
            }
            Object[] args = new Object[st.in.length];
            for (int j = 0; j < args.length; j++) {
                args[j] = st.in[j] < 0 ? null : live[st.in[j]];
            }
            if (dataDependent.contains(n)) {
                checkBudget(n, args, opset);
            }
            Object[] outs;
            long t0 = clock == null ? 0 : System.nanoTime();
            try {
                outs = k.run(n, args, opset);
                if (clock != null) {
                    clock.step(n, st.label, System.nanoTime() - t0);
                }
            } catch (ExecutionException | MemoryBudget.Exceeded | Cancelled | InternalFailure e) {
                throw e; // already said what it is (a subgraph's run inside a kernel, or a check before it)
            } catch (IllegalArgumentException | ArithmeticException e) {
                // a kernel's own check of its inputs: the model (or the data) is wrong, and the message says how
                throw new ExecutionException(where(n) + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new InternalFailure(where(n) + ": " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
            } catch (OutOfMemoryError e) {
                Arrays.fill(live, null); // let the collector have this run's values before anyone reports the failure
                throw new ExecutionException(where(n) + ": ran out of memory (the heap holds at most "
                        + MemoryBudget.describe(Runtime.getRuntime().maxMemory()) + "); lower memory-budget, or give"
                        + " Java more heap (QSH_JAVA_OPTS=-Xmx...)", null);
            }
            for (int j = 0; j < st.out.length && j < outs.length; j++) {
                int s = st.out[j];
                if (s < 0) {
                    continue;
                }
                live[s] = outs[j];
                if (observer != null) {
                    observer.produced(plan.names.get(s), n, outs[j]);
                } else if (outs[j] instanceof Tensor t) {
                    sharers.computeIfAbsent(t.data(), a -> new int[1])[0]++;
                }
            }
            for (int s : st.release) {
                if (kept[s]) {
                    continue;
                }
                Object v = live[s];
                live[s] = null;
                if (observer == null && v instanceof Tensor t) {
                    int[] c = sharers.get(t.data());
                    if (c != null && --c[0] == 0) {
                        sharers.remove(t.data());
                        pool.release(t.data());
                    }
                }
            }
        }
    }

    /**
     * Gives the buffers of a run's results back to {@code g}'s executor, for a caller that has read them and
     * will not touch them again (an evaluation loop, a benchmark): the next run reuses them instead of
     * allocating (fresh multi-megabyte arrays cost page faults that took longer than the ops filling them).
     * Arrays the executor did not lend out (inputs passed through, weights) are left alone.
     */
    public static void recycle(Graph g, Map<String, ?> results) {
        List<float[]> arrays = new ArrayList<>();
        for (Object v : results.values()) {
            if (v instanceof Tensor t) {
                arrays.add(t.data());
            }
        }
        for (ExecutionPlan plan : ExecutionPlan.cached(g)) {
            plan.reclaim(arrays);
        }
    }

    /** "node 'X' (Op)", as every message about a node starts. */
    private static String where(Node n) {
        return "node '" + n.name() + "' (" + n.opType() + ")";
    }

    /** Refuses to run {@code n} when an output its actual inputs imply would not fit the memory budget. */
    private static void checkBudget(Node n, Object[] args, long opset) {
        int[][] shapes = ShapeInference.outputShapes(n, args, opset);
        if (shapes == null) {
            return;
        }
        for (int[] s : shapes) {
            if (s != null) {
                MemoryBudget.check(where(n) + ": output", s, Float.BYTES);
            }
        }
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

    private static String describe(Map<String, int[]> shapes) {
        StringBuilder sb = new StringBuilder();
        shapes.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(Arrays.toString(v)));
        return sb.toString();
    }

    /** The shape of a produced value (Tensor or LongTensor). */
    public static int[] shapeOf(Object v) {
        return ShapeRules.shapeOf(v);
    }
}
