#!/usr/bin/python3
"""Trains a small Fashion-MNIST BN-CNN whose batch norms have high betas (beta - 3|gamma| > 0 on many channels),
the case high-bias absorption is for (Nagel et al. 2019, section 4.2), for qsh's CLE/HBA measurement test.

Run with Debian's Python (python3-torch, python3-onnx, dataset-fashion-mnist):
    /usr/bin/python3 scripts/models/train_high_beta.py
Input `input` 1x1x28x28 float32 = pixel/255; output `logits` 1x10. Four Conv-BN-ReLU layers (3x3 pad 1, the
second and third stride 2, then 1x1), GlobalAveragePool, Linear. BN beta starts at 2 and gamma at 0.5, so the
trained model keeps large shifts. Writes commands/src/test/resources/models/fmnist_high_beta.onnx with BN kept
as nodes. Deterministic seeds; about a minute on 2 cores.
"""
import gzip, os, struct, time
import numpy as np
import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = "/usr/share/datasets/fashion-mnist"
EPOCHS = int(os.environ.get("EPOCHS", "2"))


def idx(path):
    with gzip.open(path, "rb") as f:
        magic = struct.unpack(">I", f.read(4))[0]
        dims = [struct.unpack(">I", f.read(4))[0] for _ in range(magic & 0xFF)]
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(dims)


def conv_bn(cin, cout, k, stride):
    bn = nn.BatchNorm2d(cout)
    nn.init.constant_(bn.bias, 2.0)
    nn.init.constant_(bn.weight, 0.5)
    return [nn.Conv2d(cin, cout, k, stride, k // 2, bias=False), bn, nn.ReLU()]


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(*conv_bn(1, 16, 3, 1), *conv_bn(16, 32, 3, 2), *conv_bn(32, 32, 3, 2),
                                      *conv_bn(32, 64, 1, 1))
        self.classifier = nn.Linear(64, 10)

    def forward(self, x):
        return self.classifier(torch.flatten(nn.functional.adaptive_avg_pool2d(self.features(x), 1), 1))


def main():
    torch.manual_seed(0)
    torch.set_num_threads(2)
    xtr = torch.from_numpy(idx(f"{DATA}/train-images-idx3-ubyte.gz").astype(np.float32) / 255).unsqueeze(1)
    ytr = torch.from_numpy(idx(f"{DATA}/train-labels-idx1-ubyte.gz").astype(np.int64))
    xte = torch.from_numpy(idx(f"{DATA}/t10k-images-idx3-ubyte.gz").astype(np.float32) / 255).unsqueeze(1)
    yte = torch.from_numpy(idx(f"{DATA}/t10k-labels-idx1-ubyte.gz").astype(np.int64))
    model = Net()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    lossf = nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(0)
    t0 = time.time()
    for epoch in range(EPOCHS):
        model.train()
        perm = torch.randperm(len(xtr), generator=g)
        for i in range(0, len(xtr) - 127, 128):
            b = perm[i:i + 128]
            opt.zero_grad()
            loss = lossf(model(xtr[b]), ytr[b])
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            acc = sum((model(xte[i:i + 1000]).argmax(1) == yte[i:i + 1000]).sum().item() for i in range(0, 10000, 1000)) / 100
        print(f"epoch {epoch + 1}/{EPOCHS}: loss {loss.item():.3f}, test top-1 {acc:.2f}%, {time.time() - t0:.0f} s", flush=True)
    for m in model.features:
        if isinstance(m, nn.BatchNorm2d):
            high = (m.bias - 3 * m.weight.abs() > 0).sum().item()
            print(f"BN {m.num_features} channels: beta mean {m.bias.mean().item():.2f}, {high} with beta - 3|gamma| > 0")
    out = os.path.join(ROOT, "commands/src/test/resources/models/fmnist_high_beta.onnx")
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), out, input_names=["input"], output_names=["logits"],
                      opset_version=13, do_constant_folding=False, training=torch.onnx.TrainingMode.PRESERVE)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
