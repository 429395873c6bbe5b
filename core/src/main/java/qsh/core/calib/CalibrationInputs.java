package qsh.core.calib;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.core.graph.Graph;
import qsh.core.graph.InputDims;
import qsh.core.graph.ValueInfo;
import qsh.core.tensor.Tensor;

/**
 * An input list checked against a model's inputs (spec "Quantizing a Model": the list's inputs "should match
 * exactly" the model's): names agree, every input has batch 1 (spec "qairt-quantizer"), and each line loads as
 * one {@code Map<input name, Tensor>}. Tensors are read one line at a time, so memory stays one inference.
 */
public final class CalibrationInputs {
    private final InputList list;
    private final List<Map<String, Tensor>> samples;
    private final Map<String, int[]> shapes;
    private final String source;

    private CalibrationInputs(List<Map<String, Tensor>> samples, Map<String, int[]> shapes, String source) {
        this.list = null;
        this.samples = List.copyOf(samples);
        this.shapes = shapes;
        this.source = source;
    }

    /**
     * Samples already in memory (from a data loader), checked against {@code modelInputs}: every sample has a
     * tensor of the input's shape for each model input. {@code source} names the data in errors.
     */
    public static CalibrationInputs of(List<Map<String, Tensor>> samples, Map<String, int[]> modelInputs, String source) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException(source + ": no samples");
        }
        for (int i = 0; i < samples.size(); i++) {
            for (Map.Entry<String, int[]> e : modelInputs.entrySet()) {
                Tensor t = samples.get(i).get(e.getKey());
                if (t == null) {
                    throw new IllegalArgumentException(source + ": sample " + i + " has no value for input '" + e.getKey() + "'");
                }
                if (!java.util.Arrays.equals(t.shape(), e.getValue())) {
                    throw new IllegalArgumentException(source + ": sample " + i + " input '" + e.getKey() + "' has shape "
                            + java.util.Arrays.toString(t.shape()) + ", the model needs " + java.util.Arrays.toString(e.getValue()));
                }
            }
        }
        return new CalibrationInputs(samples, Collections.unmodifiableMap(new LinkedHashMap<>(modelInputs)), source);
    }

    /**
     * The input shapes calibration feeds {@code g}, in model order; every input must have fixed dims (spec: batch 1),
     * else the message says how to bind them ({@code --input_dim}).
     */
    public static Map<String, int[]> shapesOf(Graph g) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (ValueInfo v : g.inputs()) {
            if (!v.isStatic()) {
                throw new IllegalArgumentException(InputDims.unboundMessage(v));
            }
            int[] s = new int[v.dims().length];
            for (int i = 0; i < s.length; i++) {
                s[i] = Math.toIntExact(v.dims()[i]);
            }
            shapes.put(v.name(), s);
        }
        return shapes;
    }

    /** {@code list} checked against {@code g}'s inputs ({@link #shapesOf}). */
    public static CalibrationInputs forGraph(InputList list, Graph g) {
        return new CalibrationInputs(list, shapesOf(g));
    }

    /**
     * The first {@code max} inputs of the input list {@code file}, loaded for {@code g} (AdaRound, bias correction
     * and high-bias absorption keep them in memory).
     */
    public static List<Map<String, Tensor>> samples(Path file, Graph g, int max) {
        CalibrationInputs inputs = forGraph(InputList.read(file), g);
        List<Map<String, Tensor>> out = new ArrayList<>();
        for (int i = 0; i < Math.min(max, inputs.size()); i++) {
            out.add(inputs.load(i));
        }
        return out;
    }

    /**
     * Checks {@code list} against {@code modelInputs} (input name → shape, in model order). A plain-path list needs a
     * single-input model; a named list must name exactly the model's inputs.
     */
    public CalibrationInputs(InputList list, Map<String, int[]> modelInputs) {
        this.list = list;
        this.samples = null;
        this.source = list.file() == null ? "input list" : list.file().toString();
        if (modelInputs.isEmpty()) {
            throw new IllegalArgumentException(source + ": the model has no inputs to calibrate");
        }
        Map<String, int[]> s = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : modelInputs.entrySet()) {
            RawTensorFile.checkBatchOne(e.getKey(), e.getValue());
            s.put(e.getKey(), e.getValue().clone());
        }
        this.shapes = Collections.unmodifiableMap(s);
        InputList.Entry first = list.entries().get(0);
        String where = source + ":" + first.line();
        if (!list.named()) {
            if (shapes.size() != 1) {
                throw new IllegalArgumentException(where + ": a plain path gives one input, but the model has inputs "
                        + shapes.keySet() + ": write name:=path for each of them");
            }
            return;
        }
        for (String name : first.inputs().keySet()) {
            if (!shapes.containsKey(name)) {
                throw new IllegalArgumentException(where + ": '" + name + "' is not an input of the model (inputs: "
                        + shapes.keySet() + "): fix the name");
            }
        }
        for (String name : shapes.keySet()) {
            if (!first.inputs().containsKey(name)) {
                throw new IllegalArgumentException(where + ": model input '" + name + "' has no file on this line:"
                        + " add " + name + ":=path");
            }
        }
    }

    /** Number of inferences. */
    public int size() {
        return list == null ? samples.size() : list.size();
    }

    /** The model's inputs (name → shape) this list was checked against. */
    public Map<String, int[]> inputShapes() {
        return shapes;
    }

    /** The files of inference {@code index} by model input name. */
    public Map<String, Path> files(int index) {
        if (list == null) {
            throw new IllegalStateException(source + ": samples in memory have no files");
        }
        InputList.Entry e = list.entries().get(index);
        if (!e.named()) {
            return Map.of(shapes.keySet().iterator().next(), e.single());
        }
        return e.inputs();
    }

    /**
     * Reads inference {@code index}: one tensor per model input, in model order. A bad raw file is an error
     * prefixed with the list's {@code FILE:LINE}.
     */
    public Map<String, Tensor> load(int index) {
        if (list == null) {
            return samples.get(index);
        }
        InputList.Entry e = list.entries().get(index);
        Map<String, Path> files = files(index);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> in : shapes.entrySet()) {
            try {
                out.put(in.getKey(), RawTensorFile.read(files.get(in.getKey()), in.getKey(), in.getValue()));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(source + ":" + e.line() + ": " + ex.getMessage(), ex);
            }
        }
        return out;
    }

    /** The list's line numbers, one per inference (for progress and error reports). */
    public List<Integer> lines() {
        List<Integer> out = new ArrayList<>();
        if (list == null) {
            for (int i = 0; i < samples.size(); i++) {
                out.add(i + 1);
            }
            return out;
        }
        for (InputList.Entry e : list.entries()) {
            out.add(e.line());
        }
        return out;
    }
}
