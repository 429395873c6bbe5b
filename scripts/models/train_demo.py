#!/usr/bin/python3
"""Trains qsh's demo model: a small MobileNetV2-style classifier for Fashion-MNIST, and exports it to ONNX
with BatchNormalization kept as nodes (so batch-norm folding and CLE can be shown step by step).

Run with Debian's Python (apt-get install -y --no-install-recommends python3-torch python3-onnx
dataset-fashion-mnist):   /usr/bin/python3 scripts/models/train_demo.py
Input: 1x1x28x28 float32, pixel/255 (no other normalisation). Output: 1x10 logits.
Writes commands/src/main/resources/qsh/demo/demo.onnx and scripts/data/demo/ (8 sample inputs as raw float32
little-endian, labels.txt, input_list.txt). Deterministic: seeds fixed, single-process data order.
"""
import gzip, os, struct, sys, time
import numpy as np
import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = "/usr/share/datasets/fashion-mnist"
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
EPOCHS = int(os.environ.get("EPOCHS", "3"))


def idx(path):
    with gzip.open(path, "rb") as f:
        magic = struct.unpack(">I", f.read(4))[0]
        dims = [struct.unpack(">I", f.read(4))[0] for _ in range(magic & 0xFF)]
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(dims)


def conv_bn(cin, cout, k, stride=1, groups=1, act=True):
    layers = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    if act:
        layers.append(nn.ReLU6())
    return layers


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        self.residual = stride == 1 and cin == cout
        self.body = nn.Sequential(*conv_bn(cin, hidden, 1), *conv_bn(hidden, hidden, 3, stride, groups=hidden),
                                  *conv_bn(hidden, cout, 1, act=False))

    def forward(self, x):
        y = self.body(x)
        return x + y if self.residual else y


class DemoNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            *conv_bn(1, 16, 3, 1),                     # 28x28
            InvertedResidual(16, 16, 1, 2),
            InvertedResidual(16, 24, 2, 3),            # 14x14
            InvertedResidual(24, 24, 1, 3),
            InvertedResidual(24, 32, 2, 3),            # 7x7
            InvertedResidual(32, 32, 1, 3),
            *conv_bn(32, 96, 1))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(96, 10)

    def forward(self, x):
        return self.classifier(torch.flatten(self.pool(self.features(x)), 1))


def main():
    torch.manual_seed(0)
    np.random.seed(0)
    torch.set_num_threads(2)
    xtr = torch.from_numpy(idx(f"{DATA}/train-images-idx3-ubyte.gz").astype(np.float32) / 255).unsqueeze(1)
    ytr = torch.from_numpy(idx(f"{DATA}/train-labels-idx1-ubyte.gz").astype(np.int64))
    xte = torch.from_numpy(idx(f"{DATA}/t10k-images-idx3-ubyte.gz").astype(np.float32) / 255).unsqueeze(1)
    yte = torch.from_numpy(idx(f"{DATA}/t10k-labels-idx1-ubyte.gz").astype(np.int64))
    model = DemoNet()
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    steps = EPOCHS * (len(xtr) // 128)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps)
    lossf = nn.CrossEntropyLoss()
    t0 = time.time()
    g = torch.Generator().manual_seed(0)
    for epoch in range(EPOCHS):
        model.train()
        perm = torch.randperm(len(xtr), generator=g)
        for i in range(0, len(xtr) - 127, 128):
            b = perm[i:i + 128]
            xb = xtr[b]
            if epoch < EPOCHS - 1:  # light augmentation: random horizontal flip
                flip = torch.rand(len(b), generator=g) < 0.5
                xb = torch.where(flip[:, None, None, None], xb.flip(3), xb)
            opt.zero_grad()
            loss = lossf(model(xb), ytr[b])
            loss.backward()
            opt.step()
            sched.step()
            if (i // 128) % 100 == 0:
                print(f"  epoch {epoch + 1} step {i // 128}/{len(xtr) // 128}: loss {loss.item():.3f}, {time.time() - t0:.0f} s", flush=True)
        model.eval()
        with torch.no_grad():
            acc = sum((model(xte[i:i + 1000]).argmax(1) == yte[i:i + 1000]).sum().item() for i in range(0, 10000, 1000)) / 100
        print(f"epoch {epoch + 1}/{EPOCHS}: loss {loss.item():.3f}, test top-1 {acc:.2f}%, {time.time() - t0:.0f} s", flush=True)

    out = os.path.join(ROOT, "commands/src/main/resources/qsh/demo/demo.onnx")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), out, input_names=["input"], output_names=["logits"],
                      opset_version=13, do_constant_folding=False, training=torch.onnx.TrainingMode.PRESERVE)
    data = os.path.join(ROOT, "scripts/data/demo")
    os.makedirs(data, exist_ok=True)
    lines = []
    with open(os.path.join(data, "labels.txt"), "w") as f:
        f.write("# file label class (Fashion-MNIST test images 0-7; input = pixel/255, 1x1x28x28 float32 LE)\n")
        for i in range(8):
            xte[i:i + 1].numpy().astype("<f4").tofile(os.path.join(data, f"img{i}.raw"))
            f.write(f"img{i}.raw {yte[i].item()} {CLASSES[yte[i].item()]}\n")
            lines.append(f"img{i}.raw")
    with open(os.path.join(data, "input_list.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with torch.no_grad():
        np.set_printoptions(precision=5, suppress=True)
        print("logits img0:", model(xte[0:1]).numpy()[0])
    print(f"parameters {params}, float top-1 {acc:.2f}% on 10000 test images, training {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
