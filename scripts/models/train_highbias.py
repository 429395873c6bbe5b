#!/usr/bin/python3
"""Trains a small Fashion-MNIST CNN whose batch norms have high betas, for measuring high-bias absorption.

High-bias absorption (Nagel et al. 2019, section 4.1; the spec's CLE "absorbs high biases") only moves something
when a layer's pre-activations stay well above zero, i.e. when a batch norm's beta is large against its gamma. The
demo's batch norms learned betas near zero (every channel reaches 0 on real data, so c = 0 and absorption is a
no-op there). In this model every second channel of each batch norm has its beta fixed at BETA (not trained; the
others train as usual from 0), so those channels stay active on all data and carry a large constant offset into
the next layer, as always-on channels do in trained networks; the trained half keeps the network non-linear.

Architecture: Conv3x3(1->12)-BN-ReLU, Conv3x3 s2(12->24)-BN-ReLU, Conv3x3(24->24)-BN-ReLU,
Conv3x3 s2(24->48)-BN-ReLU, GlobalAveragePool, Flatten, Gemm(48->10); every conv zero-padded (so every
absorption link goes into a padded convolution and needs the exact bias map). Opset 13, BatchNormalization kept.

Run with Debian's Python (apt-get install -y --no-install-recommends python3-torch python3-onnx
dataset-fashion-mnist):   /usr/bin/python3 scripts/models/train_highbias.py
Writes commands/src/test/resources/models/highbias.onnx. Deterministic: seeds fixed, single-process data order.
"""
import os, sys, time
import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_demo import DATA, ROOT, idx  # the same Fashion-MNIST reader and paths as the demo's training

EPOCHS = int(os.environ.get("EPOCHS", "3"))
BETA = float(os.environ.get("BETA", "3.0"))


def block(cin, cout, stride):
    bn = nn.BatchNorm2d(cout)
    high = (torch.arange(cout) % 2 == 0).float()
    with torch.no_grad():
        bn.bias.copy_(BETA * high)
    bn.bias.register_hook(lambda grad: grad * (1 - high))  # the high betas stay where they are (Adam: zero step)
    return [nn.Conv2d(cin, cout, 3, stride, 1, bias=False), bn, nn.ReLU()]


class HighBiasNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(*block(1, 12, 1), *block(12, 24, 2), *block(24, 24, 1), *block(24, 48, 2))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(48, 10)

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
    model = HighBiasNet()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0)  # no decay: the fixed betas stay put
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=EPOCHS * (len(xtr) // 128))
    lossf = nn.CrossEntropyLoss()
    t0 = time.time()
    g = torch.Generator().manual_seed(0)
    for epoch in range(EPOCHS):
        model.train()
        perm = torch.randperm(len(xtr), generator=g)
        for i in range(0, len(xtr) - 127, 128):
            b = perm[i:i + 128]
            opt.zero_grad()
            loss = lossf(model(xtr[b]), ytr[b])
            loss.backward()
            opt.step()
            sched.step()
        model.eval()
        with torch.no_grad():
            acc = sum((model(xte[i:i + 1000]).argmax(1) == yte[i:i + 1000]).sum().item() for i in range(0, 10000, 1000)) / 100
        print(f"epoch {epoch + 1}/{EPOCHS}: loss {loss.item():.3f}, test top-1 {acc:.2f}%, {time.time() - t0:.0f} s", flush=True)
    for name, m in model.named_modules():
        if isinstance(m, nn.BatchNorm2d):
            gamma, beta = m.weight.detach().abs(), m.bias.detach()
            print(f"  {name}: beta min {beta.min():.3f} max {beta.max():.3f}, |gamma| mean {gamma.mean():.3f}, "
                  f"channels with beta - 3|gamma| > 0: {(beta - 3 * gamma > 0).sum().item()}/{len(gamma)}")
    out = os.path.join(ROOT, "commands/src/test/resources/models/highbias.onnx")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), out, input_names=["input"], output_names=["logits"],
                      opset_version=13, do_constant_folding=False, training=torch.onnx.TrainingMode.PRESERVE)
    print(f"float top-1 {acc:.2f}% on 10000 test images, training {time.time() - t0:.0f} s; wrote {out}")


if __name__ == "__main__":
    main()
