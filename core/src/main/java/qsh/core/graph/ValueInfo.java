package qsh.core.graph;

import java.util.ArrayList;
import java.util.List;
import qsh.core.onnx.TensorProtos;
import qsh.core.onnx.proto.OnnxProto.TensorShapeProto;
import qsh.core.onnx.proto.OnnxProto.ValueInfoProto;

/**
 * A declared graph input or output: name, element type and shape, where unknown dimensions are -1 and
 * symbolic ones keep their name (e.g. "batch").
 *
 * @param name     value name
 * @param elemType ONNX element type number (1 = FLOAT)
 * @param dims     dimensions, -1 where unknown or symbolic
 * @param symbols  the symbolic name per dimension ("" where numeric)
 */
public record ValueInfo(String name, int elemType, long[] dims, List<String> symbols) {
    /** From a ValueInfoProto. */
    public static ValueInfo of(ValueInfoProto p) {
        TensorShapeProto shape = p.getType().getTensorType().getShape();
        long[] dims = new long[shape.getDimCount()];
        List<String> syms = new ArrayList<>();
        for (int i = 0; i < dims.length; i++) {
            TensorShapeProto.Dimension d = shape.getDim(i);
            dims[i] = d.hasDimValue() ? d.getDimValue() : -1;
            syms.add(d.hasDimParam() ? d.getDimParam() : "");
        }
        return new ValueInfo(p.getName(), p.getType().getTensorType().getElemType(), dims, List.copyOf(syms));
    }

    /** Whether every dimension is a known number. */
    public boolean isStatic() {
        for (long d : dims) {
            if (d < 0) {
                return false;
            }
        }
        return true;
    }

    /** The shape as {@code [1, 3, H, W]}, symbolic names shown. */
    public String shapeString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            sb.append(i > 0 ? ", " : "").append(dims[i] >= 0 ? Long.toString(dims[i]) : symbols.get(i).isEmpty() ? "?" : symbols.get(i));
        }
        return sb.append(']').toString();
    }

    /** The element type's name, e.g. FLOAT. */
    public String typeName() {
        return TensorProtos.typeName(elemType);
    }
}
