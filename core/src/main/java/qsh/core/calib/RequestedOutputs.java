package qsh.core.calib;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.graph.ValueInfo;
import qsh.core.onnx.proto.OnnxProto.GraphProto;
import qsh.core.onnx.proto.OnnxProto.TensorShapeProto;
import qsh.core.onnx.proto.OnnxProto.TypeProto;
import qsh.core.onnx.proto.OnnxProto.ValueInfoProto;
import qsh.core.tensor.Tensor;

/**
 * The outputs an input list asks for (spec, "qairt-quantizer": {@code #<output_layer_name> ...} and
 * {@code %<output_tensor_name> ...} lines): every named layer's (node's) outputs and every named tensor become
 * graph outputs of the model that is calibrated, simulated and exported. A graph output is its own quantization
 * point (never fused into its consumer), so each requested tensor gets its own activation encoding under the
 * act_bw/act_quantizer rules, like the model's own outputs. The model's declared outputs stay, first.
 *
 * <p>Names are checked against the graph: an unknown layer or tensor, a weight, or a tensor that holds no float
 * data is one error naming the list file and line.
 */
public final class RequestedOutputs {
    /**
     * The graph with the requested outputs, and what changed.
     *
     * @param graph   the model with every requested tensor as a graph output ({@code g} itself when nothing changed)
     * @param added   the tensors that became graph outputs, in request order
     * @param already requested tensors that were graph outputs already
     */
    public record Result(Graph graph, List<String> added, List<String> already) {
        /** True when the list had no output lines. */
        public boolean none() {
            return added.isEmpty() && already.isEmpty();
        }
    }

    private RequestedOutputs() {}

    /**
     * Applies {@code list}'s output lines to {@code g}. {@code probe} is one input set (e.g. the list's first line),
     * run once only when there are output lines, to learn which requested values are float and their shapes.
     */
    public static Result apply(Graph g, InputList list, Supplier<Map<String, Tensor>> probe) {
        if (list.outputLayers().isEmpty() && list.outputTensors().isEmpty()) {
            return new Result(g, List.of(), List.of());
        }
        Map<String, String> where = new java.util.LinkedHashMap<>(); // tensor → FILE:LINE that asked for it
        for (String layer : list.outputLayers()) {
            String at = list.outputLineWhere(true);
            Node n = g.nodes().stream().filter(x -> x.name().equals(layer)).findFirst().orElseThrow(() ->
                    new IllegalArgumentException(at + ": '#' output layer '" + layer + "' is not a node of the model"
                            + " ('graph' lists the nodes; '%' names a tensor instead)"));
            for (String o : n.outputs()) {
                if (!o.isEmpty()) {
                    where.putIfAbsent(o, at + ": '#' output layer '" + layer + "' output '" + o + "'");
                }
            }
        }
        for (String t : list.outputTensors()) {
            String at = list.outputLineWhere(false);
            if (g.weights().containsKey(t)) {
                throw new IllegalArgumentException(at + ": '%' output tensor '" + t + "' is a weight of the model, not"
                        + " an activation: name a node output");
            }
            if (g.producer(t) == null && !g.isInput(t)) {
                throw new IllegalArgumentException(at + ": '%' output tensor '" + t + "' is not a tensor of the model"
                        + " ('graph' lists the nodes and their outputs; '#' names a layer instead)");
            }
            where.putIfAbsent(t, at + ": '%' output tensor '" + t + "'");
        }
        Set<String> declared = new LinkedHashSet<>();
        g.outputs().forEach(v -> declared.add(v.name()));
        List<String> already = new ArrayList<>();
        List<String> wanted = new ArrayList<>();
        for (String t : where.keySet()) {
            (declared.contains(t) ? already : wanted).add(t);
        }
        if (wanted.isEmpty()) {
            return new Result(g, List.of(), already);
        }
        Map<String, Tensor> inputs = probe.get();
        Map<String, Object> values = Executor.run(g, inputs, null, new LinkedHashSet<>(wanted));
        GraphProto.Builder gb = g.meta().getGraph().toBuilder();
        for (String t : wanted) {
            Object v = values.containsKey(t) ? values.get(t) : inputs.get(t);
            if (!(v instanceof Tensor value)) {
                throw new IllegalArgumentException(where.get(t) + " holds integer data (shapes or indices), not an"
                        + " activation: name a float tensor");
            }
            gb.addOutput(valueInfo(g, t, value.shape()));
        }
        Graph out = new Graph(g.meta().toBuilder().setGraph(gb).build(), g.nodes(), g.weights(), g.weightTypes(),
                "model with the input list's outputs");
        return new Result(out, List.copyOf(wanted), List.copyOf(already));
    }

    /** FLOAT with the shape the probe ran (calibration runs fixed shapes); a graph input keeps its declaration. */
    private static ValueInfoProto valueInfo(Graph g, String t, int[] shape) {
        for (ValueInfo in : g.inputs()) { // a graph input asked for as an output keeps its declared type
            if (in.name().equals(t)) {
                return g.meta().getGraph().getInputList().stream().filter(v -> v.getName().equals(t)).findFirst()
                        .orElseThrow();
            }
        }
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (int d : shape) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(t).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
    }
}
