#!/usr/bin/env bash
# Installs every Debian package descent needs to build and test. Idempotent: installs only what is missing.
# Usage: scripts/setup.sh [--bench] [--fuzz] [--no-python]
#   --bench      adds what bench/ needs beyond the tests
#   --fuzz       adds clang and its libFuzzer runtime, for the fuzz targets (scripts/fuzz.sh)
#   --no-python  leaves out the Python peers the interop tests use (PyTorch, ONNX, OpenCV); those tests
#                then skip with a message. DESCENT_NO_PYTHON=1 in the environment does the same.
set -euo pipefail
packages=(build-essential cmake pkg-config libopenblas-dev libsleef-dev zlib1g-dev libcli11-dev libtomlplusplus-dev
          nlohmann-json3-dev libzip-dev libfmt-dev libgtest-dev libgmock-dev libpng-dev libonnx-dev libprotobuf-dev
          protobuf-compiler gnuplot-nox clang-format clang-tidy dataset-fashion-mnist python3 python3-numpy
          libopenmpi-dev openmpi-bin libdnnl-dev ocl-icd-opencl-dev)
python_peers=(python3-torch python3-onnx python3-opencv)
no_python="${DESCENT_NO_PYTHON:-0}"
for arg in "$@"; do
  case "$arg" in
    --bench) packages+=(python3-torch libtorch-dev time bc libxsmm-dev) ;;
    --fuzz) packages+=(clang libclang-rt-14-dev) ;;
    --no-python) no_python=1 ;;
    *) echo "setup.sh: unknown option $arg (expected --bench, --fuzz or --no-python)" >&2; exit 2 ;;
  esac
done
if [[ "$no_python" != 1 ]]; then packages+=("${python_peers[@]}"); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then exit 0; fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup.sh: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo=sudo
fi
echo "setup.sh: installing ${missing[*]}"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
