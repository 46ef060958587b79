#!/usr/bin/env bash
# Lists C++ functions longer than a limit (default 80 lines) under the given directories
# (default: core sync), longest first: "lines  file:start  name". Uses universal-ctags (Debian
# package universal-ctags; scripts/deps.sh installs it). Exit status 0 always: a report, not a gate.
# Usage: scripts/function_sizes.sh [--limit N] [dir ...]
set -euo pipefail
cd "$(dirname "$0")/.."
limit=80
if [ "${1:-}" = "--limit" ]; then limit=$2; shift 2; fi
dirs=("$@")
((${#dirs[@]})) || dirs=(core sync)
find "${dirs[@]}" -name '*.cpp' -o -name '*.h' | sort |
  ctags -L - --languages=C++ --kinds-C++=f --fields=+ne -x --_xformat='%{end} %{line} %F %{scope}::%N' 2>/dev/null |
  awk -v limit="$limit" '$1 != "" && $1 ~ /^[0-9]+$/ { n = $1 - $2 + 1; if (n > limit) printf "%5d  %s:%d  %s\n", n, $3, $2, $4 }' |
  sort -rn
