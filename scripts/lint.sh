#!/usr/bin/env bash
# Style checks, as CI runs them: clang-format (.clang-format) on every C++ file, then clang-tidy
# (.clang-tidy's checks) on every library and CLI source, using build/compile_commands.json.
# Usage: scripts/lint.sh [--fix]   (--fix rewrites the files with clang-format instead of checking)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mapfile -t sources < <(git ls-files '*.cpp' '*.hpp')
if [[ "${1:-}" == "--fix" ]]; then
  clang-format -i "${sources[@]}"
  exit 0
fi
clang-format --dry-run -Werror "${sources[@]}"
echo "lint: clang-format: ${#sources[@]} files formatted"
[[ -f build/compile_commands.json ]] || { cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null; cmake --build build -j "$(nproc)"; }
# The generated registry tables must exist for the sources that include their headers.
mapfile -t tidy < <(git ls-files 'src/*.cpp' 'cli/*.cpp')
printf '%s\n' "${tidy[@]}" | xargs -P "$(nproc)" -n 4 clang-tidy -p build --quiet 2> >(grep -v "warnings generated" >&2)
echo "lint: clang-tidy: ${#tidy[@]} files checked"
