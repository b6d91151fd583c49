#!/usr/bin/python3
"""LeNet-5 between PyTorch and descent: the PyTorch twin of examples/lenet/mnist.toml.

The twin is torch.nn.Sequential of the config's layers in the config's order, so its state_dict names
are descent's ("0.weight" is layer 0's, "3.weight" the second convolution's); descent views each flat
image as input_shape = [1, 28, 28], the twin takes the images in that shape. Weights travel as
safetensors, read and written with numpy alone (safetensors_numpy.py).

    lenet_interop.py init OUT.safetensors [--seed S]
        PyTorch's initial weights of the twin (torch.manual_seed(S)), float32, for descent train --init-from.
    lenet_interop.py eval W.safetensors [--data-dir DIR]
        loads W (descent export's output) with load_state_dict(strict=True) and prints the test accuracy.
    lenet_interop.py train INIT.safetensors OUT.safetensors [--data-dir DIR] [--epochs N] [--seed S]
        PyTorch's own run of mnist.toml's recipe from INIT (SGD lr 0.01, momentum 0.9, batch 64), for comparison.

DIR holds the four IDX files (default: $DESCENT_DATA, else /usr/share/datasets/fashion-mnist).
"""
import argparse
import gzip
import os
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_numpy  # noqa: E402


def lenet():
    """examples/lenet/mnist.toml's layers, indexed as its [[model.layer]] tables."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),  # 0-2: (N, 6, 14, 14)
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),            # 3-5: (N, 16, 5, 5)
        nn.Flatten(),                                               # 6: (N, 400)
        nn.Linear(400, 120), nn.ReLU(),                             # 7-8
        nn.Linear(120, 84), nn.ReLU(),                              # 9-10
        nn.Linear(84, 10))                                          # 11: the logits


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(data[3])]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * len(dims)).reshape(dims)


def load_split(data_dir, split):
    """Images as descent's [data] normalize = "unit" gives them (pixels / 255), (N, 1, 28, 28), and labels."""
    def path(kind):
        name = os.path.join(data_dir, f"{split}-{kind}")
        return name + ".gz" if os.path.exists(name + ".gz") else name
    x = read_idx(path("images-idx3-ubyte")).astype(np.float32) / np.float32(255)
    y = read_idx(path("labels-idx1-ubyte")).astype(np.int64)
    return torch.from_numpy(x).reshape(-1, 1, 28, 28), torch.from_numpy(y)


def load_weights(model, path):
    tensors = safetensors_numpy.load(path)
    model.load_state_dict({name: torch.from_numpy(v) for name, v in tensors.items()}, strict=True)


def save_weights(model, path):
    safetensors_numpy.save(path, {k: v.detach().numpy() for k, v in model.state_dict().items()}, {"format": "pt"})


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        correct = sum(int((model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum()) for i in range(0, len(y), 1000))
    return correct


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("command", choices=["init", "eval", "train"])
    p.add_argument("files", nargs="+")
    p.add_argument("--data-dir", default=os.environ.get("DESCENT_DATA") or "/usr/share/datasets/fashion-mnist")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    torch.manual_seed(args.seed)
    model = lenet()
    if args.command == "init":
        save_weights(model, args.files[0])
        print(f"wrote {args.files[0]}: PyTorch's initial LeNet-5 weights (seed {args.seed}), "
              f"{len(model.state_dict())} tensors")
        return
    if args.command == "eval":
        load_weights(model, args.files[0])
        x, y = load_split(args.data_dir, "t10k")
        print(f"PyTorch with {args.files[0]}: {accuracy(model, x, y)} / {len(y)} test images correct")
        return
    load_weights(model, args.files[0])
    x, y = load_split(args.data_dir, "train")
    xt, yt = load_split(args.data_dir, "t10k")
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    for epoch in range(args.epochs):
        model.train()
        t0 = time.perf_counter()
        perm = torch.randperm(len(y))
        for i in range(0, len(y), 64):
            idx = perm[i:i + 64]
            loss = nn.functional.cross_entropy(model(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"PyTorch epoch {epoch}: {accuracy(model, xt, yt)} / {len(yt)}  ({time.perf_counter() - t0:.1f} s)")
    save_weights(model, args.files[1])


if __name__ == "__main__":
    main()
