# bench/run.sh --ranks N (sourced by run.sh, which sets root, config, epochs, data, reps, ranks, out, logs
# and field): descent's data-parallel training against its threads, on one machine. Each repetition runs
# the layouts in a rotating order: 1 process x 1 thread, 1 process x N threads, N ranks x 1 thread under
# mpirun (bound to cores), whose all-reduce time per update it reads from rank 0's last line, and N
# independent one-thread processes at once, each pinned to a core of its own, each training the whole run
# ("cores"). N ranks can go no faster than N times the slowest of those, the cores' own limit with
# nothing exchanged: the cores of a virtual machine are often unequal, and the slowest one sets the
# ranks' pace. That layout's row holds N times the slowest process's samples/s. Skipped (with a note)
# where the machine has fewer than N cores.

run_layout() {  # run_layout LAYOUT REP: appends a row to $out
  local layout=$1 rep=$2 log="$logs/$1-$2.log" metrics="$logs/$1-$2.jsonl" allreduce=""
  # Every layout trains the same run; each process's metrics go to a file of its own.
  local train=("$root/build/descent" train "$root/$config" --epochs "$epochs" --data-dir "$data")
  local cmd=("${train[@]}" --metrics "$metrics")
  case "$layout" in
    1x1) "${cmd[@]}" --threads 1 >"$log" 2>&1 ;;
    1xN) "${cmd[@]}" --threads "$ranks" >"$log" 2>&1 ;;
    Nx1) OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
           mpirun -np "$ranks" --bind-to core "${cmd[@]}" --threads 1 </dev/null >"$log" 2>&1 ;;
    cores) run_cores "$rep" "${train[@]}" ;;
  esac || { echo "descent failed ($layout, rep $rep):" >&2; tail -20 "$log" >&2; exit 1; }
  local line sps secs acc
  line=$(tail -n 1 "$metrics")
  sps=$(field samples_per_second <<<"$line")
  secs=$(field seconds <<<"$line")
  acc=$(field test_accuracy <<<"$line")
  if [[ $layout == cores ]]; then  # N times the slowest of the N processes
    local i rates=("$sps")
    for ((i = 1; i < ranks; ++i)); do rates+=("$(field samples_per_second <<<"$(tail -n 1 "$logs/cores-$rep-$i.jsonl")")"); done
    sps=$(/usr/bin/python3 -c 'import sys; print(len(sys.argv[1:]) * min(map(float, sys.argv[1:])))' "${rates[@]}")
  fi
  allreduce=$(sed -n 's/.*in [0-9]* buckets\{0,1\}: \([0-9.e+-]*\) ms per update.*/\1/p' "$log")
  printf '%s\t%s\t%.1f\t%.4f\t%.4f\t%s\n' "$rep" "$layout" "$sps" "$secs" "$acc" "${allreduce:-}" >>"$out"
  printf '  rep %s  %-5s  %10.0f samples/s  %7.3f s  test acc %.4f%s\n' "$rep" "$layout" "$sps" "$secs" "$acc" \
    "${allreduce:+  all-reduce $allreduce ms/update}"
}

# The "cores" layout (run_cores REP TRAIN...): process i on the i-th core this one may use, all at once;
# process 0's files are the layout's own.
run_cores() {
  local rep=$1 i pids=() failed=0
  shift
  for ((i = 0; i < ranks; ++i)); do
    local suffix=""
    ((i)) && suffix="-$i"
    taskset -c "${cpus[i]}" "$@" --threads 1 --metrics "$logs/cores-$rep$suffix.jsonl" >"$logs/cores-$rep$suffix.log" 2>&1 &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || failed=1; done
  return "$failed"
}

printf 'rep\tlayout\tsamples_per_second\tseconds\ttest_accuracy\tallreduce_ms_per_update\n' >"$out"
layouts=(1x1 1xN Nx1 cores)
# The cores this process may run on (a container's cpuset may leave out core 0), in order.
read -r -a cpus <<<"$(/usr/bin/python3 -c 'import os; print(*sorted(os.sched_getaffinity(0)))')"
if ((${#cpus[@]} < ranks)) || ! command -v taskset >/dev/null; then
  echo "(the cores layout skipped: ${#cpus[@]} cores here, or no taskset, for $ranks processes)"
  layouts=(1x1 1xN Nx1)
fi
for ((rep = 1; rep <= reps; rep++)); do
  for ((k = 0; k < ${#layouts[@]}; ++k)); do run_layout "${layouts[(rep + k) % ${#layouts[@]}]}" "$rep"; done
done

echo
/usr/bin/python3 - "$out" "$ranks" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
n = sys.argv[2]
def med(layout, key="samples_per_second"):
    values = [float(r[key]) for r in rows if r["layout"] == layout and r[key]]
    return statistics.median(values) if values else float("nan")
one, threads, ranks, cores = med("1x1"), med("1xN"), med("Nx1"), med("cores")
print(f"{'layout':>22}  {'samples/s':>10}  {'vs 1 x 1':>8}")
print(f"{'1 process x 1 thread':>22}  {one:>10.0f}  {1:>8.2f}")
print(f"{'1 process x ' + n + ' threads':>22}  {threads:>10.0f}  {threads / one:>8.2f}")
print(f"{n + ' ranks x 1 thread':>22}  {ranks:>10.0f}  {ranks / one:>8.2f}")
print(f"{n} ranks against {n} threads: {ranks / threads:.2f}; all-reduce {med('Nx1', 'allreduce_ms_per_update'):.3g} ms "
      f"per update (median)")
if cores == cores:  # not NaN: the layout ran
    # Per repetition, as the spells of a virtual machine's cores change between repetitions.
    reached = [float(r["samples_per_second"]) / float(c["samples_per_second"])
               for r in rows if r["layout"] == "Nx1" for c in rows if c["layout"] == "cores" and c["rep"] == r["rep"]]
    print(f"the cores' limit: {n} x the slowest of {n} one-thread processes at once, one per core: {cores:.0f} "
          f"({cores / one:.2f} x 1 x 1); {n} ranks reached {statistics.median(reached):.0%} of it (median of the "
          f"repetitions)")
print("(medians over the repetitions; samples/s of the training pass alone)")
PY
