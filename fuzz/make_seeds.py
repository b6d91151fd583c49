#!/usr/bin/env python3
"""Writes the seed corpora of fuzz/corpus/<target>/: small valid inputs and near-valid ones (one field
wrong, truncated, sizes that lie), so that the fuzzers start inside each format instead of rediscovering
it. The safetensors seeds are checkpoints that `descent train` writes for the model of
fuzz/safetensors.cpp: pass the descent program to write them too, and the checkpoints among the
findings of tests/data/fuzz-regressions/safetensors/ (rewritten from those seeds).

Usage: fuzz/make_seeds.py [build/descent]
"""
import gzip
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")


def write(target, name, data):
    os.makedirs(os.path.join(CORPUS, target), exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(CORPUS, target, name), "wb") as f:
        f.write(data)


def idx(dims, payload, type_code=0x08):
    return bytes([0, 0, type_code, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + payload


def idx_seeds():
    images = idx([2, 3, 3], bytes(range(18)))
    labels = idx([5], bytes([0, 1, 2, 3, 4]))
    write("idx", "images.idx", images)
    write("idx", "labels.idx", labels)
    write("idx", "images.idx.gz", gzip.compress(images, mtime=0))
    write("idx", "labels.idx.gz", gzip.compress(labels, mtime=0))
    write("idx", "truncated.idx", images[:-5])
    write("idx", "trailing.idx", labels + b"\x00\x01")
    write("idx", "float_type.idx", idx([2], struct.pack(">ff", 1.0, 2.0), 0x0D))
    write("idx", "zero_dims.idx", bytes([0, 0, 8, 0]))
    write("idx", "claims_mnist.idx", idx([60000, 28, 28], bytes(16)))
    write("idx", "truncated.idx.gz", gzip.compress(images, mtime=0)[:-6])


def expression_seeds():
    for i, text in enumerate([
        "x^2 + 10*sin(y)", "rosenbrock", "beale", "-x^-2", "exp(x)*log(y+2)", "sqrt(abs(x)) - pi",
        "2^3^2", "sigmoid(x)*tanh(y)/cos(z)", "1.5e-3*x + .5", "(x+1", "1e999", "x^^2", "foo(x)", "x y",
        "((((x))))^y^z", "-(-(-x))", "x\t+ 1",
    ]):
        write("expression", "e%02d.txt" % i, text)


def config_seeds():
    inline = """[model]
layers = [2, 3, 2]
activation = "tanh"
[data]
inputs = [[0.0, 1.0], [1.0, 0.0]]
targets = [[1.0, 0.0], [0.0, 1.0]]
[loss]
name = "mse"
[optim]
name = "sgd"
lr = 0.1
momentum = 0.9
[train]
epochs = 2
batch_size = 1
"""
    write("config", "inline_mlp.toml", inline)
    conv = """[model]
input_shape = [1, 6, 6]
[[model.layer]]
type = "conv2d"
out_channels = 2
kernel_size = 3
padding = 1
name = "c1"
[[model.layer]]
type = "relu"
[[model.layer]]
type = "conv2d"
out_channels = 2
kernel_size = [3, 1]
padding = [1, 0]
[[model.layer]]
type = "add"
inputs = ["c1"]
[[model.layer]]
type = "max_pool2d"
kernel_size = 2
[[model.layer]]
type = "flatten"
[[model.layer]]
type = "linear"
out_features = 10
[optim]
name = "adam"
lr = 1e-3
betas = [0.9, 0.999]
[scheduler]
name = "onecyclelr"
max_lr = 0.01
[train]
epochs = 3
batch_size = "full"
dtype = "float64"
"""
    write("config", "conv_add.toml", conv)
    for name in ["examples/nielsen/config.toml", "examples/lenet/mnist.toml", "examples/resnet/fashion_blocks.toml",
                 "examples/siamese/cosine.toml", "examples/faults/healthy_mlp_adamw_cosine.toml"]:
        with open(os.path.join(ROOT, name), "rb") as f:
            write("config", name.replace("/", "_"), f.read())
    write("config", "bad_lr.toml", inline.replace("lr = 0.1", "lr = -0.1"))
    write("config", "unknown_key.toml", inline.replace("epochs", "epoch"))
    write("config", "syntax.toml", inline.replace("[optim]", "[optim"))
    write("config", "dotted.toml", "[model.a.b]\nc.d.e = 1\n" + inline)


def plot_seeds():
    metrics = "".join(json.dumps({"epoch": e, "train_loss": 1.0 / (e + 1), "test_accuracy": 0.5 + 0.1 * e,
                                  "seconds": 0.1}) + "\n" for e in range(3))
    write("plot", "metrics.jsonl", metrics)
    write("plot", "metrics_val.jsonl", metrics.replace('"seconds"', '"val_loss"'))
    write("plot", "trace.csv", "# descent train --trace\nstep,loss,grad_norm,lr,0.weight[0]\n"
          "0,2.3,1.5,0.1,0.01\n1,2.1,1.2,0.1,0.02\n2,1.9,1.1,0.1,0.05\n")
    write("plot", "minimize2.csv", "# descent minimize rosenbrock --optimizer adam\n# function: rosenbrock\n"
          "step,x,y,loss\n0,-1.5,2,312.5\n1,-1.4,1.9,250.1\n2,-1.3,1.8,200\n")
    write("plot", "minimize1.csv", "# descent minimize x^2 --optimizer sgd\n# function: x^2\n"
          "step,x,loss\n0,3,9\n1,2.4,5.76\n2,1.92,3.6864\n")
    write("plot", "bad_row.csv", "step,loss\n0,1\n1\n")
    write("plot", "not_number.csv", "step,loss\n0,abc\n")
    write("plot", "bad_metrics.jsonl", '{"epoch": 0, "train_loss": 1}\n{"epoch": 1,\n')


def safetensors_seeds(descent):
    # A hand-written file (one tensor, no metadata), then checkpoints of fuzz/safetensors.cpp's model.
    header = json.dumps({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}).encode()
    header += b" " * (-len(header) % 8)
    write("safetensors", "plain.safetensors", struct.pack("<Q", len(header)) + header + struct.pack("<ff", 1, 2))
    if not descent:
        return
    with open(os.path.join(ROOT, "fuzz", "safetensors.cpp")) as f:
        source = f.read()
    config = source.split('R"(')[1].split(')"')[0]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "checkpoint.toml")
        with open(path, "w") as f:
            f.write(config)
        for epochs in (1, 2):
            out = os.path.join(tmp, "e%d.safetensors" % epochs)
            subprocess.run([descent, "train", path, "--epochs", str(epochs), "--save", out], check=True,
                           stdout=subprocess.DEVNULL)
            shutil.copy(out, os.path.join(CORPUS, "safetensors", "checkpoint_epoch%d.safetensors" % epochs))


def rewrite_safetensors(source, target, change):
    """Copies the safetensors file `source` to `target` with its JSON header passed through `change`."""
    with open(source, "rb") as f:
        blob = f.read()
    n = struct.unpack("<Q", blob[:8])[0]
    header = json.loads(blob[8:8 + n])
    change(header)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(target, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + blob[8 + n:])


def checkpoint_findings():
    """The checkpoints that crashed or hung `descent train --resume` (tests/data/fuzz-regressions/safetensors/),
    rewritten from the first seed checkpoint."""
    seed = os.path.join(CORPUS, "safetensors", "checkpoint_epoch1.safetensors")
    out = os.path.join(ROOT, "tests", "data", "fuzz-regressions", "safetensors")
    os.makedirs(out, exist_ok=True)

    def metadata(key, value):
        def change(header):
            header["__metadata__"][key] = value
        return change

    def extra_tensor(header):
        header["extra"] = {"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 0]}

    rewrite_safetensors(seed, os.path.join(out, "extra_tensor_shape_overflow.safetensors"), extra_tensor)
    for name, value in [("nan", "nan"), ("inf", "inf"), ("1e308", "1e308"), ("out_of_range", "99999999999999999999"),
                        ("negative", "-1")]:
        rewrite_safetensors(seed, os.path.join(out, "epochs_done_%s.safetensors" % name), metadata("epochs_done", value))
    rewrite_safetensors(seed, os.path.join(out, "step_negative.safetensors"), metadata("step", "-1"))


def main():
    idx_seeds()
    expression_seeds()
    config_seeds()
    plot_seeds()
    descent = sys.argv[1] if len(sys.argv) > 1 else None
    safetensors_seeds(descent)
    if descent:
        checkpoint_findings()


if __name__ == "__main__":
    main()
