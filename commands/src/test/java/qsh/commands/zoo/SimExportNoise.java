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
 * itself when every quantizer's float input is nudged by one ulp (×(1 + 2⁻²³) or ×(1 − 2⁻²⁴): the size of a float
 * summation-order difference), next to how far qsh's simulation is from it. When the two gaps are alike, what separates simulation
 * and export is the model's amplification of rounding ties, not a different computation.
 */
final class SimExportNoise {
    /** Output-level figures of one pair: max difference in output steps, SQNRs vs float, top-1 agreement. */
    record Pair(double maxSteps, double sqnrA, double sqnrB, int top1Same, int rows, List<String> disagreements) {}

    /** qsh vs ORT, and ORT nudged up (×(1 + 2⁻²³)) and down (×(1 − 2⁻²⁴)) vs ORT. */
    record Result(Pair simVsExport, Pair nudgedUp, Pair nudgedDown) {}

    private SimExportNoise() {}

    static Result measure(Graph simulated, Path floatModel, Path export, String input, List<Tensor> inputs,
                          boolean top1) throws Exception {
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(export));
        String out = model.getGraph().getOutput(0).getName();
        float scale = outputScale(model, out);
        Path up = export.resolveSibling(export.getFileName() + ".up.onnx");
        Path down = export.resolveSibling(export.getFileName() + ".down.onnx");
        Files.write(up, nudged(model, Math.nextUp(1f)).toByteArray());
        Files.write(down, nudged(model, Math.nextDown(1f)).toByteArray());
        try {
            List<float[]> ref = new ArrayList<>();
            List<float[]> ort = new ArrayList<>();
            List<float[]> ortUp = new ArrayList<>();
            List<float[]> ortDown = new ArrayList<>();
            int classes = ort(floatModel, input, inputs, ref);
            ort(export, input, inputs, ort);
            ort(up, input, inputs, ortUp);
            ort(down, input, inputs, ortDown);
            List<float[]> sim = new ArrayList<>();
            for (Tensor x : inputs) {
                sim.add(((Tensor) Executor.run(simulated, Map.of(input, x), null).get(simulated.outputs().get(0).name()))
                        .data().clone());
            }
            int c = top1 ? classes : 0;
            return new Result(pair(sim, ort, ref, scale, c), pair(ortUp, ort, ref, scale, c), pair(ortDown, ort, ref, scale, c));
        } finally {
            Files.deleteIfExists(up);
            Files.deleteIfExists(down);
        }
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
        throw new IllegalStateException("the export's output " + out + " is not quantized");
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
