#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for the tests and benchmarks (Debian 12's postgresql-15 binaries).
#
#   eval "$(bash scripts/pg.sh start)"     # sets DOORSTEP_PG (libpq connection string) and
#                                          # DOORSTEP_PG_DIR (the temporary directory)
#   bash scripts/pg.sh stop "$DOORSTEP_PG_DIR"   # stops the server and removes the directory
#
# start: initdb in a new temporary directory, trust authentication (the server listens on
# 127.0.0.1 only, and its Unix socket lives in that directory), the first free port from
# PG_PORT (default 55432), database `doorstep`. Root cannot run postgres, so as root the server
# runs as the `postgres` user (created by the Debian package). Nothing outside the directory is
# touched: no cluster of pg_ctlcluster, no /var/run/postgresql.
set -euo pipefail

PG_VERSION_DIR="${PG_BIN:-/usr/lib/postgresql/15/bin}"
MARKER=doorstep-throwaway-postgres

as_pg() {  # runs a command as the user that owns the server
  if [ "$(id -u)" -eq 0 ]; then
    # From /: the caller's directory may be one postgres cannot enter (a root-only checkout).
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

start() {
  [ -x "$PG_VERSION_DIR/initdb" ] ||
    { echo "pg.sh: $PG_VERSION_DIR/initdb not found (apt-get install postgresql-15)" >&2; exit 1; }
  local dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/doorstep-pg.XXXXXX")
  touch "$dir/$MARKER"
  [ "$(id -u)" -eq 0 ] && chown -R postgres: "$dir"
  as_pg "$PG_VERSION_DIR/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C \
    --no-sync > "$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; rm -rf "$dir"; exit 1; }
  local port="${PG_PORT:-55432}" tries=0
  # Another run may hold a port: try the next one (pg_ctl fails fast when the port is taken).
  until as_pg "$PG_VERSION_DIR/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200" \
      > /dev/null 2>> "$dir/pg_ctl.log"; do
    tries=$((tries + 1))
    if [ "$tries" -ge 20 ]; then
      echo "pg.sh: PostgreSQL did not start (last port $port):" >&2
      tail -n 20 "$dir/pg_ctl.log" "$dir/server.log" >&2
      rm -rf "$dir"
      exit 1
    fi
    port=$((port + 1))
  done
  as_pg "$PG_VERSION_DIR/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -q \
    -c "CREATE DATABASE doorstep" > /dev/null
  echo "DOORSTEP_PG_DIR='$dir'"
  echo "DOORSTEP_PG='host=127.0.0.1 port=$port dbname=doorstep user=postgres'"
  echo "export DOORSTEP_PG_DIR DOORSTEP_PG"
}

stop() {
  local dir="${1:-}"
  if [ -z "$dir" ] || [ ! -f "$dir/$MARKER" ]; then
    echo "pg.sh: '$dir' is not a directory made by 'pg.sh start'" >&2
    exit 2
  fi
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_pg "$PG_VERSION_DIR/pg_ctl" -D "$dir/data" -m fast -w stop > /dev/null ||
      echo "pg.sh: pg_ctl stop failed; removing $dir anyway" >&2
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: pg.sh start | pg.sh stop DIR" >&2; exit 2 ;;
esac
