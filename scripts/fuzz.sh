#!/usr/bin/env bash
# Builds the libFuzzer programs (the `fuzz` CMake preset: clang, ASan + UBSan, build-fuzz/) and runs
# each target in turn for N seconds (default 60), from its seeds in fuzz/corpus/<target>/ and the
# findings kept in tests/data/fuzz-regressions/<target>/. Ends with a line per target: executions,
# coverage (libFuzzer's cov: edges and ft: features), corpus size and the result. fuzz/README.md says
# what to do with a finding.
# Usage: scripts/fuzz.sh [TARGET] [--seconds N] [--jobs J] [-- LIBFUZZER_FLAGS...]
#   TARGET     one of config, expression, idx, plot, safetensors (default: all, one after the other)
#   --jobs J   build with J parallel compiles (default: the number of CPUs)
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(config expression idx plot safetensors)
chosen=()
seconds=60
jobs="$(nproc)"
extra=()
while (($#)); do
  case "$1" in
    --seconds) seconds="${2:?--seconds needs a number}"; shift 2 ;;
    --jobs) jobs="${2:?--jobs needs a number}"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -*) echo "fuzz.sh: unknown option $1 (expected --seconds N, --jobs J or -- FLAGS)" >&2; exit 2 ;;
    *)
      [[ " ${targets[*]} " == *" $1 "* ]] || { echo "fuzz.sh: unknown target $1 (expected one of ${targets[*]})" >&2; exit 2; }
      chosen+=("$1"); shift ;;
  esac
done
[[ "$seconds" =~ ^[0-9]+$ && "$seconds" -gt 0 ]] || { echo "fuzz.sh: --seconds $seconds: expected a positive integer" >&2; exit 2; }
((${#chosen[@]})) || chosen=("${targets[@]}")

scripts/setup.sh --fuzz
cmake --preset fuzz >/dev/null
cmake --build build-fuzz -j "$jobs" --target "${chosen[@]/#/fuzz_}"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
summary=()
status=0
for t in "${chosen[@]}"; do
  work="build-fuzz/corpus/$t" findings="build-fuzz/findings/$t" log="build-fuzz/fuzz-$t.log"
  mkdir -p "$work" "$findings" "tests/data/fuzz-regressions/$t"
  dict=()
  [[ -f "fuzz/dict/$t.dict" ]] && dict=(-dict="fuzz/dict/$t.dict")
  echo "fuzz.sh: $t for $seconds s (log: $log)"
  # New inputs go to build-fuzz/corpus/<target>/ (first directory); the committed seeds and findings
  # are only read. -timeout 1: a second on one input is a finding; -malloc_limit_mb: so is an
  # allocation past 64 MiB, four times the memory limit the targets set (fuzz/fuzz_input.hpp).
  set +e
  "build-fuzz/fuzz/fuzz_$t" "$work" "fuzz/corpus/$t" "tests/data/fuzz-regressions/$t" "${dict[@]}" \
    -max_total_time="$seconds" -timeout=1 -rss_limit_mb=2048 -malloc_limit_mb=64 -max_len=16384 \
    -print_final_stats=1 -artifact_prefix="$findings/" "${extra[@]}" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*' || true)
  ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*' || true)
  corp=$(grep -o 'corp: [0-9]*' <<<"$last" | grep -o '[0-9]*' || true)
  if ((rc == 0)); then result="no finding"; else
    result="FINDING: $(ls -t "$findings" | head -1) (see $log)"
    status=1
  fi
  summary+=("$(printf '%-12s execs %-10s cov %-6s ft %-6s corpus %-6s %s' "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$result")")
done
echo "fuzz.sh: $seconds s per target; command per target:"
echo "  build-fuzz/fuzz/fuzz_TARGET build-fuzz/corpus/TARGET fuzz/corpus/TARGET tests/data/fuzz-regressions/TARGET" \
     "[-dict=fuzz/dict/TARGET.dict] -max_total_time=$seconds -timeout=1 -rss_limit_mb=2048 -malloc_limit_mb=64 -max_len=16384"
printf '%s\n' "${summary[@]}"
exit "$status"
