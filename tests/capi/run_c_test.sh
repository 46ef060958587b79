#!/bin/sh
# Runs the C test program (c_test.c) against a real township server on 127.0.0.1:
#   run_c_test.sh SERVER C_TEST HOUSEHOLD.pb PHOTO.pb HOUSEHOLD.json PHOTO.json
# starts `doorstep-server serve` on a free port with a throwaway database holding the two forms,
# issues two one-time enrollment tokens (one per tablet store of the test) with
# `doorstep-server enroll`, runs the test with the URL and the tokens, and stops the server.
# SERVER "-": no server; the test runs its offline part only. DOORSTEP_EMULATOR (e.g. qemu-aarch64
# -L /usr/aarch64-linux-gnu) runs a cross-compiled C_TEST; the server always runs natively.
set -eu
emu=${DOORSTEP_EMULATOR:-}
server=$1
c_test=$2
household_pb=$3
photo_pb=$4

work=$(mktemp -d "${TMPDIR:-/tmp}/doorstep-capi.XXXXXX")
pid=""
cleanup() {
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

if [ "$server" = "-" ]; then
  $emu "$c_test" "$household_pb" "$photo_pb" "$work"
  exit $?
fi

household_json=$5
photo_json=$6
db="$work/server.db"
"$server" form install --db "$db" "$household_json" "$photo_json" >/dev/null
token_a=$("$server" enroll --db "$db" --team "第一工作队" --villages "红星村")
token_b=$("$server" enroll --db "$db" --team "第一工作队" --villages "红星村")

"$server" serve --db "$db" --listen 127.0.0.1:0 --threads 2 >"$work/server.out" 2>"$work/server.log" &
pid=$!
url=""
i=0
while [ $i -lt 100 ]; do
  url=$(sed -n 's/^doorstep-server listening on //p' "$work/server.out")
  [ -n "$url" ] && break
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "doorstep-server exited before listening:" >&2
    cat "$work/server.log" >&2
    exit 1
  fi
  sleep 0.1
  i=$((i + 1))
done
if [ -z "$url" ]; then
  echo "doorstep-server did not start listening within 10 s" >&2
  cat "$work/server.log" >&2
  exit 1
fi

mkdir "$work/tablets"
status=0
$emu "$c_test" "$household_pb" "$photo_pb" "$work/tablets" "$url" "$token_a" "$token_b" || status=$?
if [ $status -ne 0 ]; then
  echo "--- doorstep-server log ---" >&2
  tail -n 40 "$work/server.log" >&2
fi
exit $status
