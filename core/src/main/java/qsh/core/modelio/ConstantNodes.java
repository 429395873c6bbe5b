package qsh.core.modelio;

import qsh.core.onnx.proto.OnnxProto.AttributeProto;
import qsh.core.onnx.proto.OnnxProto.NodeProto;
import qsh.core.onnx.proto.OnnxProto.TensorProto;
import qsh.core.onnx.proto.OnnxProto.TensorProto.DataType;

/** The value of an ONNX Constant node as a TensorProto (value, value_float(s), value_int(s) forms). */
final class ConstantNodes {
    private ConstantNodes() {}

    /** The constant's tensor named after its output, or null when {@code n} is not a Constant qsh can hold. */
    static TensorProto value(NodeProto n, String source) {
        if (!n.getOpType().equals("Constant") || !(n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx"))
                || n.getOutputCount() != 1) {
            return null;
        }
        String out = n.getOutput(0);
        for (AttributeProto a : n.getAttributeList()) {
            switch (a.getName()) {
                case "value":
                    return a.getT().toBuilder().setName(out).build();
                case "value_float":
                    return TensorProto.newBuilder().setName(out).setDataType(DataType.FLOAT_VALUE).addFloatData(a.getF()).build();
                case "value_floats":
                    return TensorProto.newBuilder().setName(out).setDataType(DataType.FLOAT_VALUE)
                            .addDims(a.getFloatsCount()).addAllFloatData(a.getFloatsList()).build();
                case "value_int":
                    return TensorProto.newBuilder().setName(out).setDataType(DataType.INT64_VALUE).addInt64Data(a.getI()).build();
                case "value_ints":
                    return TensorProto.newBuilder().setName(out).setDataType(DataType.INT64_VALUE)
                            .addDims(a.getIntsCount()).addAllInt64Data(a.getIntsList()).build();
                default:
                    break;
            }
        }
        return null; // sparse_value / string constants stay nodes (and cannot run)
    }
}
