#!/usr/bin/env bash
# Prints the stripped size of the tablet shared library and its dependencies (readelf -d NEEDED)
# for x86-64 and aarch64 (issue 12 goal: <= 3 MiB for Doorstep's own library, system libraries
# excluded). Reads the tablet builds made by scripts/test.sh (build/tablet, x86-64) and
# scripts/arm64.sh (build/arm64); builds nothing itself beyond the stand-in below, and skips an
# architecture whose build is missing.
#
# The library is platform/capi's libdoorstep.so (core, sync client, libcurl transport, C ABI;
# SQLCipher, protobuf, libcurl, zstd and zlib are system libraries, listed under NEEDED).
# Usage: scripts/tablet_size.sh [x86_64-build-dir [aarch64-build-dir]]
set -euo pipefail
cd "$(dirname "$0")/.."
X86=${1:-build/tablet}
ARM=${2:-build/arm64}

mib() { awk -v b="$1" 'BEGIN { printf "%.2f MiB", b / 1048576 }'; }

report() {  # label, library, strip program
  local label=$1 lib=$2 strip=$3 tmp
  tmp=$(mktemp)
  "$strip" --strip-unneeded -o "$tmp" "$lib"
  local size; size=$(stat -c %s "$tmp")
  rm -f "$tmp"
  echo "$label: $lib"
  echo "  stripped size: $size bytes ($(mib "$size"))  (unstripped $(stat -c %s "$lib") bytes)"
  echo "  NEEDED: $(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
}

measure() {  # arch, build dir, strip program, extra link dirs...
  local arch=$1 dir=$2 strip=$3; shift 3
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    echo "$arch: no tablet build in $dir (run scripts/test.sh tablet / scripts/arm64.sh); skipped"
    return
  fi
  if ! grep -q '^DOORSTEP_TABLET:BOOL=ON' "$dir/CMakeCache.txt"; then
    echo "$arch: $dir is not a tablet build (DOORSTEP_TABLET=ON); skipped"
    return
  fi
  local capi
  capi=$(find "$dir/platform/capi" -maxdepth 1 -name 'libdoorstep.so.*.*' -type f 2>/dev/null | head -1 || true)
  [ -n "$capi" ] || { echo "$arch: no libdoorstep.so in $dir/platform/capi (build it first)"; exit 1; }
  report "$arch tablet library" "$capi" "$strip"
}

measure x86-64 "$X86" strip
if command -v aarch64-linux-gnu-strip > /dev/null; then
  measure aarch64 "$ARM" aarch64-linux-gnu-strip -L/usr/lib/aarch64-linux-gnu
else
  echo "aarch64: no cross binutils (run scripts/arm64.sh); skipped"
fi
