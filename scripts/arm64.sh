#!/usr/bin/env bash
# ARM64: cross-compiles the tablet build (DOORSTEP_TABLET=ON: core, sync client, C ABI) and its
# tests for aarch64 with Debian's g++-aarch64-linux-gnu and multiarch arm64 -dev packages, then
# runs the core, sync-client and C ABI tests under qemu-aarch64 (called explicitly through
# CMAKE_CROSSCOMPILING_EMULATOR; binfmt_misc is not needed). Prints the wall time of each step.
#
# Installs what it needs (scripts/deps.sh arm64, as root or with sudo): dpkg --add-architecture
# arm64, the cross compiler, qemu-user and the arm64 libraries; never anything that would remove
# an amd64 package (the plan is simulated first with apt-get -s). Debian 12's libsqlcipher-dev is
# not multi-arch (it cannot be installed for both architectures), so only the arm64 runtime
# libsqlcipher0:arm64 is installed and a sqlcipher.pc for arm64 is written under
# build/arm64-pkgconfig, using the amd64 package's headers (architecture-independent).
#
# Idempotent: a second run skips apt and re-runs only what changed (ninja) and the tests.
# Usage: scripts/arm64.sh            (JOBS=n for parallel compile jobs, default 2)
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${JOBS:-2}"
BUILD=build/arm64
T0=$(date +%s)
step_start=$T0
step() {  # name: prints the time of the previous step and starts a new one
  local now; now=$(date +%s)
  [ -n "${STEP:-}" ] && echo "=== arm64: $STEP took $((now - step_start)) s"
  STEP=$1; step_start=$now
  [ -n "$1" ] && echo "=== arm64: $1"
  return 0
}

step "packages"
bash scripts/deps.sh arm64
# The amd64 libsqlcipher-dev (headers) comes from scripts/deps.sh; check rather than assume.
[ -f /usr/include/sqlcipher/sqlite3.h ] || { echo "arm64: libsqlcipher-dev (headers) missing: run scripts/deps.sh"; exit 1; }

step "configure"
PC_DIR="$PWD/build/arm64-pkgconfig"
mkdir -p "$PC_DIR/lib"
ln -sfn /usr/lib/aarch64-linux-gnu/libsqlcipher.so.0 "$PC_DIR/lib/libsqlcipher.so"
pc="prefix=/usr
libdir=$PC_DIR/lib
includedir=/usr/include

Name: SQLCipher
Description: SQLCipher for arm64 (Debian libsqlcipher0:arm64, headers of libsqlcipher-dev)
Version: $(pkg-config --modversion sqlcipher 2>/dev/null || echo 3.4)
Libs: -L\${libdir} -lsqlcipher
Cflags: -I\${includedir}/sqlcipher
"
printf '%s' "$pc" > "$PC_DIR/sqlcipher.pc.new"
if cmp -s "$PC_DIR/sqlcipher.pc.new" "$PC_DIR/sqlcipher.pc"; then rm "$PC_DIR/sqlcipher.pc.new"
else mv "$PC_DIR/sqlcipher.pc.new" "$PC_DIR/sqlcipher.pc"; fi
export DOORSTEP_ARM64_PKGCONFIG="$PC_DIR"
# DOORSTEP_TEST_SERVER: a native doorstep-server (the plain build's) for the C test's sync half.
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/aarch64-linux-gnu.cmake" \
  -DDOORSTEP_TABLET=ON -DCMAKE_BUILD_TYPE=Release \
  -DDOORSTEP_TEST_SERVER="${DOORSTEP_TEST_SERVER:-}" > build/arm64-configure.log 2>&1 \
  || { cat build/arm64-configure.log; exit 1; }
rm -f build/arm64-configure.log

step "build (aarch64-linux-gnu-g++, -j$JOBS)"
cmake --build "$BUILD" -j "$JOBS"
readelf -h "$BUILD/tests/doorstep_core_tests" | grep -q "Machine:.*AArch64" \
  || { echo "arm64: the test binary is not an aarch64 program"; exit 1; }

step "tests under qemu-aarch64"
# Every test the tablet build has: core, the sync client's (no server), the C ABI's and the layer
# check; each ctest command line starts with the emulator.
(cd "$BUILD" && ctest --output-on-failure -j "$JOBS" --timeout 900)

step ""
echo "=== arm64: total wall time $(( $(date +%s) - T0 )) s"
