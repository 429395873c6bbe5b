package qsh.core.graph;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.core.onnx.proto.OnnxProto.AttributeProto;
import qsh.core.onnx.proto.OnnxProto.NodeProto;

/**
 * One operation of a graph. It keeps its ONNX NodeProto, so attributes and fields qsh does not interpret
 * are written back unchanged; edits make a new Node.
 */
public final class Node {
    private final NodeProto proto;
    private final String name;
    private final Map<String, AttributeProto> attributes = new LinkedHashMap<>();

    /** Wraps {@code proto}; {@code fallbackName} is used when the node has no name. */
    public Node(NodeProto proto, String fallbackName) {
        this.proto = proto;
        this.name = proto.getName().isEmpty() ? fallbackName : proto.getName();
        for (AttributeProto a : proto.getAttributeList()) {
            attributes.put(a.getName(), a);
        }
    }

    /** The node's name (or a generated {@code OpType_N} when the file has none). */
    public String name() { return name; }

    /** The op type, e.g. Conv. */
    public String opType() { return proto.getOpType(); }

    /** The operator domain ("" = the default ONNX domain). */
    public String domain() { return proto.getDomain(); }

    /** Input value names in order ("" marks an omitted optional input). */
    public List<String> inputs() { return proto.getInputList(); }

    /** Output value names in order. */
    public List<String> outputs() { return proto.getOutputList(); }

    /** The input at {@code i}, or "" when absent. */
    public String input(int i) { return i < proto.getInputCount() ? proto.getInput(i) : ""; }

    /** Output {@code i}, or "" when absent. */
    public String output(int i) { return i < proto.getOutputCount() ? proto.getOutput(i) : ""; }

    /** The attributes by name. */
    public Map<String, AttributeProto> attributes() { return Collections.unmodifiableMap(attributes); }

    /** The underlying NodeProto. */
    public NodeProto proto() { return proto; }

    /**
     * The attribute {@code n}, or null; refused with one line naming the node when the file gives it another type than
     * the op defines (a float list for strides), which would otherwise read as an empty or zero value.
     */
    private AttributeProto typed(String n, AttributeProto.AttributeType type) {
        AttributeProto a = attributes.get(n);
        if (a != null && a.hasType() && a.getType() != type && a.getType() != AttributeProto.AttributeType.UNDEFINED) {
            throw new IllegalArgumentException("attribute '" + n + "' must be "
                    + type + ", not " + a.getType());
        }
        return a;
    }

    /** An int attribute or {@code dflt}. */
    public long attrInt(String n, long dflt) {
        AttributeProto a = typed(n, AttributeProto.AttributeType.INT);
        return a == null ? dflt : a.getI();
    }

    /** A float attribute or {@code dflt}. */
    public float attrFloat(String n, float dflt) {
        AttributeProto a = typed(n, AttributeProto.AttributeType.FLOAT);
        return a == null ? dflt : a.getF();
    }

    /** A string attribute or {@code dflt}. */
    public String attrString(String n, String dflt) {
        AttributeProto a = typed(n, AttributeProto.AttributeType.STRING);
        return a == null ? dflt : a.getS().toStringUtf8();
    }

    /** An ints attribute as int[], or null when absent. */
    public int[] attrInts(String n) {
        AttributeProto a = typed(n, AttributeProto.AttributeType.INTS);
        if (a == null) {
            return null;
        }
        int[] v = new int[a.getIntsCount()];
        for (int i = 0; i < v.length; i++) {
            long x = a.getInts(i);
            if (x != (int) x) {
                throw new IllegalArgumentException("attribute '" + n + "' holds "
                        + x + ", beyond the 32-bit range qsh computes with");
            }
            v[i] = (int) x;
        }
        return v;
    }

    /** An ints attribute as longs (no narrowing, e.g. Slice's INT64_MAX ends), or null when absent. */
    public long[] attrLongs(String n) {
        AttributeProto a = typed(n, AttributeProto.AttributeType.INTS);
        return a == null ? null : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** A floats attribute, or null when absent. */
    public float[] attrFloats(String n) {
        AttributeProto a = typed(n, AttributeProto.AttributeType.FLOATS);
        if (a == null) {
            return null;
        }
        float[] v = new float[a.getFloatsCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.getFloats(i);
        }
        return v;
    }

    /** Whether the attribute is present. */
    public boolean hasAttr(String n) {
        return attributes.containsKey(n);
    }

    @Override
    public String toString() {
        return name + " (" + opType() + ")";
    }
}
