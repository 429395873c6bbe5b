#!/usr/bin/python3
"""Exports the torchvision architectures of qsh's model zoo to ONNX, as a user would with torch.onnx.export.

Run with Debian's python3-torch / python3-torchvision (torch 1.13, torchvision 0.14):
    /usr/bin/python3 scripts/zoo/export_torchvision.py [OUT_DIR]
OUT_DIR defaults to ${QSH_ZOO_CACHE:-~/.cache/qsh-zoo}/torch. Writes NAME.onnx for every model below.

Weights: random init (torchvision's own initializers) with a fixed seed. A random network's BatchNorm running
statistics (mean 0, var 1) do not match its activations, so they are re-estimated on image-like data: the model
runs in train mode over a few batches of smooth random images (cumulative averages, momentum=None), then eval.
Export: torch.onnx.export's defaults (opset 14 in torch 1.13, training=EVAL, do_constant_folding=True), which
fold every BatchNorm into the preceding Conv -- the graph users get from a default export. The batch dim is
symbolic ('batch') via dynamic_axes; height and width are fixed.
"""
import os
import sys

import torch
import torchvision

MODELS = ["resnet18", "mobilenet_v2", "squeezenet1_1", "shufflenet_v2_x0_5", "efficientnet_b0"]
SIZE = 160          # input height = width; the architectures end in adaptive pooling, so any size works
SEED = 14           # torch.manual_seed for the weights
BN_BATCHES = 16     # batches of BN_BATCH image-like inputs for the BatchNorm statistics
BN_BATCH = 8


def image_like(gen, n):
    """n smooth random images, ImageNet-normalized: a 5x5 random field upsampled bilinearly, plus noise."""
    coarse = torch.rand(n, 3, 5, 5, generator=gen)
    v = torch.nn.functional.interpolate(coarse, size=(SIZE, SIZE), mode="bilinear", align_corners=True)
    v = (v + (torch.rand(n, 3, SIZE, SIZE, generator=gen) - 0.5) * 0.1).clamp(0, 1)
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    return (v - mean) / std


def build(name):
    torch.manual_seed(SEED)
    model = getattr(torchvision.models, name)(weights=None)
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.reset_running_stats()
            m.momentum = None  # cumulative moving average over all batches
    gen = torch.Generator().manual_seed(SEED + 1)
    model.train()
    with torch.no_grad():
        for _ in range(BN_BATCHES):
            model(image_like(gen, BN_BATCH))
    return model.eval()


def main():
    cache = os.environ.get("QSH_ZOO_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "qsh-zoo")
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(cache, "torch")
    os.makedirs(out_dir, exist_ok=True)
    torch.set_num_threads(max(1, min(2, torch.get_num_threads())))
    for name in MODELS:
        model = build(name)
        path = os.path.join(out_dir, name + ".onnx")
        tmp = path + ".tmp"
        torch.onnx.export(model, torch.zeros(1, 3, SIZE, SIZE), tmp, input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
        os.replace(tmp, path)  # a killed run leaves no half-written model behind
        print("exported %s (%d bytes)" % (path, os.path.getsize(path)))


if __name__ == "__main__":
    main()
