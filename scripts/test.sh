#!/usr/bin/env bash
# The README's test command (also what .ci/run calls): installs dependencies, then builds and runs
# every test in four variants:
#   plain   SQLite, RelWithDebInfo, everything (server, registry, CLI, demo), plus the core,
#           registry and sync benchmarks printed as figures (benchmarks run in this variant only)
#   tablet  the tablet build (DOORSTEP_TABLET=ON: core + sync client + C ABI over SQLCipher, no
#           server, registry or CLI): builds only what a tablet needs and runs its tests (core,
#           sync protocol and client without a server, C ABI), then prints the tablet library's
#           size and dependencies (scripts/tablet_size.sh). The encrypted-store variant.
#   asan    clang's AddressSanitizer + UndefinedBehaviorSanitizer, all tests, then every libFuzzer
#           target (fuzz/) for DOORSTEP_FUZZ_SECONDS (default 20) on its seed corpus
#   arm64   the tablet build cross-compiled for aarch64, its tests under qemu-aarch64
#           (scripts/arm64.sh, which installs the cross compiler and arm64 libraries)
# The PostgreSQL store's tests (ctest names "sync:PostgreSQL ...") run against a throwaway
# PostgreSQL started by scripts/pg.sh for the plain and asan variants (DOORSTEP_PG) and stopped
# after them, also when a test fails.
# Prints the wall time of each variant at the end.
# Usage: scripts/test.sh [plain|tablet|asan|arm64 ...]   (default: all four, in this order:
#        plain tablet arm64 asan; "sqlcipher" is an
#        old name of "tablet")
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
JOBS="${JOBS:-2}"
variants=("$@")
((${#variants[@]})) || variants=(plain tablet arm64 asan)
TIMES=()

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

# doorstep-server of the plain build, for the C test of the tablet and arm64 builds ("" if none).
test_server() {
  local server="$PWD/build/plain/platform/server/doorstep-server"
  if [ -x "$server" ]; then echo "$server"; fi
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
  started=$(date +%s)
  case "$v" in
    plain)
      build plain -DCMAKE_BUILD_TYPE=RelWithDebInfo
      pg_start
      run_tests plain
      # The JUnit tests are registered only when a JDK and JUnit 5 are found: make sure they ran.
      (cd build/plain && ctest -N -L java | grep -q "Total Tests: [1-9]") \
        || { echo "plain: the Java binding's JUnit tests were not configured (JDK, junit5?)"; exit 1; }
      echo "=== bench: bench_core (figures, not a pass/fail test)"
      build/plain/bench/bench_core 200
      echo "=== bench: bench_registry (figures, not a pass/fail test)"
      build/plain/bench/bench_registry 1300 14
      echo "=== bench: bench_sync --quick (figures, not a pass/fail test; full run: docs/benchmarks.md)"
      build/plain/bench/bench_sync --quick
      pg_stop
      ;;
    tablet|sqlcipher)
      # The C test's sync half needs a township server; the tablet build has none, so it uses the
      # plain build's when that exists (the tablet side is this build's library and libcurl).
      build tablet -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDOORSTEP_TABLET=ON \
        -DDOORSTEP_TEST_SERVER="$(test_server)"
      run_tests tablet
      echo "=== size: the tablet library (figures, not a pass/fail test)"
      bash scripts/tablet_size.sh build/tablet build/arm64
      ;;
    asan)
      # clang's ASan + UBSan, and with them the libFuzzer targets (fuzz/, docs/fuzzing.md): every
      # library carries coverage instrumentation, so one build serves the tests and the fuzzers.
      # (The compilers as cache variables: a build/asan configured with gcc before is redone.)
      build asan -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
        -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" -DDOORSTEP_FUZZ=ON \
        -DDOORSTEP_BUILD_BENCH=OFF
      pg_start
      # The crash trials (tests/sync/crash_test.cpp) run 300 times in plain, 100 here (ASan is ~3x
      # slower and finds memory errors in the first ones as well as in the last).
      DOORSTEP_CRASH_TRIALS=100 \
      ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        run_tests asan
      pg_stop
      echo "=== fuzz: every target for ${DOORSTEP_FUZZ_SECONDS:-20} s on its seed corpus"
      bash scripts/fuzz.sh build/asan "${DOORSTEP_FUZZ_SECONDS:-20}"
      ;;
    arm64)
      JOBS=$JOBS DOORSTEP_TEST_SERVER="$(test_server)" bash scripts/arm64.sh
      echo "=== size: the tablet library (figures, not a pass/fail test)"
      bash scripts/tablet_size.sh build/tablet build/arm64
      ;;
    *) echo "unknown variant $v (plain|tablet|asan|arm64)"; exit 2 ;;
  esac
  TIMES+=("$v $(( $(date +%s) - started )) s")
  echo "=== $v: $(( $(date +%s) - started )) s"
done
echo "=== wall time per variant: $(IFS=,; echo "${TIMES[*]}" | sed 's/,/, /g')"
echo "=== all variants passed: ${variants[*]}"
