#!/usr/bin/python3
"""Re-packs the first N Fashion-MNIST training images and labels as IDX files (gzip, reproducible bytes).

qsh bundles the 10 000 test images as published and, of the 60 000 training images, only the first 2 000
(calibration, AdaRound and AutoQuant read at most the first 1 000): the full training file is 26 MB.

  /usr/bin/python3 scripts/tools/fashion_mnist_subset.py [SRC_DIR] [OUT_DIR] [N]
  defaults: /usr/share/datasets/fashion-mnist (apt-get install -y dataset-fashion-mnist),
            core/src/main/resources/qsh/core/data/fashion-mnist, 2000
"""
import gzip
import struct
import sys
from pathlib import Path

src = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist")
out = Path(sys.argv[2] if len(sys.argv) > 2 else "core/src/main/resources/qsh/core/data/fashion-mnist")
n = int(sys.argv[3]) if len(sys.argv) > 3 else 2000


def subset(name, rank, out_name):
    """IDX: magic 0x000008RR, RR big-endian uint32 dims, then unsigned bytes; keeps the first n items."""
    with gzip.open(src / name, "rb") as f:
        magic = struct.unpack(">I", f.read(4))[0]
        if magic != 0x0800 | rank:
            sys.exit(f"{src / name}: not an IDX file of unsigned bytes with {rank} dimension(s)")
        dims = list(struct.unpack(f">{rank}I", f.read(4 * rank)))
        if dims[0] < n:
            sys.exit(f"{src / name}: has {dims[0]} items, fewer than {n}")
        per = 1
        for d in dims[1:]:
            per *= d
        body = f.read(n * per)
    dims[0] = n
    # mtime=0 and no file name in the header: the same input gives the same bytes
    with open(out / out_name, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as g:
        g.write(struct.pack(">I", magic) + struct.pack(f">{rank}I", *dims) + body)
    print(f"wrote {out / out_name}: {n} of {name}")


out.mkdir(parents=True, exist_ok=True)
subset("train-images-idx3-ubyte.gz", 3, f"train-{n}-images-idx3-ubyte.gz")
subset("train-labels-idx1-ubyte.gz", 1, f"train-{n}-labels-idx1-ubyte.gz")
