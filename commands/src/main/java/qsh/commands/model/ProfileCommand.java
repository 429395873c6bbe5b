package qsh.commands.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import qsh.commands.spi.Format;
import qsh.core.workflow.ModelState;
import qsh.commands.spi.ArgKind;
import qsh.commands.spi.ArgSpec;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.core.exec.Cancelled;
import qsh.core.exec.Executor;
import qsh.core.exec.kernels.KernelWarmUps;
import qsh.core.exec.ShapeInference;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.tensor.Tensor;

/**
 * {@code profile}: where the float executor's time goes on the loaded model. Runs it as an unobserved run does
 * (the fused plan: a convolution with its batch norm and activation is one step), after 1.5 s of warm-up runs,
 * timing every step with {@link Executor.StepClock}; prints the median run time, the time per kind of step
 * (op type, or fused chain such as {@code Conv+BatchNormalization+Relu}) and the slowest steps.
 */
public final class ProfileCommand implements Command {
    /** Warm-up time before timing (at least 3 runs). */
    private static final long WARM_NANOS = 1_500_000_000L;
    private static final CommandSpec SPEC = new CommandSpec("profile", "model",
            "time the float executor per op kind and per step on the loaded model", List.of(ArgSpec.of("NAME:=FILE.raw|FILE.raw", ArgKind.INPUT_FILE).asVariadic()),
            OptionSpec.concat(ModelInputs.OPTIONS, 
                    OptionSpec.integer("runs", "N", "timed runs (default {default}, after 1.5 s of warm-up runs)").defaults(20).atLeast(1),
                    OptionSpec.integer("top", "N", "slowest steps to list").defaults(10).atLeast(1)),
            List.of("profile --random", "profile --random --runs 50 --top 3", "profile scripts/data/demo/img0.raw --top 5"),
            List.of("infer", "graph"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        ModelState m = session.requireModel();
        Graph g = m.graph();
        int runs = args.getInt("runs");
        int top = args.getInt("top");
        if (runs < 1 || runs > 100_000 || top < 0) {
            throw new CommandException("--runs takes 1 to 100000, --top 0 or more");
        }
        Map<String, Tensor> inputs = ModelInputs.fromArgs(args, session, g, "profile");
        // The Vector API kernels' own warm-ups first (they start with qsh and usually ended long ago): timing while
        // they still run measures plain loops and their thread, and a model running on both cores makes them
        // compile late (see KernelWarmUps). Then the JIT compiles the model's path over a second or so of runs;
        // timing before that measures the interpreter.
        String kernels;
        try {
            kernels = KernelWarmUps.await(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Cancelled("interrupted while the kernels warmed up");
        }
        long warmStart = System.nanoTime();
        int warmRuns = 0;
        while (warmRuns < 3 || (System.nanoTime() - warmStart < WARM_NANOS && warmRuns < 1000)) {
            if (Cancelled.requested()) {
                throw new Cancelled("interrupted while warming up");
            }
            Executor.recycle(g, Executor.run(g, inputs, null));
            warmRuns++;
        }
        double warmSeconds = (System.nanoTime() - warmStart) / 1e9;
        Map<String, long[]> byOps = new LinkedHashMap<>(); // ops -> total nanos, steps
        Map<String, long[]> bySteps = new LinkedHashMap<>(); // first node -> total nanos
        Map<String, String> stepOps = new LinkedHashMap<>();
        long[] perRun = new long[runs];
        for (int r = 0; r < runs; r++) {
            if (Cancelled.requested()) {
                throw new Cancelled("interrupted after " + r + " runs");
            }
            long t0 = System.nanoTime();
            Map<String, Object> out = Executor.run(g, inputs, null, Set.of(), (node, ops, nanos) -> {
                long[] a = byOps.computeIfAbsent(ops, k -> new long[2]);
                a[0] += nanos;
                a[1]++;
                bySteps.computeIfAbsent(node.name(), k -> new long[1])[0] += nanos;
                stepOps.putIfAbsent(node.name(), ops);
            });
            perRun[r] = System.nanoTime() - t0;
            Executor.recycle(g, out);
        }
        Arrays.sort(perRun);
        double median = perRun[runs / 2] / 1e6;
        double inSteps = byOps.values().stream().mapToLong(a -> a[0]).sum() / 1e6 / runs;
        List<String> lines = new ArrayList<>();
        lines.add(String.format("profile %s: %d runs after %d warm-up runs (%.1f s): median %.3f ms per run (fastest %.3f,"
                + " slowest %.3f); steps %.3f ms on average", m.source(), runs, warmRuns, warmSeconds, median,
                perRun[0] / 1e6, perRun[runs - 1] / 1e6, inSteps));
        lines.add("  ms/run  share  steps  ops");
        List<Map<String, Object>> opsData = new ArrayList<>();
        byOps.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).forEach(e -> {
            double ms = e.getValue()[0] / 1e6 / runs;
            long steps = e.getValue()[1] / runs;
            lines.add(String.format("  %6.3f  %4.1f%%  %5d  %s", ms, inSteps == 0 ? 0 : 100 * ms / inSteps, steps, e.getKey()));
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("ops", e.getKey());
            d.put("ms_per_run", ms);
            d.put("steps", steps);
            opsData.add(d);
        });
        List<Map<String, Object>> stepData = new ArrayList<>();
        if (top > 0) {
            lines.add("  slowest steps (first node of the step):");
        }
        // each step's first node: its data input's and output's shapes, for these inputs
        Map<String, int[]> inputShapes = new LinkedHashMap<>();
        inputs.forEach((k, v) -> inputShapes.put(k, v.shape()));
        ShapeInference.Result shapes = ShapeInference.infer(g, inputShapes);
        bySteps.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).limit(top).forEach(e -> {
            double ms = e.getValue()[0] / 1e6 / runs;
            Node n = g.node(e.getKey());
            int[] in = n.inputs().isEmpty() ? null : shapes.shape(n.input(0));
            int[] out = shapes.shape(n.output(0));
            lines.add(String.format("  %6.3f  %s  %s  %s -> %s", ms, e.getKey(), stepOps.get(e.getKey()),
                    in == null ? "?" : Format.shape(in), out == null ? "?" : Format.shape(out)));
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("node", e.getKey());
            d.put("ops", stepOps.get(e.getKey()));
            d.put("ms_per_run", ms);
            d.put("input_shape", in);
            d.put("output_shape", out);
            stepData.add(d);
        });
        lines.add("  " + kernels);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("vector_kernels", kernels);
        result.put("runs", runs);
        result.put("warmup_runs", warmRuns);
        result.put("median_ms", median);
        result.put("min_ms", perRun[0] / 1e6);
        result.put("max_ms", perRun[runs - 1] / 1e6);
        result.put("steps_ms", inSteps);
        result.put("by_ops", opsData);
        result.put("slowest_steps", stepData);
        return Result.of(result, lines);
    }
}
