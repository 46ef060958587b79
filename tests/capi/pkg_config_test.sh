#!/bin/sh
# Builds and runs a tiny C program with the flags of the build tree's pkg-config file
# (doorstep-uninstalled.pc):  pkg_config_test.sh PKG_CONFIG CC LIBDIR [EXTRA_FLAGS [LAST_FLAGS]]
# EXTRA_FLAGS: the build's own (a sanitizer build's library needs the sanitizer runtime first);
# LAST_FLAGS after the libraries (clang's UBSan: its C++ runtime part and libstdc++).
set -eu
pkg_config=$1
cc=$2
libdir=$3
extra=${4:-}
last=${5:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/doorstep-pc.XXXXXX")
trap 'rm -rf "$work"' EXIT
cat >"$work/hello.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <doorstep/c/doorstep.h>
int main(void) {
  if (ds_abi_version() != DS_ABI_VERSION) return 1;
  if (strcmp(ds_status_name(DS_WRONG_KEY), "wrong_key") != 0) return 2;
  printf("doorstep %s\n", ds_version());
  return 0;
}
C
flags=$(PKG_CONFIG_PATH="$libdir" "$pkg_config" --cflags --libs doorstep-uninstalled)
echo "pkg-config doorstep-uninstalled: $flags"
# shellcheck disable=SC2086
"$cc" -std=c99 -Wall -Werror $extra -o "$work/hello" "$work/hello.c" $flags $last
LD_LIBRARY_PATH="$libdir" "$work/hello"
