package qsh.core.exec.ops;

import qsh.core.graph.Node;

/** One ONNX op: computes a node's outputs from its inputs (Tensor or LongTensor; null for omitted inputs). */
@FunctionalInterface
public interface OpKernel {
    /** Runs {@code node} at {@code opset} on {@code inputs}. */
    Object[] run(Node node, Object[] inputs, long opset);
}
