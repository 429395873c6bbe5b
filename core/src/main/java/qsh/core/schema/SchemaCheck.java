package qsh.core.schema;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.modelio.OnnxReader;

/**
 * Checks every node of a graph against the ONNX schema of its op at the graph's opset ({@link OpSchemas}): the op
 * exists at that opset and is not deprecated, its attributes are allowed there and the required ones present, and
 * its input and output counts fit (so an attribute that became an input, such as Squeeze's axes at opset 13, is
 * caught in either direction). Ops outside the table and other domains are not checked.
 */
public final class SchemaCheck {
    private SchemaCheck() {}

    /** One line per node that breaks its schema ("node 'X' (Squeeze-13): ..."), in graph order; empty when valid. */
    public static List<String> problems(Graph g) {
        List<String> out = new ArrayList<>();
        long opset = g.opset();
        for (Node n : g.nodes()) {
            String p = problem(n, opset);
            if (p != null) {
                out.add(p);
            }
        }
        return out;
    }

    /** What is wrong with {@code n} at {@code opset}, or null when it fits its schema (or qsh has none). */
    public static String problem(Node n, long opset) {
        if (!(n.domain().isEmpty() || n.domain().equals("ai.onnx")) || !OpSchemas.knows(n.opType())) {
            return null;
        }
        String where = "node '" + n.name() + "' (" + n.opType();
        OpSchemas.Version v = OpSchemas.at(n.opType(), opset);
        if (v == null) {
            return where + "): " + n.opType() + " does not exist before opset " + OpSchemas.firstOpset(n.opType())
                    + " (the model's opset is " + opset + ")";
        }
        where += "-" + v.since() + ")";
        if (v.deprecated()) {
            return where + ": " + n.opType() + " is deprecated since opset " + v.since() + " (the model's opset is "
                    + opset + ")";
        }
        for (String a : n.attributes().keySet()) {
            if (!v.attributes().contains(a)) {
                return where + ": attribute '" + a + "' is not allowed at opset " + opset
                        + (v.attributes().isEmpty() ? " (no attributes)" : " (allowed: " + String.join(", ", v.attributes()) + ")");
            }
        }
        for (String a : v.required()) {
            if (!n.hasAttr(a)) {
                return where + ": required attribute '" + a + "' is missing";
            }
        }
        return arity(n, v, where);
    }

    /**
     * What is wrong with the input and output counts of {@code n} at {@code opset} ("node 'X' (Add-14): 1 input(s), the
     * schema takes 2"), or null when they fit or qsh has no schema for it. Shape inference and the executor check this
     * before reading a node's inputs, so a malformed node is an error naming it, never an index out of bounds.
     */
    public static String arityProblem(Node n, long opset) {
        if (!(n.domain().isEmpty() || n.domain().equals("ai.onnx")) || !OpSchemas.knows(n.opType())) {
            return null;
        }
        OpSchemas.Version v = OpSchemas.at(n.opType(), opset);
        if (v == null) {
            // an opset before the op's first version (a model without an opset import reads as opset 0): its first
            // version's counts still say what its kernel reads (the fuzzer's Conv with one input at opset 0 was an
            // index out of bounds)
            v = OpSchemas.at(n.opType(), OpSchemas.firstOpset(n.opType()));
        }
        return v == null ? null : arity(n, v, "node '" + n.name() + "' (" + n.opType() + "-" + v.since() + ")");
    }

    private static String arity(Node n, OpSchemas.Version v, String where) {
        int in = n.inputs().size();
        if (in < v.minInputs() || in > v.maxInputs()) {
            return where + ": " + in + " input(s), the schema takes " + range(v.minInputs(), v.maxInputs());
        }
        for (int i = 0; i < v.minInputs(); i++) {
            if (n.input(i).isEmpty()) {
                return where + ": input " + i + " is required but empty";
            }
        }
        int out = n.outputs().size();
        if (out < v.minOutputs() || out > v.maxOutputs()) {
            return where + ": " + out + " output(s), the schema gives " + range(v.minOutputs(), v.maxOutputs());
        }
        return null;
    }

    /**
     * Throws an {@link IllegalArgumentException} with one line naming {@code source}, the first bad node and how many
     * more there are, when {@code g} breaks a schema.
     */
    public static void requireValid(Graph g, String source) {
        List<String> p = problems(g);
        if (!p.isEmpty()) {
            throw new IllegalArgumentException(source + " is not a valid opset-" + g.opset() + " model: " + p.get(0)
                    + (p.size() > 1 ? " (and " + (p.size() - 1) + " more node(s))" : ""));
        }
    }

    /**
     * Re-reads the model written at {@code file} and checks it with {@link #requireValid}: what is checked is the file
     * as a runtime will read it, not the graph it was written from.
     */
    public static void requireValidFile(Path file) {
        requireValid(OnnxReader.read(file), file.toString());
    }

    private static String range(int lo, int hi) {
        return hi == OpSchemas.N ? lo + " or more" : lo == hi ? Integer.toString(lo) : lo + " to " + hi;
    }
}
