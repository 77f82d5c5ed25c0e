#!/usr/bin/env bash
# Throw-away PostgreSQL cluster for tests and local runs (loopback only).
#
#   eng/postgres.sh start [DIR]   install Debian's postgresql when missing, initdb a cluster in DIR (default: a new
#                                 temp folder), start it on a free 127.0.0.1 port, print one line:
#                                 CONNECTION=Host=127.0.0.1;Port=...;Username=postgres;Database=postgres
#                                 DIR=<cluster folder>
#   eng/postgres.sh stop DIR      stop that cluster and delete DIR
#
# With TUF_PG_OWNER_PID set, a detached watcher stops the cluster when that process ends (so a killed test run
# never leaves a cluster behind).
#
# The cluster runs as the `postgres` OS user (initdb refuses root) with trust auth on loopback only.
set -euo pipefail

die() { echo "postgres.sh: $*" >&2; exit 1; }

find_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

as_pg() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  # Ask the kernel for a free ephemeral port on loopback.
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null && return
  local p
  for _ in $(seq 1 50); do
    p=$(( (RANDOM % 20000) + 30000 ))
    if ! (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  die "no free port found"
}

cmd=${1:-start}
case "$cmd" in
  start)
    bin=$(find_bin || true)
    if [ -z "$bin" ]; then
      [ "$(id -u)" = "0" ] || die "postgresql is not installed and we are not root (apt-get install postgresql)"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >&2 || true
      apt-get install -y -qq --no-install-recommends postgresql >&2 || die "apt-get install postgresql failed"
      bin=$(find_bin || true)
      [ -n "$bin" ] || die "initdb not found after installing postgresql"
    fi
    dir=${2:-$(mktemp -d /tmp/tuf-pg.XXXXXX)}
    mkdir -p "$dir"
    if [ "$(id -u)" = "0" ]; then
      id postgres >/dev/null 2>&1 || die "the postgres OS user does not exist"
      chown postgres: "$dir"
    fi
    chmod 700 "$dir"
    as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    for attempt in 1 2 3 4 5; do
      port=$(free_port)
      if as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
           -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c fsync=off -c max_connections=200" start >/dev/null 2>&1; then
        echo "CONNECTION=Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
        echo "DIR=$dir"
        if [ -n "${TUF_PG_OWNER_PID:-}" ]; then
          setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; "$2" stop "$3"' _ \
            "$TUF_PG_OWNER_PID" "$(readlink -f "$0")" "$dir" </dev/null >/dev/null 2>&1 &
        fi
        exit 0
      fi
    done
    cat "$dir/server.log" >&2 2>/dev/null || true
    die "pg_ctl start failed"
    ;;
  stop)
    dir=${2:-}
    [ -n "$dir" ] && [ -d "$dir/data" ] || die "usage: postgres.sh stop DIR"
    bin=$(find_bin || true)
    [ -n "$bin" ] && as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    case "$dir" in /tmp/tuf-pg.*) rm -rf "$dir" ;; esac
    ;;
  *) die "usage: postgres.sh start [DIR] | stop DIR" ;;
esac
