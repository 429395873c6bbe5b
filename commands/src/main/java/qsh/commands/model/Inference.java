package qsh.commands.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.commands.spi.Args;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.Format;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.core.calib.RawTensorFile;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.io.FileAccessPolicy;
import qsh.core.io.RegularFiles;
import qsh.core.tensor.Tensor;
import qsh.core.tensor.TensorStats;
import qsh.core.workflow.ModelState;

/**
 * A float run of the session's model with typed arguments: what {@code infer} and JavaScript's {@code qsh.infer}
 * both call, so both read the same inputs, write the same files, keep the same activations (for {@code show},
 * {@code hist}, {@code encode}) and give the same summaries.
 */
public final class Inference {
    private Inference() {}

    /**
     * What to run on.
     *
     * @param inputs raw files as typed ({@code NAME:=FILE.raw}, or a bare path for a single-input model)
     * @param random feed seeded uniform [0,1) inputs instead (then {@code inputs} is empty)
     * @param seed   their seed
     * @param shape  their shape as typed (e.g. 1x1x28x28), or null for the declared one
     * @param out    a folder to write each output to as NAME.raw, or null
     */
    public record Request(List<String> inputs, boolean random, int seed, String shape, String out) {}

    /** The request {@code infer}'s arguments describe (typed words, or {@link Args#of} for a JS call). */
    public static Request request(Args args) {
        if (args.has("random")) {
            args.atMost(0);
        }
        return new Request(args.positional(), args.has("random"), args.getInt("seed"), args.get("shape").orElse(null),
                args.get("out").orElse(null));
    }

    /** Runs the session's model in float as {@code r} asks; the session's model keeps the run's activations. */
    public static Result run(Session session, Request r) {
        ModelState m = session.requireModel();
        Graph g = m.graph();
        Map<String, Tensor> inputs = ModelInputs.of(r.inputs(), r.random(), r.seed(), r.shape(), session, g, "infer");
        Map<String, int[]> shapes = new LinkedHashMap<>();
        Map<String, Tensor> acts = new LinkedHashMap<>();
        inputs.forEach((k, v) -> {
            shapes.put(k, v.shape());
            acts.put(k, v);
        });
        g.weights().forEach((k, v) -> shapes.put(k, Executor.shapeOf(v)));
        long t0 = System.nanoTime();
        Map<String, Object> outs = Executor.run(g, inputs, (name, node, value) -> {
            shapes.put(name, Executor.shapeOf(value));
            if (value instanceof Tensor) {
                acts.put(name, (Tensor) value);
            }
        });
        long nanos = System.nanoTime() - t0;
        if (r.out() != null) {
            Path dir = session.resolve(r.out());
            FileAccessPolicy.requireWrite(dir); // run by a script: only where it may write
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new CommandException("cannot create " + dir + ": " + RegularFiles.reason(e));
            }
            outs.forEach((k, v) -> {
                if (!(v instanceof Tensor t)) {
                    throw new CommandException("output '" + k + "' holds integers; --out writes float32 raw files only");
                }
                RawTensorFile.write(dir.resolve(k.replaceAll("[^A-Za-z0-9_.-]", "_") + ".raw"), t);
            });
        }
        session.model(m.withRun(shapes, acts));
        List<String> lines = new ArrayList<>();
        List<Map<String, Object>> data = new ArrayList<>();
        lines.add("infer " + m.source() + ": " + g.nodes().size() + " nodes"); // time: --json or 'set timing on'
        for (Map.Entry<String, Object> e : outs.entrySet()) {
            Tensor t = (Tensor) e.getValue();
            TensorStats s = TensorStats.of(t);
            lines.add("  " + e.getKey() + " " + Format.shape(t.shape()) + "  min " + Format.num(s.min()) + "  max "
                    + Format.num(s.max()) + "  mean " + Format.num(s.mean()));
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("name", e.getKey());
            d.put("shape", t.shape());
            d.put("stats", s);
            if (t.size() <= 1000 && t.size() == t.shape()[t.rank() - 1]) {
                boolean probabilities = isDistribution(t.data());
                List<Map<String, Object>> top = top5(t.data(), probabilities);
                d.put("top5", top);
                StringBuilder sb = new StringBuilder(probabilities ? "    top-5 (the output is already probabilities):"
                        : "    top-5:");
                for (Map<String, Object> x : top) {
                    sb.append(String.format("  %s (%.1f%%)", x.get("index"), 100 * (double) x.get("probability")));
                }
                lines.add(sb.toString());
            }
            if (t.size() <= 4096) {
                d.put("values", t.data());
            }
            data.add(d);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("outputs", data);
        result.put("milliseconds", nanos / 1e6);
        return Result.of(result, lines);
    }

    /**
     * Whether the values already form a probability distribution (a model ending in Softmax): all in [0, 1],
     * summing to 1 within float rounding. Such outputs are shown as they are; a second softmax would flatten them.
     */
    static boolean isDistribution(float[] v) {
        double sum = 0;
        for (float x : v) {
            if (!(x >= 0 && x <= 1)) {
                return false;
            }
            sum += x;
        }
        return Math.abs(sum - 1) <= 1e-3;
    }

    /** The five largest values with their probability: softmax of logits, or the value itself when it is one. */
    private static List<Map<String, Object>> top5(float[] logits, boolean probabilities) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        Integer[] idx = new Integer[logits.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Float.compare(logits[b], logits[a]));
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < Math.min(5, idx.length); i++) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("index", idx[i]);
            x.put("logit", logits[idx[i]]);
            x.put("probability", probabilities ? (double) logits[idx[i]] : Math.exp(logits[idx[i]] - max) / sum);
            out.add(x);
        }
        return out;
    }
}
