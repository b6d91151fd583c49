#!/usr/bin/env bash
# The whole test suite, as CI runs it: install, build, run every test with CTest, check the style
# (scripts/lint.sh: clang-format and clang-tidy), then run the suite again against the library and
# the command line built with AddressSanitizer and UndefinedBehaviorSanitizer (label sanitized: the
# same test objects, linked against sanitized twins, in four shards of one process each; skip it with
# --no-sanitize), less the diagnosis suite's whole doctor runs and the whole-config example checks,
# whose code the unit tests cover (tests/CMakeLists.txt).
# Usage: scripts/test.sh [--no-sanitize] [--no-python] [--all]
#   --no-python  leaves out the Python peers of the interop tests, which then skip (scripts/setup.sh)
#   --all        adds the tests labelled slow (over 30 s each), which CI leaves out
set -euo pipefail
cd "$(dirname "$0")/.."
sanitize=ON
exclude="slow"
for arg in "$@"; do
  case "$arg" in
    --no-sanitize) sanitize=OFF ;;
    --no-python) export DESCENT_NO_PYTHON=1 ;;
    --all) exclude="" ;;
    *) echo "test.sh: unknown option $arg (expected --no-sanitize, --no-python or --all)" >&2; exit 2 ;;
  esac
done
# Each phase's end, with the seconds since the start: where a slow CI run spends its time.
phase() { echo "test.sh: $1 done at ${SECONDS} s"; }
scripts/setup.sh
phase setup
jobs="$(nproc)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DDESCENT_SANITIZED_TESTS="$sanitize" >/dev/null
cmake --build build -j "$jobs"
phase build
ctest --test-dir build --output-on-failure -j "$jobs" -LE "sanitized${exclude:+|$exclude}"
phase "release tests"
scripts/lint.sh
phase lint
if [[ "$sanitize" == ON ]]; then
  ctest --test-dir build --output-on-failure -j "$jobs" -L sanitized -LE "diagnosis${exclude:+|$exclude}"
  phase "sanitized tests"
fi
