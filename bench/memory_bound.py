#!/usr/bin/python3
"""The memory a training run of descent should need at most, term by term, as the bench states its bound:

    1.2 x (the data set as stored in memory + parameters + optimizer state
           + one batch of activations and their gradients) + 60 MB for code and libraries

    memory_bound.py CONFIG DATA_DIR [--descent build/descent]   prints one JSON object (bytes)

- data set: the training and test IDX files as load_idx_pair keeps them (src/data/dataset.cpp): the
  images as bytes (Dataset::pixels, which the loader gathers batches from and the evaluation converts a
  chunk at a time), and the labels as int64;
- parameters, and one batch of activations and gradients: `descent summary CONFIG --batch B` (each leaf
  layer's output and its gradient, as torchinfo counts a forward/backward pass), B the config's batch;
- optimizer state: one buffer the size of the parameters for each the optimizer keeps (docs/optimizers.md).
"""
import argparse
import gzip
import json
import os
import re
import struct
import subprocess
import sys
import tomllib

def idx_images(path):
    """(count, rows, cols) from an IDX image file's header, compressed or not."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        magic, n, rows, cols = struct.unpack(">IIII", f.read(16))
    if magic != 0x00000803:
        sys.exit(f"memory_bound.py: {path}: not an IDX file of unsigned bytes in 3 dimensions")
    return n, rows, cols


def find(data_dir, name):
    for candidate in (name + ".gz", name):
        path = os.path.join(data_dir, candidate)
        if os.path.exists(path):
            return path
    sys.exit(f"memory_bound.py: {data_dir} lacks {name}[.gz]")


def state_buffers(optim):
    """How many parameter-sized buffers the optimizer keeps (descent's optimizers, as torch.optim's)."""
    name = optim.get("name", "sgd").lower()
    momentum = float(optim.get("momentum", 0))
    if name == "sgd":
        return 1 if momentum != 0 else 0
    if name in ("adam", "adamw"):
        return 3 if optim.get("amsgrad", False) else 2
    if name == "rmsprop":
        return 1 + bool(optim.get("centered", False)) + (momentum > 0)
    if name == "adagrad":
        return 1
    if name == "adadelta":
        return 2
    sys.exit(f"memory_bound.py: optimizer '{name}' unknown here")


def summary_bytes(descent, config, batch):
    text = subprocess.run([descent, "summary", config, "--batch", str(batch)], check=True, capture_output=True,
                          text=True).stdout

    def megabytes(label):
        m = re.search(re.escape(label) + r" \(MB\): ([0-9.]+)", text)
        if not m:
            sys.exit(f"memory_bound.py: 'descent summary' printed no '{label}'")
        return float(m.group(1)) * 1e6

    return megabytes("Params size"), megabytes("Forward/backward pass size")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("config")
    p.add_argument("data_dir")
    p.add_argument("--descent", default="build/descent")
    a = p.parse_args()
    with open(a.config, "rb") as f:
        config = tomllib.load(f)
    train = config.get("train", {})
    batch = int(train.get("batch_size", 1))
    data = 0
    for split in ("train", "t10k"):
        n, rows, cols = idx_images(find(a.data_dir, f"{split}-images-idx3-ubyte"))
        data += n * rows * cols + n * 8
    params, activations = summary_bytes(a.descent, a.config, batch)
    state = state_buffers(config.get("optim", {})) * params
    terms = data + params + state + activations
    print(json.dumps({"data_set": data, "parameters": params, "optimizer_state": state,
                      "batch_activations_and_gradients": activations, "code_and_libraries": 60e6,
                      "bound": 1.2 * terms + 60e6}))


if __name__ == "__main__":
    main()
