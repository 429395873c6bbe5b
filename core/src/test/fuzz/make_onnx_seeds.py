"""Writes the seed corpus of OnnxModelFuzzer: small ONNX models, one or two ops each, over the ops whose malformed
variants the issue-18 campaign crashed on (Add, Conv strides, Gather, Expand, ConstantOfShape) and common CNN ops.
Each file is the model's bytes followed by 12 bytes the target reads from the end (free dimension, input seed).

Run with Debian's python (onnx 1.12): /usr/bin/python3 core/src/test/fuzz/make_onnx_seeds.py
"""
import os
import numpy as np
import onnx
from onnx import TensorProto as T, helper as h, numpy_helper as nh

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "qsh", "core", "modelio",
                   "OnnxModelFuzzerInputs", "fuzz")


def model(name, nodes, inputs, outputs, inits=()):
    g = h.make_graph(nodes, name, inputs, outputs, initializer=list(inits))
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 13)], producer_name="qsh-fuzz-seed")
    m.ir_version = 7
    with open(os.path.join(OUT, "seed-" + name), "wb") as f:
        f.write(m.SerializeToString() + bytes(range(1, 13)))


def vi(name, shape, t=T.FLOAT):
    return h.make_tensor_value_info(name, t, shape)


def w(name, shape, dtype=np.float32, values=None):
    a = np.arange(int(np.prod(shape)), dtype=dtype).reshape(shape) if values is None else np.array(values, dtype=dtype)
    return nh.from_array(a, name)


os.makedirs(OUT, exist_ok=True)
model("add", [h.make_node("Add", ["x", "b"], ["y"])], [vi("x", [1, 3])], [vi("y", [1, 3])], [w("b", [3])])
model("conv", [h.make_node("Conv", ["x", "w"], ["y"], strides=[2, 2], pads=[1, 1, 1, 1])],
      [vi("x", [1, 1, 4, 4])], [vi("y", [1, 2, 2, 2])], [w("w", [2, 1, 3, 3])])
model("gather", [h.make_node("Gather", ["d", "i"], ["y"], axis=0)], [vi("i", [2], T.INT64)], [vi("y", [2, 3])],
      [w("d", [4, 3])])
model("expand", [h.make_node("Expand", ["x", "s"], ["y"])], [vi("x", [1, 3])], [vi("y", [2, 3])],
      [w("s", [2], np.int64, [2, 3])])
model("constantofshape", [h.make_node("ConstantOfShape", ["s"], ["y"], value=h.make_tensor("v", T.FLOAT, [1], [1.5]))],
      [], [vi("y", [2, 2])], [w("s", [2], np.int64, [2, 2])])
model("reshape", [h.make_node("Reshape", ["x", "s"], ["y"])], [vi("x", [2, 3])], [vi("y", [3, 2])],
      [w("s", [2], np.int64, [3, -1])])
model("matmul_relu", [h.make_node("MatMul", ["x", "w"], ["m"]), h.make_node("Relu", ["m"], ["y"])],
      [vi("x", ["N", 4])], [vi("y", ["N", 2])], [w("w", [4, 2])])
model("gemm", [h.make_node("Gemm", ["x", "w", "b"], ["y"], transB=1)], [vi("x", [1, 4])], [vi("y", [1, 2])],
      [w("w", [2, 4]), w("b", [2])])
model("concat", [h.make_node("Concat", ["x", "c"], ["y"], axis=1)], [vi("x", [1, 2])], [vi("y", [1, 4])], [w("c", [1, 2])])
model("slice", [h.make_node("Slice", ["x", "s", "e", "a"], ["y"])], [vi("x", [4, 4])], [vi("y", [2, 4])],
      [w("s", [1], np.int64, [1]), w("e", [1], np.int64, [3]), w("a", [1], np.int64, [0])])
model("transpose_softmax", [h.make_node("Transpose", ["x"], ["t"], perm=[1, 0]), h.make_node("Softmax", ["t"], ["y"], axis=1)],
      [vi("x", [2, 3])], [vi("y", [3, 2])])
model("maxpool", [h.make_node("MaxPool", ["x"], ["y"], kernel_shape=[2, 2], strides=[2, 2])], [vi("x", [1, 1, 4, 4])],
      [vi("y", [1, 1, 2, 2])])
model("batchnorm", [h.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"])], [vi("x", [1, 2, 2, 2])],
      [vi("y", [1, 2, 2, 2])], [w("s", [2]), w("b", [2]), w("m", [2]), w("v", [2], values=[1, 2])])
model("pad", [h.make_node("Pad", ["x", "p"], ["y"])], [vi("x", [2, 2])], [vi("y", [4, 4])],
      [w("p", [4], np.int64, [1, 1, 1, 1])])
model("where_cast", [h.make_node("Cast", ["c"], ["cb"], to=T.BOOL), h.make_node("Where", ["cb", "x", "x"], ["y"])],
      [vi("c", [3], T.INT64), vi("x", [3])], [vi("y", [3])])
model("reducemean_unsqueeze", [h.make_node("ReduceMean", ["x"], ["r"], axes=[1], keepdims=0),
                               h.make_node("Unsqueeze", ["r", "a"], ["y"])],
      [vi("x", [2, 3])], [vi("y", [2, 1])], [w("a", [1], np.int64, [1])])
model("split", [h.make_node("Split", ["x"], ["a", "b"], axis=0)], [vi("x", [4, 2])], [vi("a", [2, 2]), vi("b", [2, 2])])
model("globalpool_flatten", [h.make_node("GlobalAveragePool", ["x"], ["p"]), h.make_node("Flatten", ["p"], ["y"])],
      [vi("x", [1, 2, 3, 3])], [vi("y", [1, 2])])
model("clip_mul", [h.make_node("Clip", ["x", "lo", "hi"], ["c"]), h.make_node("Mul", ["c", "x"], ["y"])],
      [vi("x", [2, 2])], [vi("y", [2, 2])], [w("lo", [], values=0.0), w("hi", [], values=6.0)])
print("wrote seeds to", os.path.normpath(OUT))
