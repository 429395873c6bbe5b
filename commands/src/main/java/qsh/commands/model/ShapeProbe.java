package qsh.commands.model;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import qsh.commands.ModelState;
import qsh.commands.spi.CommandException;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.graph.ValueInfo;
import qsh.core.tensor.Tensor;

/** Runs the model once to learn every value's shape (for `graph`), and makes seeded random inputs (for `infer`). */
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
            Tensor t = Tensor.zeros(s);
            for (int i = 0; i < t.size(); i++) {
                t.data()[i] = (float) r.nextDouble();
            }
            in.put(v.name(), t);
        }
        return in;
    }

    /** The shapes of all values, running once on seeded inputs when the model has not run yet. */
    public static Map<String, int[]> shapes(ModelState m) {
        if (!m.shapes().isEmpty()) {
            return m.shapes();
        }
        Map<String, int[]> shapes = new HashMap<>();
        Graph g = m.graph();
        g.weights().forEach((k, v) -> shapes.put(k, Executor.shapeOf(v)));
        Map<String, Tensor> inputs = randomInputs(g, 1, null);
        inputs.forEach((k, v) -> shapes.put(k, v.shape()));
        Executor.run(g, inputs, (name, node, value) -> shapes.put(name, Executor.shapeOf(value)));
        return shapes;
    }
}
