#!/usr/bin/env bash
# LeNet-5 from PyTorch to descent and back (README.md): PyTorch writes its initial weights, descent
# trains from them and exports the result, PyTorch loads that and measures the test accuracy.
# Usage: examples/pytorch_interop/round_trip.sh [DATA_DIR] [EPOCHS]   (from the repository root, after
# building into build/; DATA_DIR defaults to $DESCENT_DATA, else Debian's Fashion-MNIST; EPOCHS to 2)
set -euo pipefail
data="${1:-${DESCENT_DATA:-/usr/share/datasets/fashion-mnist}}"
epochs="${2:-2}"
here="$(dirname "$0")"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
/usr/bin/python3 "$here/lenet_interop.py" init "$out/lenet_init.safetensors"
build/descent train examples/lenet/mnist.toml --data-dir "$data" --epochs "$epochs" --threads 1 \
    --init-from "$out/lenet_init.safetensors" --save "$out/lenet.ckpt.safetensors"
build/descent export examples/lenet/mnist.toml --checkpoint "$out/lenet.ckpt.safetensors" \
    --output "$out/lenet.safetensors"
/usr/bin/python3 "$here/lenet_interop.py" eval "$out/lenet.safetensors" --data-dir "$data"
