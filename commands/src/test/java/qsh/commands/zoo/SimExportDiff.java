package qsh.commands.zoo;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.modelio.OnnxReader;
import qsh.core.modelio.OnnxWriter;
import qsh.core.onnx.proto.OnnxProto.ModelProto;
import qsh.core.onnx.proto.OnnxProto.NodeProto;
import qsh.core.onnx.proto.OnnxProto.TensorProto;
import qsh.core.onnx.proto.OnnxProto.TensorShapeProto;
import qsh.core.onnx.proto.OnnxProto.TypeProto;
import qsh.core.onnx.proto.OnnxProto.ValueInfoProto;
import qsh.core.tensor.Tensor;

/**
 * Where qsh's simulation and ONNX Runtime on the QDQ export part ways (issue 14, part 6), tensor by tensor.
 *
 * <p>Every activation DequantizeLinear output of the export (a quantized tensor's value: code·scale) is made a
 * graph output and read from ONNX Runtime (graph optimizations off). qsh's simulated graph (the same QDQ graph with
 * the weights dequantized ahead) is run twice on the same input:
 * <ul>
 *   <li><b>free</b>: as the simulation runs, so a difference is everything upstream accumulated;</li>
 *   <li><b>forced</b>: every quantized tensor is replaced by ONNX Runtime's value (its DequantizeLinear output becomes
 *       a graph input), so each segment between two quantizers runs on ORT's exact inputs and a difference is that
 *       segment's own: float summation order (rare ±1 code flips at ties) or a semantic mismatch (many codes, or by
 *       more than 1).</li>
 * </ul>
 * Per tensor: the fraction of codes that differ, the largest difference in codes, and whether the two floats before
 * the quantizer (qsh's and ORT's own) explain each differing code ({@link #explain}). The folded weights are checked
 * against ORT's DequantizeLinear of the stored integers bit for bit.
 */
final class SimExportDiff {
    /**
     * One quantized tensor's comparison; steps are in units of its scale. Of the codes the forced run gets wrong:
     * {@code forcedUnexplained} counts those that the two float values do not explain (qsh's QuantizeLinear input and
     * ORT's, computed by the same segment from the same codes: a code differs by n steps only if ORT's float is more
     * than n - 1 steps from qsh's, in the direction of ORT's code), and {@code forcedFloatGapUlps} is the largest
     * |qsh's float - ORT's float| among them, in ulps of the tensor's largest magnitude (0 when no code differs, NaN
     * when the floats were not read). Two float32 summation orders of the same sum give a small gap and codes that
     * follow it; a wrong scale or rounding gives codes that differ from equal floats; a wrong formula a large gap.
     */
    record Row(String tensor, String producerOp, int size, double scale, long freeDiffer, double freeMax,
               long forcedDiffer, double forcedMax, long forcedUnexplained, double forcedFloatGapUlps) {}

    /** The rows in graph order, and the weights whose folded value differs from ORT's DequantizeLinear. */
    record Result(List<Row> rows, List<String> weightMismatches, int weightsChecked) {}

    private SimExportDiff() {}

    /**
     * Compares {@code simulated} (qsh's graph) with {@code export} (the file qsh wrote) on {@code inputs}
     * (one input set per run; the counts add up over them).
     */
    static Result compare(Graph simulated, Path export, List<Map<String, Tensor>> inputs) throws Exception {
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(export));
        Set<String> initializers = new HashSet<>();
        model.getGraph().getInitializerList().forEach(t -> initializers.add(t.getName()));
        Map<String, NodeProto> activationDq = new LinkedHashMap<>(); // output -> node, graph order
        Map<String, NodeProto> weightDq = new LinkedHashMap<>();
        Map<String, NodeProto> producers = new HashMap<>();
        for (NodeProto n : model.getGraph().getNodeList()) {
            n.getOutputList().forEach(o -> producers.put(o, n));
            if (n.getOpType().equals("DequantizeLinear")) {
                (initializers.contains(n.getInput(0)) ? weightDq : activationDq).put(n.getOutput(0), n);
            }
        }
        Map<String, Float> scales = new HashMap<>();
        for (TensorProto t : model.getGraph().getInitializerList()) {
            if (t.getName().endsWith("_scale") && t.getDimsCount() == 0) {
                scales.put(t.getName(), t.getFloatDataCount() > 0 ? t.getFloatData(0)
                        : java.nio.ByteBuffer.wrap(t.getRawData().toByteArray()).order(java.nio.ByteOrder.LITTLE_ENDIAN).getFloat());
            }
        }
        Map<String, String> quantizerInput = new HashMap<>(); // activation -> the float its QuantizeLinear reads
        for (String a : activationDq.keySet()) {
            NodeProto q = producers.get(activationDq.get(a).getInput(0));
            if (q != null && q.getOpType().equals("QuantizeLinear") && !initializers.contains(q.getInput(0))) {
                quantizerInput.put(a, q.getInput(0));
            }
        }
        Set<String> wanted = new LinkedHashSet<>(activationDq.keySet());
        wanted.addAll(weightDq.keySet());
        wanted.addAll(quantizerInput.values()); // ORT's own float before each quantizer, to explain a differing code
        Path withOutputs = export.resolveSibling(export.getFileName() + ".diff.onnx");
        Files.write(withOutputs, withOutputs(model, wanted).toByteArray());

        Graph forced = null;
        Map<String, long[]> counts = new LinkedHashMap<>(); // name -> {freeDiffer, forcedDiffer, size}
        Map<String, double[]> maxima = new HashMap<>();
        Map<String, double[]> explained = new HashMap<>(); // name -> {unexplained codes, largest float gap in ulps}
        List<String> weightMismatches = new ArrayList<>();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            so.setIntraOpNumThreads(2);
            so.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            try (OrtSession s = env.createSession(withOutputs.toString(), so)) {
                for (int k = 0; k < inputs.size(); k++) {
                    Map<String, Tensor> in = inputs.get(k);
                    Map<String, Tensor> ort = runOrt(env, s, in, wanted);
                    if (k == 0) {
                        forced = forced(simulated, activationDq.keySet(), ort);
                        for (String w : weightDq.keySet()) {
                            Object folded = simulated.weights().get(w);
                            if (!(folded instanceof Tensor f) || !java.util.Arrays.equals(f.data(), ort.get(w).data())) {
                                weightMismatches.add(w);
                            }
                        }
                    }
                    Map<String, Object> free = Executor.run(simulated, in, null, activationDq.keySet());
                    Map<String, Object> forcedIn = new HashMap<>(in);
                    for (String a : activationDq.keySet()) {
                        forcedIn.put(a, ort.get(a));
                    }
                    Map<String, Object> local = Executor.run(forced, forcedIn, null, new HashSet<>(quantizerInput.values()));
                    for (String a : activationDq.keySet()) {
                        float scale = scales.getOrDefault(activationDq.get(a).getInput(1), Float.NaN);
                        Tensor o = ort.get(a);
                        long[] c = counts.computeIfAbsent(a, x -> new long[3]);
                        double[] m = maxima.computeIfAbsent(a, x -> new double[2]);
                        c[2] += o.size();
                        accumulate(o, (Tensor) free.get(a), scale, c, 0, m, 0);
                        accumulate(o, (Tensor) local.get(a + SIM), scale, c, 1, m, 1);
                        String xName = quantizerInput.get(a);
                        double[] e = explained.computeIfAbsent(a, x -> new double[2]);
                        if (xName != null && local.get(xName) instanceof Tensor xq && ort.get(xName) != null) {
                            double[] why = explain(o, (Tensor) local.get(a + SIM), xq, ort.get(xName), scale);
                            e[0] += why[0];
                            e[1] = Double.isNaN(e[1]) ? e[1] : Math.max(e[1], why[1]);
                        } else {
                            e[1] = Double.NaN;
                        }
                    }
                }
            }
        } finally {
            Files.deleteIfExists(withOutputs);
        }
        List<Row> rows = new ArrayList<>();
        for (String a : activationDq.keySet()) {
            NodeProto q = producers.get(activationDq.get(a).getInput(0));
            NodeProto p = q == null || q.getInputCount() == 0 ? null : producers.get(q.getInput(0));
            long[] c = counts.get(a);
            double[] m = maxima.get(a);
            double[] e = explained.getOrDefault(a, new double[] {0, Double.NaN});
            rows.add(new Row(a, p == null ? "(input)" : p.getOpType(), (int) c[2],
                    scales.getOrDefault(activationDq.get(a).getInput(1), Float.NaN), c[0], m[0], c[1], m[1],
                    (long) e[0], c[1] == 0 ? 0 : e[1]));
        }
        return new Result(rows, weightMismatches, weightDq.size());
    }

    private static final String SIM = "__qsh";

    private static void accumulate(Tensor ort, Tensor qsh, float scale, long[] differ, int di, double[] max, int mi) {
        float[] a = ort.data();
        float[] b = qsh.data();
        if (a.length != b.length) {
            throw new IllegalStateException("sizes differ: " + a.length + " vs " + b.length);
        }
        for (int i = 0; i < a.length; i++) {
            // both are code·scale in float32: the difference in codes is an integer up to that rounding
            double steps = Math.rint(Math.abs((double) a[i] - b[i]) / scale);
            if (steps > 0 || Float.isNaN(a[i]) != Float.isNaN(b[i])) {
                differ[di]++;
                max[mi] = Math.max(max[mi], steps);
            }
        }
    }

    /**
     * Whether the float values explain each code where {@code qsh} differs from {@code ort} (both code·scale):
     * {unexplained codes, largest |xQsh - xOrt| over the differing codes in ulps of xOrt's largest magnitude}. A code
     * that ORT puts n steps above qsh's is explained when ORT's float is more than n - 1 steps above qsh's float: the
     * same quantizer applied to the two floats can then give the two codes (a clamp only narrows the difference).
     */
    static double[] explain(Tensor ort, Tensor qsh, Tensor xQsh, Tensor xOrt, float scale) {
        float[] a = ort.data();
        float[] b = qsh.data();
        float[] u = xQsh.data();
        float[] v = xOrt.data();
        if (u.length != a.length || v.length != a.length) {
            return new double[] {0, Double.NaN};
        }
        float largest = 0;
        for (float f : v) {
            largest = Math.max(largest, Math.abs(f));
        }
        double unit = Math.ulp(largest);
        long unexplained = 0;
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            double steps = Math.rint(((double) a[i] - b[i]) / scale);
            if (steps == 0 && Float.isNaN(a[i]) == Float.isNaN(b[i])) {
                continue;
            }
            double gap = (double) v[i] - u[i]; // ORT's float minus qsh's, same sign as the code difference if explained
            if (!Double.isFinite(gap) || Math.signum(gap) != Math.signum(steps) || Math.abs(gap) <= (Math.abs(steps) - 1) * scale) {
                unexplained++;
            }
            worst = Math.max(worst, Double.isFinite(gap) ? Math.abs(gap) / unit : Double.POSITIVE_INFINITY);
        }
        return new double[] {unexplained, worst};
    }

    /** The export with {@code names} as extra float graph outputs. */
    private static ModelProto withOutputs(ModelProto model, Set<String> names) {
        var gb = model.getGraph().toBuilder();
        Set<String> existing = new HashSet<>();
        gb.getOutputList().forEach(o -> existing.add(o.getName()));
        for (String n : names) {
            if (existing.add(n)) {
                gb.addOutput(floatValue(n, null));
            }
        }
        return model.toBuilder().setGraph(gb).build();
    }

    /**
     * {@code simulated} with each activation DequantizeLinear's output renamed {@code NAME__qsh} (a graph output)
     * and {@code NAME} a graph input, so the nodes after it read the value fed in (ORT's).
     */
    private static Graph forced(Graph simulated, Set<String> activations, Map<String, Tensor> shapes) {
        ModelProto m = OnnxWriter.toProto(simulated);
        var gb = m.getGraph().toBuilder();
        for (int i = 0; i < gb.getNodeCount(); i++) {
            NodeProto n = gb.getNode(i);
            if (n.getOpType().equals("DequantizeLinear") && activations.contains(n.getOutput(0))) {
                String o = n.getOutput(0);
                gb.setNode(i, n.toBuilder().setOutput(0, o + SIM).build());
                gb.addInput(floatValue(o, shapes.get(o).shape()));
                gb.addOutput(floatValue(o + SIM, null));
            }
        }
        Set<String> forcedNames = new HashSet<>(activations);
        List<ValueInfoProto> outs = new ArrayList<>(gb.getOutputList());
        gb.clearOutput();
        for (ValueInfoProto o : outs) { // a graph output that is a forced input would only echo ORT's value
            if (!forcedNames.contains(o.getName())) {
                gb.addOutput(o);
            }
        }
        return OnnxReader.fromProto(m.toBuilder().setGraph(gb).build(), "forced simulation");
    }

    private static ValueInfoProto floatValue(String name, int[] shape) {
        TypeProto.Tensor.Builder t = TypeProto.Tensor.newBuilder().setElemType(1);
        if (shape != null) {
            TensorShapeProto.Builder sb = TensorShapeProto.newBuilder();
            for (int d : shape) {
                sb.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
            }
            t.setShape(sb);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(t)).build();
    }

    private static Map<String, Tensor> runOrt(OrtEnvironment env, OrtSession s, Map<String, Tensor> in, Set<String> names)
            throws OrtException {
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            for (var e : in.entrySet()) {
                long[] shape = java.util.Arrays.stream(e.getValue().shape()).asLongStream().toArray();
                feeds.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue().data()), shape));
            }
            Map<String, Tensor> out = new HashMap<>();
            try (OrtSession.Result r = s.run(feeds, names)) {
                for (Map.Entry<String, OnnxValue> e : r) {
                    OnnxTensor t = (OnnxTensor) e.getValue();
                    FloatBuffer b = t.getFloatBuffer();
                    float[] v = new float[b.remaining()];
                    b.get(v);
                    int[] shape = java.util.Arrays.stream(t.getInfo().getShape()).mapToInt(x -> (int) x).toArray();
                    out.put(e.getKey(), Tensor.of(shape, v));
                }
            }
            return out;
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    /** The rows as a markdown table (all, or only those where the forced run differs, with {@code onlyForced}). */
    static String table(Result r, boolean onlyForced) {
        StringBuilder sb = new StringBuilder("| # | tensor | after | size | scale | free: differ | free: max | forced: differ | forced: max"
                + " | forced: unexplained | forced: float gap (ulps of max) |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        int i = 0;
        for (Row w : r.rows()) {
            i++;
            if (onlyForced && w.forcedDiffer() == 0) {
                continue;
            }
            sb.append(String.format("| %d | %s | %s | %d | %.3g | %.2e | %.0f | %.2e | %.0f | %d | %.3g |%n", i, w.tensor(),
                    w.producerOp(), w.size(), w.scale(), (double) w.freeDiffer() / w.size(), w.freeMax(),
                    (double) w.forcedDiffer() / w.size(), w.forcedMax(), w.forcedUnexplained(), w.forcedFloatGapUlps()));
        }
        sb.append(String.format("%nweights: %d folded, %d differ from ORT's DequantizeLinear%s%n", r.weightsChecked(),
                r.weightMismatches().size(), r.weightMismatches().isEmpty() ? "" : ": " + r.weightMismatches()));
        return sb.toString();
    }
}
