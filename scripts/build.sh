#!/usr/bin/env bash
# Configures and builds descent in Release (build/) or, with --sanitize, with ASan + UBSan (build-sanitize/).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [[ "${1:-}" == "--sanitize" ]]; then
  cmake --preset sanitize >/dev/null
  cmake --build build-sanitize -j "$(nproc)"
else
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build -j "$(nproc)"
fi
