#!/usr/bin/env bash
# Runs `descent doctor` on every case of cases.tsv, two at a time, and prints the table of
# README.md: case, expected cause, causes found (first three), step of the verdict, seconds, and
# the --try-fix result. Usage (from the repository root, after building):
#   examples/faults/run.sh [BUILD_DIR] [CASE_PATTERN]
# The data faults are written by fault_data from Debian's Fashion-MNIST into $FAULT_DATA
# (default: BUILD_DIR/fault-data); the JSON verdicts go to BUILD_DIR/fault-results.
set -euo pipefail
build=${1:-build}
pattern=${2:-.}
here=$(cd "$(dirname "$0")" && pwd)
fashion=${FASHION_MNIST:-/usr/share/datasets/fashion-mnist}
data=${FAULT_DATA:-$build/fault-data}
results=$build/fault-results
mkdir -p "$data" "$results"
for kind in shuffled_labels shifted_test sorted imbalanced; do
  [ -e "$data/$kind/t10k-labels-idx1-ubyte" ] || "$build/examples/faults/fault_data" "$kind" "$fashion" "$data/$kind"
done

run_case() {  # name data [config]: one doctor run with --try-fix, its JSON and its output kept
  local name=$1 kind=$2 config=${3:-examples/faults/$1.toml} dir=$fashion
  local start=$(date +%s.%N)
  if [[ $kind == program:* ]]; then
    # A founding C++ program with a hand-written backward: its check's findings, as JSON.
    "$build/examples/${kind#program:}" >"$results/$name.out" 2>&1 || true
    /usr/bin/python3 "$here/summarize.py" --program "$results/$name.out" >"$results/$name.json"
  else
    [ "$kind" = fashion ] || dir=$data/$kind
    if [ "$kind" = mnist ]; then
      dir=${DESCENT_DATA:-}
      [ -n "$dir" ] || { echo "skipped: set DESCENT_DATA to MNIST's directory" >"$results/$name.out"; return; }
    fi
    "$build/descent" doctor "$here/../../$config" --data-dir "$dir" --threads 1 --try-fix \
      --json "$results/$name.json" >"$results/$name.out" 2>&1 || true
  fi
  echo "$(date +%s.%N) $start" >"$results/$name.time"
}
export -f run_case
export build data results here fashion
grep -v '^#' "$here/cases.tsv" | grep -E "$pattern" | cut -f1,3,5 | xargs -P 2 -L 1 bash -c 'run_case "$0" "$1" $2'
/usr/bin/python3 "$here/summarize.py" "$here/cases.tsv" "$results" "$pattern"
