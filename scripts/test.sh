#!/usr/bin/env bash
# The README's test command (also what .ci/run calls): installs dependencies, then builds and runs
# every test in three variants:
#   plain      SQLite, RelWithDebInfo, plus the core, registry and sync benchmarks printed as figures
#   sqlcipher  the core against SQLCipher (encrypted store), core + CLI tests
#   asan       AddressSanitizer + UndefinedBehaviorSanitizer, all tests
# The PostgreSQL store's tests (ctest names "sync:PostgreSQL ...") run against a throwaway
# PostgreSQL started by scripts/pg.sh for the plain and asan variants (DOORSTEP_PG) and stopped
# after them, also when a test fails; the sqlcipher variant leaves them out (they do not touch
# SQLCipher).
# Usage: scripts/test.sh [plain|sqlcipher|asan ...]   (default: all three)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
JOBS="${JOBS:-2}"
variants=("$@")
((${#variants[@]})) || variants=(plain sqlcipher asan)

build() {  # name, cmake args...
  local name=$1; shift
  echo "=== build: $name"
  cmake -S . -B "build/$name" -G Ninja "$@" > "build-$name.configure.log" 2>&1 \
    || { cat "build-$name.configure.log"; exit 1; }
  rm -f "build-$name.configure.log"
  cmake --build "build/$name" -j "$JOBS"
}

run_tests() {  # name, extra ctest args...
  local name=$1; shift
  echo "=== test: $name"
  (cd "build/$name" && ctest --output-on-failure -j "$JOBS" --timeout 600 "$@")
}

PG_DIR=""
pg_start() {
  local env
  env=$(bash scripts/pg.sh start)
  eval "$env"
  PG_DIR=$DOORSTEP_PG_DIR
  echo "=== PostgreSQL (throwaway, $PG_DIR): $DOORSTEP_PG"
}
pg_stop() {
  if [ -n "$PG_DIR" ]; then bash scripts/pg.sh stop "$PG_DIR"; fi
  PG_DIR=""
  unset DOORSTEP_PG DOORSTEP_PG_DIR
}
trap pg_stop EXIT

for v in "${variants[@]}"; do
  case "$v" in
    plain)
      build plain -DCMAKE_BUILD_TYPE=RelWithDebInfo
      pg_start
      run_tests plain
      echo "=== bench: bench_core (figures, not a pass/fail test)"
      build/plain/bench/bench_core 200
      echo "=== bench: bench_registry (figures, not a pass/fail test)"
      build/plain/bench/bench_registry 1300 14
      echo "=== bench: bench_sync --quick (figures, not a pass/fail test; full run: docs/benchmarks.md)"
      build/plain/bench/bench_sync --quick
      pg_stop
      ;;
    sqlcipher)
      build sqlcipher -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDOORSTEP_SQLCIPHER=ON -DDOORSTEP_BUILD_BENCH=OFF
      run_tests sqlcipher -E '^sync: ?PostgreSQL'
      ;;
    asan)
      build asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" -DDOORSTEP_SANITIZE=ON -DDOORSTEP_BUILD_BENCH=OFF
      pg_start
      ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        run_tests asan
      pg_stop
      ;;
    *) echo "unknown variant $v (plain|sqlcipher|asan)"; exit 2 ;;
  esac
done
echo "=== all variants passed: ${variants[*]}"
