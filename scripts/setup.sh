#!/usr/bin/env bash
# Installs every Debian package descent needs to build and test. Idempotent: installs only what is missing.
# Usage: scripts/setup.sh [--bench]   (--bench adds the PyTorch peer used by bench/)
set -euo pipefail
packages=(build-essential cmake pkg-config libopenblas-dev libsleef-dev zlib1g-dev libcli11-dev libtomlplusplus-dev
          nlohmann-json3-dev libzip-dev libfmt-dev libgtest-dev libgmock-dev gnuplot-nox clang-format clang-tidy dataset-fashion-mnist python3 python3-numpy)
if [[ "${1:-}" == "--bench" ]]; then packages+=(python3-torch); fi

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
