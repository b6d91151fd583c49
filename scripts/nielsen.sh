#!/usr/bin/env bash
# The main job: install, build, then train Nielsen's [784, 30, 10] network for 30 epochs, on MNIST
# where it is present ($DESCENT_DATA, or ../shared/data/mnist beside the clone), else on Fashion-MNIST
# from Debian's dataset-fashion-mnist. Extra arguments go to `descent train` (e.g. --seed 2).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
data="${DESCENT_DATA:-}"
if [[ -z "$data" && -e ../shared/data/mnist/train-images-idx3-ubyte.gz ]]; then data=../shared/data/mnist; fi
if [[ -n "$data" ]]; then
  echo "Training on MNIST from $data"
  exec build/descent train examples/nielsen/config.toml --data-dir "$data" "$@"
fi
echo "MNIST not found (set DESCENT_DATA to its directory); training on Fashion-MNIST from /usr/share/datasets/fashion-mnist"
exec build/descent train examples/nielsen/config.toml "$@"
