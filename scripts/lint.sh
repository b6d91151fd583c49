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
# clang-tidy checks each compiler run of the library and the command line in build/: with the unity
# build (DESCENT_UNITY_BUILD) that is one run per batch of sources, which checks every source of the
# batch (HeaderFilterRegex) in a fifth of the time one run per source takes. The sanitized twins
# (DESCENT_SANITIZED_TESTS) compile the same sources again: left out.
database="$(mktemp -d)"
trap 'rm -rf "$database"' EXIT
mapfile -t tidy < <(/usr/bin/python3 - build/compile_commands.json "$database/compile_commands.json" <<'PY'
import json, re, sys
seen, kept = set(), []
for entry in json.load(open(sys.argv[1])):
    command = entry.get("command", " ".join(entry.get("arguments", [])))
    if not re.search(r"CMakeFiles/descent(_cli|_exe)?\.dir/", command) or entry["file"] in seen:
        continue
    seen.add(entry["file"])
    kept.append(entry)
json.dump(kept, open(sys.argv[2], "w"))
print("\n".join(e["file"] for e in kept))
PY
)
mapfile -t sources_checked < <(git ls-files 'src/*.cpp' 'cli/*.cpp')
printf '%s\n' "${tidy[@]}" | xargs -P "$(nproc)" -n 1 clang-tidy -p "$database" --quiet 2> >(grep -v "warnings generated" >&2)
echo "lint: clang-tidy: ${#sources_checked[@]} sources checked in ${#tidy[@]} compiler runs"
