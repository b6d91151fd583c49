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
# One compile command a file: a build with sanitized twins (DESCENT_SANITIZED_TESTS) lists each source
# twice, and clang-tidy would check it once for each.
database="$(mktemp -d)"
trap 'rm -rf "$database"' EXIT
/usr/bin/python3 - build/compile_commands.json "$database/compile_commands.json" <<'PY'
import json, sys
seen, kept = set(), []
for entry in json.load(open(sys.argv[1])):
    if "_sanitized.dir/" not in entry.get("output", entry["command"]) and entry["file"] not in seen:
        seen.add(entry["file"])
        kept.append(entry)
json.dump(kept, open(sys.argv[2], "w"))
PY
printf '%s\n' "${tidy[@]}" | xargs -P "$(nproc)" -n 4 clang-tidy -p "$database" --quiet 2> >(grep -v "warnings generated" >&2)
echo "lint: clang-tidy: ${#tidy[@]} files checked"
