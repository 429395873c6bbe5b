package qsh.bench;

import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.onnx.OnnxReader;
import qsh.core.tensor.Tensor;

/**
 * Where the float executor's time goes on the benchmark models: runs each model many times and prints the time per
 * step kind (op type, or fused chain), per run, slowest first. Not a benchmark (timing every step adds clock
 * reads); a map for deciding what to speed up. Usage: {@code java -cp qsh-benchmarks.jar qsh.bench.ExecutorProfile [cls|det] [runs]}.
 */
public final class ExecutorProfile {
    private ExecutorProfile() {}

    public static void main(String[] args) throws Exception {
        String model = args.length > 0 ? args[0] : "det";
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        String resource = model.equals("cls") ? "models/ch_ppocr_mobile_v2.0_cls_infer.onnx" : "models/ch_PP-OCRv3_det_infer.onnx";
        int[] shape = model.equals("cls") ? new int[] {1, 3, 48, 192} : new int[] {1, 3, 320, 320};
        Graph g;
        try (InputStream in = ExecutorProfile.class.getClassLoader().getResourceAsStream(resource)) {
            g = OnnxReader.read(in, resource);
        }
        Tensor x = Tensor.zeros(shape);
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = (float) r.nextDouble();
        }
        Map<String, Object> inputs = Map.of(g.inputs().get(0).name(), x);
        var shapes = qsh.core.graph.ShapeInference.infer(g, Map.of(g.inputs().get(0).name(), shape));
        Map<String, String> geometry = new HashMap<>();
        for (var n : g.nodes()) {
            if (n.opType().startsWith("Conv")) {
                int[] w = ((Tensor) g.weights().get(n.input(1))).shape();
                int[] in = shapes.shape(n.input(0));
                int[] out = shapes.shape(n.output(0));
                long macs = 1;
                for (int d : out) {
                    macs *= d;
                }
                for (int i = 1; i < w.length; i++) {
                    macs *= w[i];
                }
                geometry.put(n.name(), String.format("%s -> %s w%s %.1f MMAC", java.util.Arrays.toString(in),
                        java.util.Arrays.toString(out), java.util.Arrays.toString(w), macs / 1e6));
            } else {
                StringBuilder sb = new StringBuilder();
                for (String i : n.inputs()) {
                    int[] sh = i.isEmpty() ? null : shapes.shape(i);
                    sb.append(sh == null ? "?" : java.util.Arrays.toString(sh)).append(' ');
                }
                geometry.put(n.name(), sb + "-> " + java.util.Arrays.toString(shapes.shape(n.output(0))));
            }
        }
        Map<String, long[]> byOps = new HashMap<>();
        Map<String, long[]> byNode = new HashMap<>();
        for (int i = 0; i < runs / 2; i++) {
            Executor.recycle(g, Executor.run(g, inputs, null)); // warm-up
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            Map<String, Object> out = Executor.run(g, inputs, null, Set.of(), (node, ops, nanos) -> {
                long[] a = byOps.computeIfAbsent(ops, k -> new long[2]);
                a[0] += nanos;
                a[1]++;
                long[] b = byNode.computeIfAbsent(node.name() + " " + ops + " " + geometry.get(node.name()), k -> new long[2]);
                b[0] += nanos;
                b[1]++;
            });
            Executor.recycle(g, out);
        }
        double total = (System.nanoTime() - t0) / 1e6 / runs;
        System.out.printf("%s: %.3f ms per run (%d runs)%n", model, total, runs);
        print(byOps, runs, 40);
        System.out.println("-- slowest steps");
        print(byNode, runs, Integer.getInteger("top", 25));
    }

    private static void print(Map<String, long[]> m, int runs, int limit) {
        TreeMap<Double, String> sorted = new TreeMap<>();
        double sum = 0;
        for (var e : m.entrySet()) {
            double ms = e.getValue()[0] / 1e6 / runs;
            sum += ms;
            sorted.put(-ms - 1e-12 * sorted.size(), String.format("%8.3f ms %5d× %s", ms, e.getValue()[1] / runs, e.getKey()));
        }
        sorted.values().stream().limit(limit).forEach(System.out::println);
        System.out.printf("%8.3f ms in steps%n", sum);
    }
}
