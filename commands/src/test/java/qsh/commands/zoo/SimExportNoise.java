package qsh.commands.zoo;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.onnx.proto.OnnxProto.ModelProto;
import qsh.core.onnx.proto.OnnxProto.NodeProto;
import qsh.core.onnx.proto.OnnxProto.TensorProto;
import qsh.core.tensor.Tensor;

/**
 * The noise floor of "simulation vs export" (issue 14, part 6): how far ONNX Runtime on the export moves from
 * itself when every quantizer's float input is nudged by one or two ulps up or down (×(1 + 2⁻²³), ×(1 − 2⁻²⁴),
 * ×(1 + 2⁻²²), ×(1 − 2⁻²³): the size of a float summation-order difference, which is a few ulps), next to how far
 * qsh's simulation is from it. When the two gaps are alike, what separates simulation
 * and export is the model's amplification of rounding ties, not a different computation. The zoo's criterion
 * built on it: {@link SimExportCriterion}.
 */
final class SimExportNoise {
    /** SQNRs above this are "exact" for the comparison (as {@link ZooModelRun#SQNR_CEILING}). */
    static final double SQNR_CEILING = ZooModelRun.SQNR_CEILING;

    /**
     * Output-level figures of one pair: max difference in output steps (NaN when the output is not quantized),
     * SQNRs vs float, top-1 agreement.
     */
    record Pair(double maxSteps, double sqnrA, double sqnrB, int top1Same, int rows, List<String> disagreements) {
        double sqnrGap() {
            return Math.abs(Math.min(sqnrA, SQNR_CEILING) - Math.min(sqnrB, SQNR_CEILING));
        }

        int top1Differ() {
            return rows - top1Same;
        }
    }

    /** The nudge factors: one and two ulps up and down. */
    static final float[] NUDGES = {Math.nextUp(1f), Math.nextDown(1f), Math.nextUp(Math.nextUp(1f)),
            Math.nextDown(Math.nextDown(1f))};

    /** qsh vs ORT, and ORT nudged by each of {@link #NUDGES} vs ORT. */
    record Result(Pair simVsExport, List<Pair> nudged) {
        /** ORT's own gap: per figure the largest over the nudges (its SQNRs are those of the nudge with the largest gap). */
        Pair selfGap() {
            Pair worstSqnr = nudged.stream().max(java.util.Comparator.comparingDouble(Pair::sqnrGap)).orElseThrow();
            double steps = nudged.stream().mapToDouble(Pair::maxSteps).max().orElse(Double.NaN);
            int differ = nudged.stream().mapToInt(Pair::top1Differ).max().orElse(0);
            return new Pair(steps, worstSqnr.sqnrA(), worstSqnr.sqnrB(), worstSqnr.rows() - differ, worstSqnr.rows(), List.of());
        }
    }

    private SimExportNoise() {}

    /** As {@link #measure(Graph, List, Path, String, List, boolean)}, with the float reference run in ORT. */
    static Result measure(Graph simulated, Path floatModel, Path export, String input, List<Tensor> inputs,
                          boolean top1) throws Exception {
        List<float[]> ref = new ArrayList<>();
        ort(floatModel, input, inputs, ref);
        return measure(simulated, ref, export, input, inputs, top1);
    }

    /**
     * qsh's simulation vs ORT on {@code export}, and ORT on the export with its quantizer inputs nudged by one ulp up
     * and down vs ORT on the export, all on {@code inputs}; {@code ref} holds the float model's outputs on them.
     */
    static Result measure(Graph simulated, List<float[]> ref, Path export, String input, List<Tensor> inputs,
                          boolean top1) throws Exception {
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(export));
        String out = model.getGraph().getOutput(0).getName();
        float scale = outputScale(model, out);
        List<float[]> ort = new ArrayList<>();
        int classes = ort(export, input, inputs, ort);
        int c = top1 ? classes : 0;
        List<Pair> nudgedPairs = new ArrayList<>();
        Path nudgedFile = export.resolveSibling(export.getFileName() + ".nudged.onnx");
        try {
            for (float f : NUDGES) {
                Files.write(nudgedFile, nudged(model, f).toByteArray());
                List<float[]> moved = new ArrayList<>();
                ort(nudgedFile, input, inputs, moved);
                nudgedPairs.add(pair(moved, ort, ref, scale, c));
            }
        } finally {
            Files.deleteIfExists(nudgedFile);
        }
        List<float[]> sim = new ArrayList<>();
        for (Tensor x : inputs) {
            sim.add(((Tensor) Executor.run(simulated, Map.of(input, x), null).get(simulated.outputs().get(0).name()))
                    .data().clone());
        }
        return new Result(pair(sim, ort, ref, scale, c), nudgedPairs);
    }

    private static Pair pair(List<float[]> a, List<float[]> b, List<float[]> ref, float scale, int classes) {
        double steps = ZooModelRun.maxDiff(a, b) / scale;
        int same = 0;
        int rows = 0;
        List<String> why = new ArrayList<>();
        if (classes > 0) {
            for (int k = 0; k < a.size(); k++) {
                for (int off = 0; off + classes <= a.get(k).length; off += classes) {
                    rows++;
                    int ia = ZooModelRun.argmax(a.get(k), off, classes);
                    int ib = ZooModelRun.argmax(b.get(k), off, classes);
                    if (ia == ib) {
                        same++;
                    } else { // how close the two classes are: in the float model and on the export, in output steps
                        why.add(String.format("float margin %.1f, export margin %.1f steps",
                                Math.abs(ref.get(k)[ia] - ref.get(k)[ib]) / scale, Math.abs(b.get(k)[ia] - b.get(k)[ib]) / scale));
                    }
                }
            }
        }
        return new Pair(steps, ZooModelRun.sqnrDb(ref, a), ZooModelRun.sqnrDb(ref, b), same, rows, why);
    }

    /** The export with Mul(·, {@code factor}) before every QuantizeLinear of an activation. */
    private static ModelProto nudged(ModelProto model, float factor) {
        Set<String> initializers = new HashSet<>();
        model.getGraph().getInitializerList().forEach(t -> initializers.add(t.getName()));
        var gb = model.getGraph().toBuilder().clearNode();
        gb.addInitializer(TensorProto.newBuilder().setName("qsh_nudge").setDataType(1).addFloatData(factor));
        for (NodeProto n : model.getGraph().getNodeList()) {
            if (n.getOpType().equals("QuantizeLinear") && !initializers.contains(n.getInput(0))) {
                String nudgedInput = n.getInput(0) + "_nudged";
                gb.addNode(NodeProto.newBuilder().setOpType("Mul").setName(n.getName() + "_nudge")
                        .addInput(n.getInput(0)).addInput("qsh_nudge").addOutput(nudgedInput));
                gb.addNode(n.toBuilder().setInput(0, nudgedInput));
            } else {
                gb.addNode(n);
            }
        }
        return model.toBuilder().setGraph(gb).build();
    }

    /** The scale of the export's output's DequantizeLinear, NaN when the output is not quantized. */
    private static float outputScale(ModelProto model, String out) {
        for (NodeProto n : model.getGraph().getNodeList()) {
            if (n.getOpType().equals("DequantizeLinear") && n.getOutput(0).equals(out)) {
                for (TensorProto t : model.getGraph().getInitializerList()) {
                    if (t.getName().equals(n.getInput(1))) {
                        return t.getFloatDataCount() > 0 ? t.getFloatData(0) : java.nio.ByteBuffer
                                .wrap(t.getRawData().toByteArray()).order(java.nio.ByteOrder.LITTLE_ENDIAN).getFloat();
                    }
                }
            }
        }
        return Float.NaN; // the output is not quantized: no output step to count in
    }

    /** ORT (optimizations off) on each input; the first output into {@code into}; returns its last dim. */
    private static int ort(Path onnx, String input, List<Tensor> inputs, List<float[]> into) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int last = 0;
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            so.setIntraOpNumThreads(2);
            so.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            try (OrtSession s = env.createSession(onnx.toString(), so)) {
                for (Tensor x : inputs) {
                    long[] shape = java.util.Arrays.stream(x.shape()).asLongStream().toArray();
                    try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), shape);
                         OrtSession.Result r = s.run(Map.of(input, t))) {
                        OnnxTensor o = (OnnxTensor) r.get(0);
                        long[] dims = o.getInfo().getShape();
                        last = (int) dims[dims.length - 1];
                        FloatBuffer b = o.getFloatBuffer();
                        float[] v = new float[b.remaining()];
                        b.get(v);
                        into.add(v);
                    }
                }
            }
        }
        return last;
    }
}
