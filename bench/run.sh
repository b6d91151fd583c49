#!/usr/bin/env bash
# Benchmarks of descent vs PyTorch and LibTorch (bench/README.md): W1, Nielsen's network (with SGD, or
# Adam), LeNet-5, or an MLP with large products; or, with --ranks, descent's data-parallel training
# against its threads. Each run's peak resident memory is recorded too.
# Usage: bench/run.sh [--workload w1|w1-adam|lenet|mlp1024] [--ranks N] [--data-dir DIR] [--reps N] [--out FILE]
#   --workload W  w1 (default), w1-adam, lenet or mlp1024 ([784, 1024, 1024, 10] ReLU, batch 256)
#   --ranks N     descent alone: 1 process x 1 thread, 1 process x N threads, N ranks x 1 thread (mpirun)
#   --reps N      repetitions per side and thread count (default 5, or $BENCH_REPS)
#   --out FILE    raw per-run numbers, TSV (default out/bench/<workload>-<date>-<time>.tsv, or $BENCH_OUT)
#   Thread counts: $BENCH_THREADS (default "1 2").
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
py=/usr/bin/python3
reps=${BENCH_REPS:-5}
out=${BENCH_OUT:-}
threads_list=${BENCH_THREADS:-"1 2"}
data=""
workload=w1
ranks=0

while (($#)); do
  case "$1" in
    --workload) workload=$2; shift 2 ;;
    --ranks) ranks=$2; shift 2 ;;
    --data-dir) data=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$workload" in
  w1) config=bench/w1.toml; epochs=1; torch_script=bench/w1_torch.py
      title="W1: Nielsen 784-30-10 sigmoid, quadratic cost, SGD lr 3.0, batch 10, 1 epoch of 60,000 images" ;;
  w1-adam) config=bench/w1_adam.toml; epochs=1; torch_script="bench/w1_torch.py --adam"
      title="W1 with Adam: Nielsen 784-30-10 sigmoid, quadratic cost, Adam lr 0.001, batch 10, 1 epoch of 60,000 images" ;;
  lenet) config=examples/lenet/mnist.toml; epochs=1; torch_script=bench/lenet_torch.py
      title="LeNet-5: conv 6@5x5 pad 2, max-pool, conv 16@5x5, max-pool, fc 120-84-10, ReLU, cross-entropy, SGD lr 0.01 momentum 0.9, batch 64, 1 epoch of 60,000 images" ;;
  mlp1024) config=bench/mlp1024.toml; epochs=1; torch_script=bench/mlp1024_torch.py
      title="MLP [784, 1024, 1024, 10]: ReLU, cross-entropy, SGD lr 0.05 momentum 0.9, batch 256, 1 epoch of 60,000 images" ;;
  *) echo "run.sh: --workload must be w1, w1-adam, lenet or mlp1024, got '$workload'" >&2; exit 2 ;;
esac
[[ "$ranks" =~ ^[0-9]+$ ]] && ((ranks != 1)) || { echo "run.sh: --ranks must be 2 or more, got '$ranks'" >&2; exit 2; }
[[ "$reps" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --reps must be a positive integer, got '$reps'" >&2; exit 2; }

if [[ -n "$data" ]]; then  # resolve a relative --data-dir against the caller's directory
  data=$(cd "$data" 2>/dev/null && pwd) || { echo "run.sh: data directory not found: $data" >&2; exit 1; }
fi
cd "$root"
"$root/scripts/setup.sh" --bench
if [[ ! -x build/descent ]]; then
  echo "building descent (Release) ..."
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build -j2 >/dev/null
fi

# Data: --data-dir, else $DESCENT_DATA, else the shared MNIST copy, else Debian's Fashion-MNIST.
if [[ -n "$data" ]]; then source_note="--data-dir"
elif [[ -n "${DESCENT_DATA:-}" ]]; then data=$DESCENT_DATA; source_note="\$DESCENT_DATA"
elif [[ -d "$root/../shared/data/mnist" ]]; then data=$root/../shared/data/mnist; source_note="shared copy"
else data=/usr/share/datasets/fashion-mnist; source_note="Debian dataset-fashion-mnist"
fi
data=$(cd "$data" 2>/dev/null && pwd) || { echo "run.sh: data directory not found: $data" >&2; exit 1; }
for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
  [[ -f "$data/$f" ]] || { echo "run.sh: $data lacks $f" >&2; exit 1; }
done
case "$data" in *fashion*) dataset="Fashion-MNIST" ;; *) dataset="MNIST" ;; esac

stamp=$(date +%Y%m%d-%H%M%S)
[[ -n "$out" ]] || out="$root/out/bench/$workload-$stamp.tsv"
mkdir -p "$(dirname "$out")"
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

echo "$title"
echo "date:               $(date -Is)"
echo "cpu:                $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) online"
echo "OPENBLAS_CORETYPE:  ${OPENBLAS_CORETYPE-(unset)}"
echo "descent:            $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'), build/descent"
echo "torch:              $($py -c 'import torch; print(torch.__version__)')"
# The LibTorch peer (bench/libtorch/peer.cpp), built once into build/bench-libtorch.
peer="$root/build/bench-libtorch/peer"
if ((ranks == 0)) && [[ ! -x "$peer" ]]; then
  echo "building the LibTorch peer ..."
  cmake -S "$root/bench/libtorch" -B "$root/build/bench-libtorch" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$root/build/bench-libtorch" -j2 >/dev/null
fi
((ranks)) || echo "libtorch:           $peer ($(dpkg-query -W -f='${Version}' libtorch-dev 2>/dev/null))"
echo "data:               $dataset, $data ($source_note)"
if ((ranks)); then
  echo "repetitions:        $reps of each layout, interleaved: 1 x 1 thread, 1 x $ranks threads, $ranks ranks x 1 thread"
  echo "mpirun:             $(mpirun --version 2>/dev/null | head -1), --bind-to core"
else
  echo "repetitions:        $reps per side and thread count, interleaved; threads: $threads_list"
fi
echo "raw numbers:        $out"
echo

field() {  # field KEY < JSON-line: prints that key of the JSON object
  $py -c 'import json, sys; print(json.loads(sys.stdin.read())[sys.argv[1]])' "$1"
}

run_one() {  # run_one IMPL THREADS REP: runs one epoch, appends a row to $out
  local impl=$1 t=$2 rep=$3 log="$logs/$1-$2-$3.log" rss="$logs/$1-$2-$3.rss" line
  # Peak resident memory of the whole process (/usr/bin/time's maximum RSS, in KB).
  local timed=(/usr/bin/time -f %M -o "$rss")
  if [[ $impl == descent ]]; then
    local metrics="$logs/$impl-$t-$rep.jsonl"
    "${timed[@]}" "$root/build/descent" train "$root/$config" --epochs "$epochs" --data-dir "$data" --threads "$t" \
      --metrics "$metrics" >"$log" 2>&1 || { echo "descent failed (threads $t, rep $rep):" >&2; tail -20 "$log" >&2; exit 1; }
    line=$(tail -n 1 "$metrics")
  elif [[ $impl == libtorch ]]; then
    # OpenBLAS reads its thread count when it loads, before main(): set here, as torch_side.py does.
    OPENBLAS_NUM_THREADS=$t OMP_NUM_THREADS=$t "${timed[@]}" "$peer" "${workload%-adam}" --epochs "$epochs" \
      --data-dir "$data" --threads "$t" $([[ $workload == w1-adam ]] && echo --adam) >"$log" 2>&1 \
      || { echo "libtorch failed (threads $t, rep $rep):" >&2; tail -20 "$log" >&2; exit 1; }
    line=$(tail -n 1 "$log")
  else
    # shellcheck disable=SC2086  # torch_script may carry a flag (w1-adam)
    "${timed[@]}" $py "$root/"$torch_script --epochs "$epochs" --data-dir "$data" --threads "$t" >"$log" 2>&1 \
      || { echo "torch failed (threads $t, rep $rep):" >&2; tail -20 "$log" >&2; exit 1; }
    line=$(tail -n 1 "$log")
  fi
  local sps secs acc peak
  sps=$(field samples_per_second <<<"$line")
  secs=$(field seconds <<<"$line")
  acc=$(field test_accuracy <<<"$line")
  peak=$(tail -n 1 "$rss")
  printf '%s\t%s\t%s\t%.1f\t%.4f\t%.4f\t%s\n' "$rep" "$t" "$impl" "$sps" "$secs" "$acc" "$peak" >>"$out"
  printf '  rep %s  threads %s  %-8s  %10.0f samples/s  %7.3f s  test acc %.4f  peak RSS %6.1f MB\n' "$rep" "$t" \
    "$impl" "$sps" "$secs" "$acc" "$(echo "$peak / 1024" | bc -l)"
}

if ((ranks)); then
  . "$root/bench/ranks.sh"
  exit 0
fi

printf 'rep\tthreads\timpl\tsamples_per_second\tseconds\ttest_accuracy\tpeak_rss_kb\n' >"$out"
impls=(descent torch libtorch)
for ((rep = 1; rep <= reps; rep++)); do
  for t in $threads_list; do
    # Rotate which side goes first, so drift in machine load falls on all alike.
    for ((k = 0; k < 3; ++k)); do run_one "${impls[(rep + k) % 3]}" "$t" "$rep"; done
  done
done

echo
$py - "$out" <<'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
threads = sorted({int(r["threads"]) for r in rows})
def med(impl, t, key="samples_per_second"):
    return statistics.median(float(r[key]) for r in rows if r["impl"] == impl and int(r["threads"]) == t)
print(f"{'threads':>7}  {'descent samples/s':>17}  {'torch samples/s':>15}  {'libtorch samples/s':>18}  "
      f"{'descent/torch':>13}  {'descent/libtorch':>16}")
for t in threads:
    d, p, l = med("descent", t), med("torch", t), med("libtorch", t)
    print(f"{t:>7}  {d:>17.0f}  {p:>15.0f}  {l:>18.0f}  {d / p:>13.2f}  {d / l:>16.2f}")
print("(medians over the repetitions; samples/s of the training pass alone)")
print("peak resident memory (MB, median): " + ", ".join(
    f"{impl} {med(impl, t, 'peak_rss_kb') / 1024:.0f} at {t} thread{'s' if t > 1 else ''}"
    for t in threads for impl in ("descent", "torch", "libtorch")))
EOF
