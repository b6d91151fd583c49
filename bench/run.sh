#!/usr/bin/env bash
# Benchmarks of descent vs PyTorch and LibTorch (bench/README.md): W1, Nielsen's network (with SGD, or
# Adam), LeNet-5, or an MLP with large products (and its matrix products against OpenBLAS's); or all of
# them, into bench/README.md's table; or, with --ranks, descent's data-parallel training against its
# threads. Each run's peak resident memory is recorded too.
# Usage: bench/run.sh [--workload w1|w1-adam|lenet|mlp1024|gemm|all] [--ranks N] [--data-dir DIR] [--reps N] [--out FILE]
#   --workload W  w1 (default), w1-adam, lenet, mlp1024 ([784, 1024, 1024, 10] ReLU, batch 256, then gemm),
#                 gemm (that MLP's matrix products, descent's kernels against cblas_sgemm: bench/gemm), or
#                 all: w1, w1-adam, lenet and mlp1024 in turn, then their table into bench/README.md
#   --ranks N     descent alone: 1 process x 1 thread, 1 process x N threads, N ranks x 1 thread (mpirun),
#                 and N one-thread processes at once, one per core (the cores' own limit for N ranks)
#   --reps N      repetitions per side and thread count (default 5, or $BENCH_REPS; gemm: at least 7)
#   --out FILE    raw per-run numbers, TSV (default out/bench/<workload>-<date>-<time>.tsv, or $BENCH_OUT);
#                 with --workload all a directory, which gets one TSV per workload
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
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
  gemm) title="The matrix products of one step of the MLP [784, 1024, 1024, 10] at batch 256: descent's kernels against cblas_sgemm" ;;
  all) ;;
  *) echo "run.sh: --workload must be w1, w1-adam, lenet, mlp1024, gemm or all, got '$workload'" >&2; exit 2 ;;
esac
if ! [[ "$ranks" =~ ^[0-9]+$ ]] || ((ranks == 1)); then
  echo "run.sh: --ranks must be 2 or more, got '$ranks'" >&2; exit 2
fi
if ((ranks)) && [[ $workload == gemm || $workload == all ]]; then
  echo "run.sh: --ranks does not go with --workload $workload" >&2; exit 2
fi
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

# --workload all: each workload in turn, as run.sh runs it alone, then the table of them all into
# bench/README.md (bench/write_table.py), between its bench:all markers.
if [[ $workload == all ]]; then
  dir=${out:-$root/out/bench/all-$stamp}
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  for w in w1 w1-adam lenet mlp1024; do
    "$root/bench/run.sh" --workload "$w" --data-dir "$data" --reps "$reps" --out "$dir/$w.tsv"
    echo
  done
  gemm_reps=$((reps > 7 ? reps : 7))
  "$py" "$root/bench/write_table.py" readme "$root/bench/README.md" "$dir" \
    --cpu "$(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) online" --date "$(date -Is)" \
    --commit "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')" \
    --coretype "${OPENBLAS_CORETYPE-(unset)}" --reps "$reps" --gemm-reps "$gemm_reps" --dataset "$dataset" \
    --torch "$($py -c 'import torch; print(torch.__version__)')" \
    --libtorch "$(dpkg-query -W -f='${Version}' libtorch-dev 2>/dev/null)"
  echo "all workloads: raw numbers in $dir; table written into bench/README.md (between the bench:all markers)"
  exit 0
fi

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
if ((ranks == 0)) && [[ $workload != gemm && ! -x "$peer" ]]; then
  echo "building the LibTorch peer ..."
  cmake -S "$root/bench/libtorch" -B "$root/build/bench-libtorch" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$root/build/bench-libtorch" -j2 >/dev/null
fi
((ranks)) || [[ $workload == gemm ]] ||
  echo "libtorch:           $peer ($(dpkg-query -W -f='${Version}' libtorch-dev 2>/dev/null))"
[[ $workload == gemm ]] || echo "data:               $dataset, $data ($source_note)"
if [[ $workload == gemm ]]; then
  echo "repetitions:        $((reps > 7 ? reps : 7)) of each product on each side, interleaved; threads: $threads_list"
elif ((ranks)); then
  echo "repetitions:        $reps of each layout, interleaved: 1 x 1 thread, 1 x $ranks threads, $ranks ranks x 1 thread," \
    "$ranks one-thread processes at once (one per core)"
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
    local adam=()
    [[ $workload == w1-adam ]] && adam=(--adam)
    OPENBLAS_NUM_THREADS=$t OMP_NUM_THREADS=$t "${timed[@]}" "$peer" "${workload%-adam}" --epochs "$epochs" \
      --data-dir "$data" --threads "$t" "${adam[@]}" >"$log" 2>&1 \
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
  # shellcheck source=bench/ranks.sh
  . "$root/bench/ranks.sh"
  exit 0
fi

# The matrix products of one mlp1024 step (bench/gemm/gemm.cpp): built against descent as installed from
# build/ (so it times what build/descent runs; reinstalled and relinked when the library changed), run once
# per thread count (twice when OPENBLAS_CORETYPE is set: also without it), at least 7 repetitions of every
# product on each side. Rows go to $1.
run_gemm() {
  local gemm_out=$1 gemm_reps=$((reps > 7 ? reps : 7)) t u
  cmake --install "$root/build" --prefix "$root/build/bench-gemm/prefix" >"$logs/gemm-install.log" 2>&1 \
    || { cat "$logs/gemm-install.log" >&2; exit 1; }
  { cmake -S "$root/bench/gemm" -B "$root/build/bench-gemm/build" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$root/build/bench-gemm/prefix" -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON \
      && cmake --build "$root/build/bench-gemm/build" -j1; } >"$logs/gemm-build.log" 2>&1 \
    || { cat "$logs/gemm-build.log" >&2; exit 1; }
  rm -f "$gemm_out"
  # OpenBLAS's kernels as OPENBLAS_CORETYPE sets them and, when it is set, also as OpenBLAS picks them
  # for this CPU (it reads the variable when it loads: one process each).
  local unsets=(keep)
  [[ -n "${OPENBLAS_CORETYPE:-}" ]] && unsets+=(unset)
  for t in $threads_list; do
    for u in "${unsets[@]}"; do
      local env_cmd=(env)
      [[ $u == unset ]] && env_cmd+=(-u OPENBLAS_CORETYPE)
      "${env_cmd[@]}" OPENBLAS_NUM_THREADS="$t" OMP_NUM_THREADS="$t" "$root/build/bench-gemm/build/gemm" \
        --threads "$t" --reps "$gemm_reps" --tsv "$gemm_out" >"$logs/gemm-$t-$u.log" 2>&1 \
        || { echo "gemm failed (threads $t):" >&2; tail -20 "$logs/gemm-$t-$u.log" >&2; exit 1; }
    done
  done
  "$py" "$root/bench/write_table.py" gemm "$gemm_out"
  echo "(raw numbers: $gemm_out)"
}

if [[ $workload == gemm ]]; then
  run_gemm "$out"
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

# The memory bound descent's peak is held to (bench/memory_bound.py), term by term, beside the TSV.
"$py" "$root/bench/memory_bound.py" "$root/$config" "$data" --descent "$root/build/descent" >"${out%.tsv}-bound.json"

echo
"$py" "$root/bench/write_table.py" workload "$out"
if [[ $workload == mlp1024 ]]; then
  echo
  echo "Its matrix products, descent's kernels against cblas_sgemm (bench/gemm), GFLOP/s:"
  run_gemm "${out%.tsv}-gemm.tsv"
fi
