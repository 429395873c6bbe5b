package qsh.commands.spi;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import qsh.core.workflow.ModelState;
import qsh.core.exec.Executor;
import qsh.core.exec.ShapeInference;
import qsh.core.graph.Graph;
import qsh.core.graph.ValueInfo;
import qsh.core.tensor.Tensor;

/** Every value's shape (for `graph`, AMP), statically inferred where possible, and seeded random inputs (for `infer`). */
public final class ShapeProbe {
    private ShapeProbe() {}

    /** Size given to an unknown non-batch dimension when no --shape is given (a typical image side). */
    public static final int DEFAULT_DIM = 224;

    /**
     * Seeded uniform [0, 1) inputs for every graph input: unknown batch dimensions become 1 (the spec's
     * batch-1 rule), other unknown dimensions {@link #DEFAULT_DIM}, unless {@code override} gives the shape.
     */
    public static Map<String, Tensor> randomInputs(Graph g, long seed, int[] override) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        SplittableRandom r = new SplittableRandom(seed);
        for (Map.Entry<String, int[]> e : inputShapes(g, override).entrySet()) {
            Tensor t = Tensor.zeros(e.getValue());
            for (int i = 0; i < t.size(); i++) {
                t.data()[i] = (float) r.nextDouble();
            }
            in.put(e.getKey(), t);
        }
        return in;
    }

    /** The shape {@link #randomInputs} gives each graph input. */
    public static Map<String, int[]> inputShapes(Graph g, int[] override) {
        Map<String, int[]> in = new LinkedHashMap<>();
        for (ValueInfo v : g.inputs()) {
            int[] s = new int[v.dims().length];
            if (override != null) {
                if (override.length != s.length) {
                    throw new CommandException("--shape has " + override.length + " dimensions but input '" + v.name()
                            + "' has " + s.length + " " + v.shapeString());
                }
                for (int i = 0; i < s.length; i++) {
                    if (v.dims()[i] >= 0 && v.dims()[i] != override[i]) {
                        throw new CommandException("--shape dimension " + i + " is " + override[i] + " but input '" + v.name()
                                + "' fixes it to " + v.dims()[i]);
                    }
                }
            }
            for (int i = 0; i < s.length; i++) {
                if (override != null) {
                    s[i] = override[i];
                    continue;
                }
                long d = v.dims()[i];
                if (d > Integer.MAX_VALUE) {
                    throw new CommandException("input '" + v.name() + "' has an absurd dimension " + d);
                }
                s[i] = d >= 0 ? (int) d : i == 0 ? 1 : DEFAULT_DIM;
            }
            in.put(v.name(), s);
        }
        return in;
    }

    /**
     * The shapes of all values (weights, inputs, node outputs) once the model has run, or else inferred
     * statically from the {@link #inputShapes} (see {@link ShapeInference}); only when inference leaves some value
     * unknown (an op without a shape rule, a data-dependent shape) does a run on seeded inputs fill those in.
     */
    public static Map<String, int[]> shapes(ModelState m) {
        if (!m.shapes().isEmpty()) {
            return m.shapes();
        }
        Graph g = m.graph();
        Map<String, int[]> shapes = new HashMap<>(staticShapes(g));
        boolean complete = g.nodes().stream().flatMap(n -> n.outputs().stream())
                .allMatch(o -> o.isEmpty() || shapes.containsKey(o));
        if (!complete) {
            Executor.run(g, randomInputs(g, 1, null), (name, node, value) -> shapes.putIfAbsent(name, Executor.shapeOf(value)));
        }
        return shapes;
    }

    /** The shapes inference finds without running (values it cannot know are absent). */
    public static Map<String, int[]> staticShapes(Graph g) {
        return ShapeInference.infer(g, inputShapes(g, null)).shapes();
    }
}
