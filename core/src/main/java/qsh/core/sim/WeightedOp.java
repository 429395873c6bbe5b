package qsh.core.sim;

import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.tensor.Tensor;

/**
 * A Conv/ConvTranspose/Gemm/MatMul, PRelu or InstanceNormalization whose second input (weight, slope, scale)
 * is a float initializer. Conv-type weights can be per channel (spec: Conv2d, Conv3d, TransposeConv2d,
 * DepthwiseConv2d); a 2-D Gemm/MatMul weight can be per row (qairt-quantizer's --use_per_row_quantization).
 */
record WeightedOp(Node node, String weight, String bias, int axis, boolean perChannelCapable, boolean perRowCapable) {
    static WeightedOp of(Graph g, Node n) {
        String op = n.opType();
        if (op.equals("PRelu") || op.equals("InstanceNormalization")) {
            if (!(g.weights().get(n.input(1)) instanceof Tensor)) {
                return null;
            }
            // InstanceNormalization's B is a bias as ONNX Runtime's QDQ quantizer treats it: at 32 bits its
            // scale is input scale x scale's scale
            String bias = op.equals("InstanceNormalization") && g.weights().get(n.input(2)) instanceof Tensor
                    ? n.input(2) : null;
            return new WeightedOp(n, n.input(1), bias, 0, false, false);
        }
        boolean conv = op.equals("Conv") || op.equals("ConvTranspose");
        if (!conv && !op.equals("Gemm") && !op.equals("MatMul")) {
            return null;
        }
        if (!(g.weights().get(n.input(1)) instanceof Tensor)) {
            return null;
        }
        String bias = !op.equals("MatMul") && g.weights().get(n.input(2)) instanceof Tensor ? n.input(2) : null;
        // the output-channel (row) axis: Gemm's B is [K, N], or [N, K] with transB; a 2-D MatMul weight is [K, N]
        boolean matrix = ((Tensor) g.weights().get(n.input(1))).rank() == 2;
        int axis = op.equals("ConvTranspose") ? 1 : op.equals("Gemm") ? (n.attrInt("transB", 0) != 0 ? 0 : 1)
                : op.equals("MatMul") ? (matrix ? 1 : -1) : 0;
        return new WeightedOp(n, n.input(1), bias, axis, conv, !conv && matrix);
    }
}
