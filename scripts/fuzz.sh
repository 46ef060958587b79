#!/usr/bin/env bash
# Runs every libFuzzer target of a DOORSTEP_FUZZ build (docs/fuzzing.md) for a bounded time on its
# checked-in seed corpus (fuzz/corpus/<target>/, read only: new inputs go to a scratch directory),
# with ASan + UBSan, and prints executions and new coverage per target. A crash, a sanitizer report,
# a leak, an input slower than 10 s or over 2 GiB of memory fails the run; the input is saved as
# build/fuzz-artifacts/<target>-crash-... and the command to reproduce it printed.
# Usage: scripts/fuzz.sh BUILD_DIR [SECONDS_PER_TARGET (default 20)] [TARGET ...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: scripts/fuzz.sh BUILD_DIR [SECONDS] [TARGET ...]}
seconds=${2:-20}
shift $(( $# >= 2 ? 2 : 1 ))
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(fuzz_change_set fuzz_pull_page fuzz_push_answer fuzz_server_push fuzz_form
           fuzz_expression fuzz_strokes fuzz_import)
fi
artifacts="$PWD/build/fuzz-artifacts"
mkdir -p "$artifacts"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
summary=()
failed=0
for t in "${targets[@]}"; do
  bin="$build/fuzz/$t"
  [ -x "$bin" ] || { echo "fuzz: $bin not built (configure with -DDOORSTEP_FUZZ=ON, clang)"; exit 2; }
  mkdir -p "$scratch/$t"
  log="$scratch/$t.log"
  echo "=== fuzz: $t for ${seconds} s"
  if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$artifacts/$t-" "$scratch/$t" "fuzz/corpus/$t" > "$log" 2>&1; then
    status=ok
  else
    status=FAILED
    failed=1
    grep -E 'ERROR|runtime error|fuzz invariant|Test unit written|SUMMARY' "$log" | head -20 || true
    tail -40 "$log"
    echo "fuzz: reproduce with: $bin $artifacts/$t-<file>"
  fi
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$' \
         || echo "?")
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo "?")
  seeds=$(find "fuzz/corpus/$t" -type f | wc -l)
  found=$(find "$scratch/$t" -type f | wc -l)
  summary+=("$(printf '%-18s %-6s %10s runs  %6s edges  %3s seeds  %5s new inputs' \
               "$t" "$status" "$runs" "$cov" "$seeds" "$found")")
done
echo "=== fuzz summary (${seconds} s per target)"
printf '%s\n' "${summary[@]}"
exit $failed
