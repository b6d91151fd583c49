#!/usr/bin/env bash
# The whole test suite: install, build, run every test with CTest, check the style (scripts/lint.sh:
# clang-format and clang-tidy); then the same suite built with AddressSanitizer and
# UndefinedBehaviorSanitizer (skip that part with --no-sanitize), less the diagnosis suite's whole doctor
# runs (label diagnosis), whose code the unit tests cover.
# Usage: scripts/test.sh [--no-sanitize] [--no-python]   (--no-python: see scripts/setup.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
sanitize=1
for arg in "$@"; do
  case "$arg" in
    --no-sanitize) sanitize=0 ;;
    --no-python) export DESCENT_NO_PYTHON=1 ;;
    *) echo "test.sh: unknown option $arg (expected --no-sanitize or --no-python)" >&2; exit 2 ;;
  esac
done
scripts/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"
scripts/lint.sh
if ((sanitize)); then
  scripts/build.sh --sanitize
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-sanitize --output-on-failure -j "$(nproc)" -LE diagnosis
fi
