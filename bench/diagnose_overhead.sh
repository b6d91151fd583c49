#!/usr/bin/env bash
# The cost of `descent train --diagnose` (docs/diagnosis.md) on W1 (bench/w1.toml) and LeNet
# (examples/lenet/mnist.toml): one epoch with and without it, interleaved, REPS times each, one BLAS
# thread. Prints the medians of the training pass's seconds and of the diagnosis after the epoch (both
# from the metrics line), the per-epoch overhead as a share of the plain epoch's training pass, and the
# one-time cost at the start (the inspections), from the whole run's wall time.
# Usage: bench/diagnose_overhead.sh [--reps N] [--data-dir DIR]   (default: 7, $DESCENT_DATA or
# ../shared/data/mnist, else Debian's Fashion-MNIST)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
reps=7
data=${DESCENT_DATA:-}
while (($#)); do
  case "$1" in
    --reps) reps=$2; shift 2 ;;
    --data-dir) data=$2; shift 2 ;;
    *) echo "diagnose_overhead.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ -n "$data" ]] || { [[ -d "$root/../shared/data/mnist" ]] && data=$root/../shared/data/mnist; } || true
[[ -n "$data" ]] || data=/usr/share/datasets/fashion-mnist
cd "$root"
[[ -x build/descent ]] || { cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null && cmake --build build -j2 >/dev/null; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

echo "cpu:  $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) online; data: $data; $reps runs each"
for config in bench/w1.toml examples/lenet/mnist.toml; do
  for i in $(seq "$reps"); do
    for mode in plain diagnose; do
      flag=""
      [[ $mode == diagnose ]] && flag=--diagnose
      start=$(date +%s.%N)
      build/descent train "$config" --epochs 1 --threads 1 --data-dir "$data" --metrics "$tmp/m.jsonl" $flag >/dev/null
      end=$(date +%s.%N)
      awk -v a="$start" -v b="$end" 'BEGIN {print b - a}' >>"$tmp/$mode.wall"
      sed -n 's/.*"seconds":\([0-9.e-]*\).*/\1/p' "$tmp/m.jsonl" >>"$tmp/$mode.pass"
      [[ $mode == plain ]] || sed -n 's/.*"diagnosis_seconds":\([0-9.e-]*\).*/\1/p' "$tmp/m.jsonl" >>"$tmp/$mode.rules"
    done
  done
  pw=$(median <"$tmp/plain.wall"); dw=$(median <"$tmp/diagnose.wall")
  pp=$(median <"$tmp/plain.pass"); dp=$(median <"$tmp/diagnose.pass"); dr=$(median <"$tmp/diagnose.rules")
  # Runs are paired (each --diagnose run right after its plain one): the median of the pairs'
  # differences is steadier than the difference of medians on a noisy machine.
  paired=$(paste "$tmp/plain.pass" "$tmp/diagnose.pass" | awk '{print $2 - $1}' | median)
  echo "$config: training pass ${pp} s plain, ${dp} s --diagnose (median paired difference ${paired} s)," \
       "+ ${dr} s of rules after the epoch:" \
       "$(awk -v d="$paired" -v p="$pp" -v r="$dr" 'BEGIN {printf "%.1f", 100 * (d + r) / p}')% per epoch;" \
       "once at the start: $(awk -v d="$dw" -v p="$pw" -v a="$dp" -v b="$pp" -v r="$dr" 'BEGIN {printf "%.3f", (d - p) - (a - b) - r}') s" \
       "(wall ${pw} s plain, ${dw} s --diagnose)"
  rm -f "$tmp"/*.wall "$tmp"/*.pass "$tmp"/*.rules
done
