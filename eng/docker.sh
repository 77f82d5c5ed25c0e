#!/usr/bin/env bash
# Throw-away Docker engine, one-node swarm and local registry for tests and local runs (loopback only).
#
#   eng/docker.sh start [DIR]   install Debian's docker.io, docker-registry and busybox-static when missing (as root),
#                               start dockerd with its own data/exec roots and socket in DIR (default: a new temp
#                               folder; vfs storage, no iptables, no bridge), `docker swarm init`, start a registry on
#                               a free 127.0.0.1 port, build a busybox root file system for `docker import`, and print:
#                                 DOCKER_HOST=unix://DIR/docker.sock
#                                 REGISTRY=127.0.0.1:PORT
#                                 ROOTFS=DIR/rootfs.tar
#                                 DIR=DIR
#   eng/docker.sh stop DIR      stop that registry and dockerd (by their PIDs) and delete DIR
#
# With TUF_DOCKER_OWNER_PID set, a detached watcher runs `stop` when that process ends (a killed test run never
# leaves a daemon behind). Exit code 3 means docker cannot run here (not root, no kernel support): tests skip.
set -euo pipefail

die() { echo "docker.sh: $*" >&2; exit "${2:-1}"; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_for() { # seconds, command...
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

stop_dir() {
  local dir=$1 pid
  for f in registry.pid docker.pid; do
    if [ -f "$dir/$f" ]; then
      pid=$(cat "$dir/$f")
      if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
      fi
    fi
  done
  # dockerd leaves bind mounts (network namespaces, ...) under its roots: unmount them before deleting.
  { grep -F " $dir/" /proc/mounts 2>/dev/null || true; } | awk '{print $2}' | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$dir"
}

cmd=${1:-start}
case "$cmd" in
  start)
    [ "$(id -u)" = "0" ] || die "dockerd needs root here" 3
    need=()
    command -v dockerd >/dev/null || need+=(docker.io)
    command -v docker-registry >/dev/null || need+=(docker-registry)
    [ -x /bin/busybox ] || [ -x /usr/bin/busybox ] || need+=(busybox-static)
    if [ ${#need[@]} -gt 0 ]; then
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >&2 || true
      apt-get install -y -qq --no-install-recommends "${need[@]}" >&2 || die "apt-get install ${need[*]} failed" 3
    fi
    command -v docker >/dev/null || die "no docker CLI" 3
    dir=${2:-$(mktemp -d /tmp/tuf-docker.XXXXXX)}
    mkdir -p "$dir"
    dockerd --data-root "$dir/data" --exec-root "$dir/exec" -H "unix://$dir/docker.sock" --pidfile "$dir/docker.pid" \
      --storage-driver vfs --iptables=false --ip-masq=false --bridge=none >"$dir/dockerd.log" 2>&1 &
    export DOCKER_HOST="unix://$dir/docker.sock"
    if ! wait_for 60 docker info; then
      tail -n 20 "$dir/dockerd.log" >&2 || true
      stop_dir "$dir"
      die "dockerd did not start" 3
    fi
    # Its own swarm ports, so that it never collides with another daemon on this machine.
    swarm_port=$(free_port)
    data_port=$(python3 -c '
import random, socket
for _ in range(200):
    p = random.randint(20000, 49151)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(("0.0.0.0", p)); print(p); break
    except OSError:
        pass
    finally:
        s.close()')
    docker swarm init --advertise-addr "127.0.0.1:$swarm_port" --listen-addr "127.0.0.1:$swarm_port" --data-path-port "$data_port" >"$dir/swarm.log" 2>&1 || { cat "$dir/swarm.log" >&2; stop_dir "$dir"; die "docker swarm init failed" 3; }

    port=$(free_port)
    cat >"$dir/registry.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/registry
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
YAML
    docker-registry serve "$dir/registry.yml" >"$dir/registry.log" 2>&1 &
    echo $! >"$dir/registry.pid"
    wait_for 30 curl -sf "http://127.0.0.1:$port/v2/" || { cat "$dir/registry.log" >&2; stop_dir "$dir"; die "the registry did not start"; }

    # A busybox root file system: /busybox plus /bin/sh, enough for `docker import -c CMD ...` images.
    busybox=$(command -v busybox)
    mkdir -p "$dir/rootfs/bin"
    cp "$busybox" "$dir/rootfs/busybox"
    ln -sf /busybox "$dir/rootfs/bin/sh"
    tar -C "$dir/rootfs" -cf "$dir/rootfs.tar" .

    echo "DOCKER_HOST=unix://$dir/docker.sock"
    echo "REGISTRY=127.0.0.1:$port"
    echo "ROOTFS=$dir/rootfs.tar"
    echo "DIR=$dir"
    if [ -n "${TUF_DOCKER_OWNER_PID:-}" ]; then
      setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; "$2" stop "$3"' _ \
        "$TUF_DOCKER_OWNER_PID" "$(readlink -f "$0")" "$dir" </dev/null >/dev/null 2>&1 &
    fi
    ;;
  stop)
    dir=${2:-}
    [ -n "$dir" ] && [ -d "$dir" ] || die "usage: docker.sh stop DIR"
    stop_dir "$dir"
    ;;
  *)
    die "usage: docker.sh start [DIR] | stop DIR" 2
    ;;
esac
