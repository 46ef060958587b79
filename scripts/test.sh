#!/usr/bin/env bash
# The README's test command (also what .ci/run calls): installs dependencies, then builds and runs
# every test in three variants:
#   plain      SQLite, RelWithDebInfo, plus the core and registry benchmarks printed as figures
#   sqlcipher  the core against SQLCipher (encrypted store), core + CLI tests
#   asan       AddressSanitizer + UndefinedBehaviorSanitizer, all tests
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

run_tests() {  # name
  echo "=== test: $1"
  (cd "build/$1" && ctest --output-on-failure -j "$JOBS" --timeout 600)
}

for v in "${variants[@]}"; do
  case "$v" in
    plain)
      build plain -DCMAKE_BUILD_TYPE=RelWithDebInfo
      run_tests plain
      echo "=== bench: bench_core (figures, not a pass/fail test)"
      build/plain/bench/bench_core 200
      echo "=== bench: bench_registry (figures, not a pass/fail test)"
      build/plain/bench/bench_registry 1300 14
      ;;
    sqlcipher)
      build sqlcipher -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDOORSTEP_SQLCIPHER=ON -DDOORSTEP_BUILD_BENCH=OFF
      run_tests sqlcipher
      ;;
    asan)
      build asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" -DDOORSTEP_SANITIZE=ON -DDOORSTEP_BUILD_BENCH=OFF
      ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        run_tests asan
      ;;
    *) echo "unknown variant $v (plain|sqlcipher|asan)"; exit 2 ;;
  esac
done
echo "=== all variants passed: ${variants[*]}"
