#!/usr/bin/env python3
"""Why qsh's W4A8 per-channel figures trail ONNX Runtime's: the 4-bit symmetric grid.

The spec's symmetric encoding (and its per-channel example: max = 127·scale, min = -128·scale) puts the largest
|w| of a channel on grid value 2^(bw-1) - 1, so scale = absmax / 7 at 4 bits and -8 is never used. ONNX Runtime's
QInt4 symmetric quantizer spreads [-absmax, absmax] over 15 steps (scale = 2·absmax / 15) and clips +absmax to 7.
Weights only (activations float), per output channel of every Conv/Gemm weight, the zoo's evaluation inputs: the
output SQNR vs float under each grid. The whole W4A8 gap of the zoo table is this choice.

    V/bin/python scripts/zoo/int4_grid.py       (V: a venv with onnxruntime, onnx, numpy; see ort_reference.py)
"""
import json
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import ort_reference  # noqa: E402
import zoo_inputs  # noqa: E402

GRIDS = {"spec: absmax/7, [-7, 7]": (7.0, -7), "ORT: 2·absmax/15, [-8, 7]": (7.5, -8)}


def weights_only(model, div, lo):
    m = onnx.ModelProto()
    m.CopyFrom(model)
    weights = {n.input[1] for n in m.graph.node if n.op_type in ("Conv", "Gemm")}
    for t in m.graph.initializer:
        if t.name in weights:
            w = numpy_helper.to_array(t).astype(np.float64)
            absmax = np.abs(w.reshape(w.shape[0], -1)).max(1).reshape((-1,) + (1,) * (w.ndim - 1))
            s = np.where(absmax > 0, absmax / div, 1.0)
            t.CopyFrom(numpy_helper.from_array((np.clip(np.round(w / s), lo, 7) * s).astype(np.float32), t.name))
    return m


def outputs(model, name, inputs):
    s = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return np.concatenate([s.run(None, {name: x})[0].ravel() for x in inputs])


def main():
    ort.set_default_logger_severity(3)  # ORT warns about every unused initializer
    zoo = json.load(open(os.path.join(HERE, "zoo.json")))
    print("| model | " + " | ".join(GRIDS) + " |\n|---|---|---|")
    for m in zoo["models"]:
        if m["source"] == "light":
            continue  # their weights are constants: nothing to quantize here
        try:
            model = ort_reference.fixed_dims(ort_reference.model_bytes(m), m)
        except OSError as e:
            print("skip %s: %s" % (m["name"], e), file=sys.stderr)
            continue
        shape = m["shape"]
        ev = [zoo_inputs.image(s, shape[1], shape[2], shape[3], m["norm"])
              for s in m.get("evaluation_seeds", zoo["evaluation_seeds"])]
        ref = outputs(model, m["input"], ev)
        cells = []
        for div, lo in GRIDS.values():
            got = outputs(weights_only(model, div, lo), m["input"], ev)
            cells.append("%.1f" % ort_reference.sqnr_db(ref, got))
        print("| %s | %s |" % (m["name"], " | ".join(cells)))


if __name__ == "__main__":
    main()
