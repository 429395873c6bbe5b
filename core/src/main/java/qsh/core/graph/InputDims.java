package qsh.core.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds a model's symbolic input dimensions as QNN's converters do: the converter takes
 * {@code --input_dim NAME D1,D2,...} (one per input) for dimensions the model leaves open, and the spec's
 * batch-1 rule makes an open batch dimension (dimension 0) 1 when no flag sets it. Dimensions left open after
 * that stay open; a command that needs data of a fixed shape names them with {@link #unboundMessage}.
 */
public final class InputDims {
    /**
     * A graph with bound input dimensions, and one note per automatic choice.
     *
     * @param graph the bound graph (its declared signature kept for export, see {@link Graph#declaredInputs()})
     * @param notes e.g. "input 'x': batch dimension 'N' set to 1 (spec: batch 1)"
     */
    public record Binding(Graph graph, List<String> notes) {}

    private InputDims() {}

    /**
     * Parses the flag values {@code NAME D1,D2,...} (one string per flag, name and dims separated by blanks).
     * Errors are one line naming the flag value.
     */
    public static Map<String, long[]> parse(List<String> values) {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (String v : values) {
            String[] parts = v.trim().split("\\s+");
            if (parts.length != 2) {
                throw new IllegalArgumentException("--input_dim needs a name and comma-separated dimensions, e.g. --input_dim x 1,3,224,224; got '" + v + "'");
            }
            String[] ds = parts[1].split(",");
            long[] dims = new long[ds.length];
            for (int i = 0; i < ds.length; i++) {
                try {
                    dims[i] = Long.parseLong(ds[i].trim());
                } catch (NumberFormatException e) {
                    dims[i] = 0;
                }
                if (dims[i] <= 0 || dims[i] > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("--input_dim " + parts[0] + ": dimension " + i + " is '" + ds[i]
                            + "'; give positive integers, e.g. 1,3,224,224");
                }
            }
            if (out.put(parts[0], dims) != null) {
                throw new IllegalArgumentException("--input_dim " + parts[0] + " is given twice: give each input once");
            }
        }
        return out;
    }

    /**
     * Binds {@code given} dims (input name → all its dimensions), then every input's still-open dimension 0 to 1
     * when the input has rank ≥ 2 (the batch). A name that is no input, a rank that differs, or a dimension that
     * contradicts a fixed one is an error naming the input.
     */
    public static Binding bind(Graph g, Map<String, long[]> given) {
        Map<String, long[]> dims = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        for (String name : given.keySet()) {
            if (!g.isInput(name)) {
                throw new IllegalArgumentException("--input_dim " + name + ": the model has no input of that name (inputs: "
                        + String.join(", ", g.inputs().stream().map(ValueInfo::name).toList()) + ")");
            }
        }
        for (ValueInfo v : g.inputs()) {
            long[] want = given.get(v.name());
            long[] d = v.dims().clone();
            if (want != null) {
                if (want.length != d.length) {
                    throw new IllegalArgumentException("--input_dim " + v.name() + " gives " + want.length + " dimensions but the input is "
                            + v.shapeString() + " (" + d.length + " dimensions)");
                }
                for (int i = 0; i < d.length; i++) {
                    if (d[i] >= 0 && d[i] != want[i]) {
                        throw new IllegalArgumentException("--input_dim " + v.name() + ": dimension " + i + " is fixed to " + d[i]
                                + " by the model " + v.shapeString() + ", not " + want[i]);
                    }
                }
                d = want.clone();
            } else if (d.length >= 2 && d[0] < 0) {
                String sym = v.symbols().get(0);
                notes.add("input '" + v.name() + "': batch dimension " + (sym.isEmpty() || sym.equals("?") ? "?" : "'" + sym + "'")
                        + " set to 1 (spec: batch 1; --input_dim " + v.name() + " … sets another)");
                d[0] = 1;
            }
            if (!Arrays.equals(d, v.dims())) {
                dims.put(v.name(), d);
            }
        }
        return new Binding(dims.isEmpty() ? g : g.withInputDims(dims), List.copyOf(notes));
    }

    /** Whether every input has a fixed shape. */
    public static boolean allBound(Graph g) {
        return g.inputs().stream().allMatch(ValueInfo::isStatic);
    }

    /** One line for an input whose shape is still open when data must flow, naming the flag that fixes it. */
    public static String unboundMessage(ValueInfo v) {
        StringBuilder example = new StringBuilder();
        for (int i = 0; i < v.dims().length; i++) {
            example.append(i > 0 ? "," : "").append(v.dims()[i] >= 0 ? Long.toString(v.dims()[i])
                    : v.symbols().get(i).matches("[A-Za-z_]\\w*") ? v.symbols().get(i) : "D" + i);
        }
        return "input '" + v.name() + "' has open dimensions " + v.shapeString() + ": fix them with --input_dim " + v.name()
                + " " + example + " (on load or ./qsh quantize)";
    }
}
