package qsh.core.exec;

import java.lang.ref.SoftReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import qsh.core.exec.kernels.Buffers;
import qsh.core.exec.ops.OpKernel;
import qsh.core.exec.ops.Ops;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.graph.ValueInfo;
import qsh.core.tensor.MemoryBudget;

/**
 * What the executor works out once per graph instead of on every run: each value's slot in an array (no name
 * look-ups while running), each step's kernel with its weights prepared (convolution weights packed; in the
 * fused variant the per-channel ops and activations after a convolution moved into its epilogue, see {@link Fusion}),
 * and after which step each value is dead. Plans are cached per Graph instance (graphs are immutable) and held
 * weakly, so a plan lives as long as its graph. The graph and its weights are never modified.
 *
 * <p>The plan also keeps the pool of buffers its runs recycle (softly, so memory pressure can reclaim it).
 */
final class ExecutionPlan {
    /** One step: a node (or fused chain, named by its first node) reading and writing slots. */
    static final class Step {
        final Node node;
        final OpKernel kernel;
        final int[] in;
        final int[] out;
        /** The op types the step runs, as "Conv+BatchNormalization+Relu" for a fused chain. */
        final String label;
        /** Slots read for the last time by this step (or written and never read), freed after it. */
        int[] release = new int[0];

        Step(Node node, OpKernel kernel, int[] in, int[] out, String label) {
            this.node = node;
            this.label = label;
            this.kernel = kernel;
            this.in = in;
            this.out = out;
        }
    }

    private static final Map<Graph, ExecutionPlan[]> CACHE = new WeakHashMap<>();

    final Map<String, Integer> slots = new HashMap<>();
    final List<String> names = new ArrayList<>();
    final Object[] template;
    final List<Step> steps = new ArrayList<>();
    /** Values a fused step computes without materializing them (empty for the unfused plan). */
    final Set<String> eliminated = new HashSet<>();
    final boolean[] isWeight;
    /** Idle buffer pools, one per concurrent run seen (at most {@link #MAX_POOLS} kept). */
    private final ConcurrentLinkedDeque<SoftReference<Buffers.Pool>> pools = new ConcurrentLinkedDeque<>();
    private static final int MAX_POOLS = 4;
    private final Map<String, ShapeCheck> shapeChecks = new ConcurrentHashMap<>();

    /**
     * What static shape inference found for one set of input shapes.
     *
     * @param problem      the first shape problem, or null
     * @param largestNode  the node with the largest output of known shape (null when none is known)
     * @param largestShape that output's shape
     * @param unknown      the nodes with an output whose shape depends on data: checked against the memory budget
     *                     when they run, from their actual inputs
     */
    record ShapeCheck(String problem, Node largestNode, int[] largestShape, Set<Node> unknown) {}

    /** The cached plan of {@code g}: fused (for runs nobody observes) or node by node. */
    static ExecutionPlan of(Graph g, boolean fused) {
        int k = fused ? 1 : 0;
        synchronized (CACHE) {
            ExecutionPlan[] p = CACHE.get(g);
            if (p != null && p[k] != null) {
                return p[k];
            }
        }
        ExecutionPlan plan = new ExecutionPlan(g, fused); // built outside the lock: it packs weights
        synchronized (CACHE) {
            ExecutionPlan[] p = CACHE.computeIfAbsent(g, x -> new ExecutionPlan[2]);
            if (p[k] == null) {
                p[k] = plan;
            }
            return p[k];
        }
    }

    private ExecutionPlan(Graph g, boolean fused) {
        g.weights().keySet().forEach(this::slot);
        g.inputs().forEach(v -> slot(v.name()));
        Set<String> graphOutputs = new LinkedHashSet<>();
        g.outputs().forEach(o -> graphOutputs.add(o.name()));
        Fusion fusion = new Fusion(g, graphOutputs);
        Set<Node> absorbed = new HashSet<>();
        for (Node n : g.nodes()) {
            if (absorbed.contains(n)) {
                continue;
            }
            Fusion.Match m = fusion.match(n, fused);
            if (m == null) {
                steps.add(new Step(n, Ops.get(n.domain(), n.opType()), slotsOf(n.inputs()), slotsOf(n.outputs()),
                        n.opType()));
                continue;
            }
            absorbed.addAll(m.nodes());
            eliminated.addAll(m.eliminated());
            Node last = m.nodes().get(m.nodes().size() - 1);
            steps.add(new Step(n, m.kernel(), slotsOf(m.inputs()), slotsOf(last.outputs()),
                    String.join("+", m.nodes().stream().map(Node::opType).toList())));
        }
        graphOutputs.forEach(this::slot);
        template = new Object[names.size()];
        isWeight = new boolean[names.size()];
        g.weights().forEach((name, w) -> {
            template[slots.get(name)] = w;
            isWeight[slots.get(name)] = true;
        });
        computeReleases(g, graphOutputs);
    }

    private int slot(String name) {
        return slots.computeIfAbsent(name, k -> {
            names.add(k);
            return names.size() - 1;
        });
    }

    private int[] slotsOf(List<String> values) {
        int[] s = new int[values.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = values.get(i).isEmpty() ? -1 : slot(values.get(i));
        }
        return s;
    }

    /** Frees each value after its last reader (or its producer, when nothing reads it); never weights or outputs. */
    private void computeReleases(Graph g, Set<String> graphOutputs) {
        int[] last = new int[names.size()];
        Arrays.fill(last, -1);
        for (int i = 0; i < steps.size(); i++) {
            for (int s : steps.get(i).out) {
                if (s >= 0) {
                    last[s] = Math.max(last[s], i);
                }
            }
            for (int s : steps.get(i).in) {
                if (s >= 0) {
                    last[s] = i;
                }
            }
        }
        for (ValueInfo v : g.inputs()) {
            Integer s = slots.get(v.name());
            if (last[s] < 0) {
                last[s] = Integer.MAX_VALUE; // read by nobody: nothing to free
            }
        }
        List<List<Integer>> rel = new ArrayList<>();
        steps.forEach(st -> rel.add(new ArrayList<>()));
        for (int s = 0; s < names.size(); s++) {
            if (isWeight[s] || graphOutputs.contains(names.get(s)) || last[s] < 0 || last[s] == Integer.MAX_VALUE) {
                continue;
            }
            rel.get(last[s]).add(s);
        }
        for (int i = 0; i < steps.size(); i++) {
            steps.get(i).release = rel.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /**
     * The static shape check of {@code g} (this plan's graph) with inputs of these shapes: shape inference runs once per
     * distinct input shapes, so a run that cannot fit, or whose outputs would not fit the memory budget, is refused
     * before any node runs.
     */
    ShapeCheck shapeCheck(Graph g, Map<String, int[]> inputShapes) {
        StringBuilder key = new StringBuilder();
        inputShapes.forEach((k, v) -> key.append(k).append(Arrays.toString(v)).append(';'));
        String k = key.toString();
        ShapeCheck c = shapeChecks.get(k);
        if (c == null) {
            ShapeInference.Result r = ShapeInference.infer(g, inputShapes);
            Node largest = null;
            int[] largestShape = null;
            long largestBytes = -1;
            Set<Node> unknown = new HashSet<>();
            for (Node n : g.nodes()) {
                for (String out : n.outputs()) {
                    if (out.isEmpty()) {
                        continue;
                    }
                    int[] s = r.shape(out);
                    if (s == null) {
                        unknown.add(n);
                        continue;
                    }
                    long b = MemoryBudget.bytesOf(s, Float.BYTES);
                    if (b > largestBytes) {
                        largest = n;
                        largestShape = s;
                        largestBytes = b;
                    }
                }
            }
            c = new ShapeCheck(r.problems().isEmpty() ? null : r.problems().get(0), largest, largestShape, Set.copyOf(unknown));
            if (shapeChecks.size() > 64) {
                shapeChecks.clear(); // many distinct shapes: keep the cache small
            }
            shapeChecks.put(k, c);
        }
        return c;
    }

    /**
     * Takes one of this plan's idle buffer pools for a run, or a new one: concurrent runs (an evaluation on
     * both cores) each get their own, and each finds its buffers again in the next run.
     */
    Buffers.Pool takePool() {
        Buffers.Pool p = pollIdle();
        return p == null ? new Buffers.Pool() : p;
    }

    /** An idle pool the garbage collector has not reclaimed, taken out of the list; null when none is left. */
    private Buffers.Pool pollIdle() {
        SoftReference<Buffers.Pool> r;
        while ((r = pools.pollFirst()) != null) {
            Buffers.Pool p = r.get();
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    /** Returns a pool after a run. */
    void returnPool(Buffers.Pool p) {
        if (pools.size() < MAX_POOLS) {
            pools.addFirst(new SoftReference<>(p));
        }
    }

    /** Gives arrays of a finished run's results back to the idle pool that lent them (others are ignored). */
    void reclaim(List<float[]> arrays) {
        List<Buffers.Pool> idle = new ArrayList<>();
        for (Buffers.Pool p = pollIdle(); p != null; p = pollIdle()) {
            idle.add(p);
        }
        for (float[] a : arrays) {
            for (Buffers.Pool p : idle) {
                if (p.reclaim(a)) {
                    break;
                }
            }
        }
        idle.forEach(this::returnPool);
    }

    /** The plans already built for {@code g} (none are built here). */
    static List<ExecutionPlan> cached(Graph g) {
        synchronized (CACHE) {
            ExecutionPlan[] p = CACHE.get(g);
            List<ExecutionPlan> out = new ArrayList<>();
            if (p != null) {
                for (ExecutionPlan x : p) {
                    if (x != null) {
                        out.add(x);
                    }
                }
            }
            return out;
        }
    }
}
