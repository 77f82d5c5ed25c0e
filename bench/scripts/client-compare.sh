#!/usr/bin/env bash
# Side-by-side cold `tuf download` runs of two or more builds of the tuf executable, in one hyperfine invocation per
# workload (same server, same load conditions). Workloads come from client-bench.sh's generator.
#
#   bench/scripts/client-compare.sh BIN[,BIN...] [workload...]   (default workloads: small targets100k roots200 big100m)
#
# Env: RUNS (default 10), WARMUP (default 2), WORK (default /tmp/tuf-client-bench).
set -euo pipefail
cd "$(dirname "$0")/../.."
IFS=, read -r -a bins <<<"$1"; shift
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-2}
WORK=${WORK:-/tmp/tuf-client-bench}
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(small targets100k roots200 big100m)
GEN="dotnet $PWD/bench/Tuf.Benchmarks/bin/Release/net10.0/Tuf.Benchmarks.dll client-workload"

server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true; }
trap cleanup EXIT

for w in "${workloads[@]}"; do
  repo="$WORK/$w"
  [ -f "$repo/target.txt" ] || $GEN "$w" "$repo"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  python3 -m http.server "$port" --bind 127.0.0.1 --directory "$repo" >/dev/null 2>&1 &
  server_pid=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/root.json" >/dev/null 2>&1 && break; sleep 0.1; done
  target=$(cat "$repo/target.txt")
  run="$WORK/run-$w"
  args="download --root $repo/root.json --metadata-url http://127.0.0.1:$port/metadata/ --targets-url http://127.0.0.1:$port/targets/ --metadata-dir $run/md --target-dir $run/td $target"
  echo "== $w"
  cmds=()
  for b in "${bins[@]}"; do
    rm -rf "$run"; "$b" $args >/dev/null    # must succeed
    cmds+=("$b $args")
  done
  hyperfine -N --style basic --runs "$RUNS" --warmup "$WARMUP" --prepare "rm -rf $run" "${cmds[@]}" 2>&1 \
    | grep -E "^Benchmark|Time|Range" | sed -E 's/ download --root.*//'
  for b in "${bins[@]}"; do
    rm -rf "$run"; echo "$b: $(/usr/bin/time -f "peak RSS %M KB" "$b" $args 2>&1 >/dev/null | tail -1)"
  done
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
done
