#!/usr/bin/python3
"""The PyTorch side of tests/io/*_test.cpp and tests/cli/export_command_test.cpp: a descent config's
model rebuilt as its PyTorch twin (a torch.nn expression, "nn.Sequential(nn.Linear(784, 16), ...)", or
Graph(forward, layers...) for layers that take earlier outputs),
with safetensors read and written by numpy alone (examples/pytorch_interop/safetensors_numpy.py).

    torch_twin.py load TWIN FILE DTYPE
        numpy reads FILE; every tensor's dtype must be DTYPE (num_batches_tracked: a 0-d int64); the
        twin, in DTYPE, takes it with load_state_dict(strict=True) and then holds exactly its values.
    torch_twin.py accuracy TWIN FILE DTYPE DATA_DIR N INPUT_SHAPE
        the first N test images (pixels / 255, viewed as INPUT_SHAPE, e.g. 1,28,28) through the twin
        with FILE's weights in eval mode; prints "correct C / N".
    torch_twin.py init TWIN OUT SEED
        the twin's initial float64 state_dict (torch.manual_seed(SEED)) written to OUT.
    torch_twin.py train TWIN INIT OUT DATA_DIR OPTIM BATCH UPDATES INPUT_SHAPE
        float64, from INIT's weights: UPDATES mini-batches of BATCH training images in the stored order,
        cross-entropy (mean), OPTIM = "sgd" (lr 0.01, momentum 0.9) or "adam" (lr 0.001); the final
        state_dict written to OUT.
Several commands may follow each other, separated by "--" (torch is imported once).
"""
import gzip
import os
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples",
                                "pytorch_interop"))
import safetensors_numpy  # noqa: E402

DTYPES = {"float32": torch.float32, "float64": torch.float64}


class Graph(nn.Sequential):
    """The twin of a config whose layers take earlier outputs: its layers as an nn.Sequential (so the
    names are the layers' indices), run by the given forward(self, x)."""

    def __init__(self, forward, *layers):
        super().__init__(*layers)
        self.graph_forward = forward

    def forward(self, x):
        return self.graph_forward(self, x)


def twin(expression, dtype):
    return eval(expression, {"nn": nn, "torch": torch, "Graph": Graph}).to(DTYPES[dtype])


def read_idx(path, count):
    """The first `count` items of an IDX file (plain or .gz), as uint8 of shape (count, ...)."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        head = f.read(4)
        dims = [int.from_bytes(f.read(4), "big") for _ in range(head[3])]
        size = int(np.prod(dims[1:], dtype=np.int64))
        data = f.read(count * size)
    return np.frombuffer(data, dtype=np.uint8).reshape([count] + dims[1:])


def images(data_dir, split, count, dtype, input_shape):
    name = os.path.join(data_dir, f"{split}-images-idx3-ubyte")
    name += ".gz" if os.path.exists(name + ".gz") else ""
    labels = os.path.join(data_dir, f"{split}-labels-idx1-ubyte")
    labels += ".gz" if os.path.exists(labels + ".gz") else ""
    x = torch.from_numpy(read_idx(name, count).astype(np.float64) / 255.0).to(DTYPES[dtype])
    return x.reshape([count] + input_shape), torch.from_numpy(read_idx(labels, count).astype(np.int64))


def load_into(model, path):
    model.load_state_dict({k: torch.from_numpy(v) for k, v in safetensors_numpy.load(path).items()}, strict=True)


def cmd_load(expression, path, dtype):
    tensors = safetensors_numpy.load(path)
    for name, v in tensors.items():
        want = np.int64 if name.endswith("num_batches_tracked") else np.dtype(dtype)
        if v.dtype != want or (want == np.int64 and v.shape != ()):
            sys.exit(f"{name}: {v.dtype} of shape {v.shape}, expected {np.dtype(want)}"
                     + (" of shape ()" if want == np.int64 else ""))
    model = twin(expression, dtype)
    load_into(model, path)
    for name, t in model.state_dict().items():
        if not np.array_equal(t.numpy(), tensors[name]):
            sys.exit(f"{name}: the twin holds other values after load_state_dict")
    print(f"loaded {len(tensors)} tensors: {', '.join(sorted(tensors))}")


def cmd_accuracy(expression, path, dtype, data_dir, count, input_shape):
    model = twin(expression, dtype)
    load_into(model, path)
    model.eval()
    x, y = images(data_dir, "t10k", count, dtype, input_shape)
    with torch.no_grad():
        correct = int((model(x).argmax(dim=1) == y).sum())
    print(f"correct {correct} / {count}")


def cmd_init(expression, out, seed):
    torch.manual_seed(seed)
    model = twin(expression, "float64")
    safetensors_numpy.save(out, {k: v.numpy() for k, v in model.state_dict().items()}, {"format": "pt"})


def cmd_train(expression, init, out, data_dir, optim, batch, updates, input_shape):
    model = twin(expression, "float64")
    load_into(model, init)
    model.train()
    x, y = images(data_dir, "train", batch * updates, "float64", input_shape)
    opt = (torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9) if optim == "sgd"
           else torch.optim.Adam(model.parameters(), lr=0.001))
    for i in range(updates):
        loss = nn.functional.cross_entropy(model(x[i * batch:(i + 1) * batch]), y[i * batch:(i + 1) * batch])
        opt.zero_grad()
        loss.backward()
        opt.step()
    safetensors_numpy.save(out, {k: v.numpy() for k, v in model.state_dict().items()}, {"format": "pt"})
    print(f"trained {updates} updates, last loss {loss.item():.17g}")


def shape(text):
    return [int(d) for d in text.split(",")]


def run(command, args):
    if command == "load":
        cmd_load(args[0], args[1], args[2])
    elif command == "accuracy":
        cmd_accuracy(args[0], args[1], args[2], args[3], int(args[4]), shape(args[5]))
    elif command == "init":
        cmd_init(args[0], args[1], int(args[2]))
    elif command == "train":
        cmd_train(args[0], args[1], args[2], args[3], args[4], int(args[5]), int(args[6]), shape(args[7]))
    else:
        sys.exit(f"unknown command {command}")


def main(argv):
    torch.set_num_threads(1)
    while argv:  # commands separated by "--", one import of torch for all
        end = argv.index("--") if "--" in argv else len(argv)
        run(argv[0], argv[1:end])
        argv = argv[end + 1:]


if __name__ == "__main__":
    main(sys.argv[1:])
