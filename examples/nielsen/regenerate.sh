#!/usr/bin/env bash
# Reruns the trainings behind README.md's figures and prints its tables in Markdown, to paste over the
# old ones: the three seeds of config.toml, then the variants at seed 1 (correct test predictions out
# of 10,000 per epoch). The figures depend on the CPU's SIMD path (DESCENT_SIMD, see README.md): the
# script prints the one it ran.
# Usage: examples/nielsen/regenerate.sh [MNIST_DIR]   (default $DESCENT_DATA, else ../shared/data/mnist)
#        DESCENT=path/to/descent to run another build than build/descent.
set -euo pipefail
cd "$(dirname "$0")/../.."
descent=${DESCENT:-build/descent}
data=${1:-${DESCENT_DATA:-../shared/data/mnist}}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run NAME CONFIG SEED: the run's epoch lines into $tmp/NAME.out, its counts into $tmp/NAME.
run() {
  "$descent" train "examples/nielsen/$2" --data-dir "$data" --seed "$3" >"$tmp/$1.out"
  sed -n 's|^Epoch [0-9]*: \([0-9]*\) / 10000.*|\1|p' "$tmp/$1.out" >"$tmp/$1"
}
for seed in 1 2 3; do run "seed$seed" config.toml "$seed"; done
for variant in hidden100 lr_0.1 lr_0.001; do run "$variant" "$variant.toml" 1; done

# The SIMD path: DESCENT_SIMD's cap, else the widest the CPU has (src/tensor/kernels/simd.cpp).
widest=sse2
if grep -q ' avx2 ' /proc/cpuinfo && grep -q ' fma ' /proc/cpuinfo; then widest=avx2; fi
if grep -q ' avx512f ' /proc/cpuinfo && grep -q ' avx512vl ' /proc/cpuinfo; then widest=avx512; fi
echo "MNIST from $data; SIMD path: ${DESCENT_SIMD:-$widest} (widest on this CPU: $widest)"
echo
echo "Output (seed 1):"
echo '```'
sed -n '1,2p' "$tmp/seed1.out"
echo '...'
tail -n 1 "$tmp/seed1.out"
echo '```'
echo
echo '| epoch | seed 1 | seed 2 | seed 3 |'
echo '|---:|---:|---:|---:|'
paste "$tmp/seed1" "$tmp/seed2" "$tmp/seed3" | awk '{ printf "| %d | %s / 10000 | %s / 10000 | %s / 10000 |\n", NR - 1, $1, $2, $3 }'
echo
echo "Final accuracy: $(for s in 1 2 3; do tail -n 1 "$tmp/seed$s"; done | awk '{ printf "%s%.2f%%", (NR > 1 ? ", " : ""), $1 / 100 }')"
echo
echo '| epoch | `config.toml` [784, 30, 10], η = 3.0 | `hidden100.toml` [784, 100, 10], η = 3.0 | `lr_0.1.toml` η = 0.1 | `lr_0.001.toml` η = 0.001 |'
echo '|---:|---:|---:|---:|---:|'
paste "$tmp/seed1" "$tmp/hidden100" "$tmp/lr_0.1" "$tmp/lr_0.001" |
  awk '{ printf "| %d | %s | %s | %s | %s |\n", NR - 1, $1, $2, $3, $4 }'
