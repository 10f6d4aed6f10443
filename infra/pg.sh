#!/usr/bin/env bash
# The private PostgreSQL of this checkout: data, socket and log under .data/ (ignored by git),
# listening on 127.0.0.1 only, on a port of its own. Sourced by build.sh; also runnable alone:
#   infra/pg.sh start|stop|status|url|psql [args]
# PostgreSQL refuses to run as root, so as root every server command runs as the 'postgres' user.
set -euo pipefail

PG_ROOT="${PG_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.data}"
# As root, the server runs as 'postgres', which must be able to reach the data folder. A checkout under a
# private home (e.g. /root) is not reachable; then the server's files go to a folder named after the checkout.
if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then
  mkdir -p "$PG_ROOT"
  if ! runuser -u postgres -- test -x "$PG_ROOT"; then
    PG_ROOT="/var/tmp/crowdfund-$(echo "$PG_ROOT" | md5sum | cut -c1-12)"
    mkdir -p "$PG_ROOT"
  fi
fi
PG_DATA="$PG_ROOT/pg"
PG_RUN="$PG_ROOT/run"
PG_LOG="$PG_ROOT/pg.log"
PG_PORT="${CROWDFUND_PG_PORT:-55432}"
PG_USER=crowdfund
PG_PASSWORD_FILE="$PG_ROOT/pg-password"

pg_find_bin() {
  local b
  for b in "$(command -v pg_ctl 2>/dev/null || true)" /usr/lib/postgresql/*/bin/pg_ctl; do
    if [ -n "$b" ] && [ -x "$b" ]; then PG_BIN="$(dirname "$b")"; return 0; fi
  done
  return 1
}

pg_ensure_binaries() {
  pg_find_bin && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "PostgreSQL binaries not found; installing Debian's postgresql package..." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    pg_find_bin && return 0
  fi
  echo "error: PostgreSQL server binaries (initdb, pg_ctl) not found. Install PostgreSQL 15+ or set CROWDFUND_DB to an existing server's connection string." >&2
  exit 1
}

# Runs a server binary as the owner of the data folder.
pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_init() {
  [ -f "$PG_DATA/PG_VERSION" ] && return 0
  mkdir -p "$PG_ROOT" "$PG_RUN"
  if [ ! -f "$PG_PASSWORD_FILE" ]; then
    (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$PG_PASSWORD_FILE")
  fi
  local pwfile="$PG_ROOT/.pwfile"
  (umask 077; cp "$PG_PASSWORD_FILE" "$pwfile")
  mkdir -p "$PG_DATA"
  if [ "$(id -u)" = 0 ]; then chown -R postgres "$PG_DATA" "$PG_RUN" "$pwfile"; fi
  pg_as_owner "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_USER" --pwfile="$pwfile" \
    --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$PG_ROOT/initdb.log" 2>&1 \
    || { cat "$PG_ROOT/initdb.log" >&2; rm -f "$pwfile"; exit 1; }
  rm -f "$pwfile"
  # Durability stays on (fsync, synchronous_commit); only the listener and socket are ours.
  cat >>"$PG_DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_RUN'
CONF
}

pg_running() {
  [ -f "$PG_DATA/PG_VERSION" ] && pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

pg_start() {
  pg_ensure_binaries
  pg_init
  if pg_running; then return 0; fi
  touch "$PG_LOG"
  if [ "$(id -u)" = 0 ]; then chown postgres "$PG_LOG"; chown -R postgres "$PG_RUN"; fi
  # The test projects run side by side, each with its own pools (up to 40 connections per connection string):
  # 100, the server's default, was refused under a full run ("too many clients"). Given at start so that data
  # folders made before this setting get it too. The port is given too, so CROWDFUND_PG_PORT wins over the one an
  # older data folder (a copied worktree) has written in its configuration.
  pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 -o "-c max_connections=400 -p $PG_PORT" start >/dev/null \
    || { tail -n 30 "$PG_LOG" >&2; exit 1; }
}

pg_stop() {
  pg_find_bin || return 0
  if pg_running; then pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null; fi
}

# Connection string for a database of the private server.
pg_url() {
  local db="${1:-crowdfund}"
  echo "Host=127.0.0.1;Port=$PG_PORT;Username=$PG_USER;Password=$(cat "$PG_PASSWORD_FILE");Database=$db;Maximum Pool Size=40"
}

pg_psql() {
  PGPASSWORD="$(cat "$PG_PASSWORD_FILE")" psql -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -v ON_ERROR_STOP=1 "$@"
}

# Creates the database if it is missing; with 'fresh', drops it first.
pg_create_db() {
  local db="$1" mode="${2:-}"
  if [ "$mode" = fresh ]; then pg_psql -q -d postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null; fi
  if ! pg_psql -tA -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    pg_psql -q -d postgres -c "CREATE DATABASE \"$db\"" >/dev/null
  fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-}" in
    start) pg_start; echo "PostgreSQL up on 127.0.0.1:$PG_PORT (data: $PG_DATA, log: $PG_LOG)";;
    stop) pg_stop;;
    status) pg_ensure_binaries; if pg_running; then echo "running on 127.0.0.1:$PG_PORT"; else echo "stopped"; exit 3; fi;;
    url) pg_url "${2:-crowdfund}";;
    psql) shift; pg_start; pg_create_db crowdfund; pg_psql -d crowdfund "$@";;
    *) echo "usage: infra/pg.sh start|stop|status|url [db]|psql [args]" >&2; exit 2;;
  esac
fi
