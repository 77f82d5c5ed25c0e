#!/usr/bin/env bash
# Whole-process cold runs of `tuf download` against a loopback static server (python3 http.server):
# empty metadata and target dirs before every run; refresh + one target. See bench/README.md "Client".
#
#   bench/scripts/client-bench.sh [workload...]     (default: small targets100k bins1024 roots200 big100m)
#
# Env: RUNS (default 10), WARMUP (default 2), WORK (default /tmp/tuf-client-bench), SKIP_BUILD=1 to reuse artifacts/cli,
#      SERVER=nginx to serve with nginx (Debian nginx-light: keep-alive HTTP/1.1, sendfile) instead of python3 http.server.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-2}
WORK=${WORK:-/tmp/tuf-client-bench}
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(small targets100k bins1024 roots200 big100m)

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  dotnet publish src/Tuf.Cli -c Release -o artifacts/cli -nologo -v q >/dev/null
  dotnet build bench/Tuf.Benchmarks -c Release -nologo -v q >/dev/null
fi
TUF="$PWD/artifacts/cli/tuf"
GEN="dotnet $PWD/bench/Tuf.Benchmarks/bin/Release/net10.0/Tuf.Benchmarks.dll client-workload"

server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true; }
trap cleanup EXIT

for w in "${workloads[@]}"; do
  repo="$WORK/$w"
  [ -f "$repo/target.txt" ] || $GEN "$w" "$repo"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  if [ "${SERVER:-python}" = nginx ]; then
    mkdir -p "$WORK/nginx-$w"
    cat > "$WORK/nginx-$w/nginx.conf" <<EOF
worker_processes 1;
user root;
pid $WORK/nginx-$w/nginx.pid;
error_log $WORK/nginx-$w/error.log;
events { worker_connections 256; }
http { access_log off; sendfile on; default_type application/octet-stream;
  client_body_temp_path $WORK/nginx-$w; proxy_temp_path $WORK/nginx-$w; fastcgi_temp_path $WORK/nginx-$w;
  uwsgi_temp_path $WORK/nginx-$w; scgi_temp_path $WORK/nginx-$w;
  server { listen 127.0.0.1:$port; root $repo; } }
EOF
    nginx -c "$WORK/nginx-$w/nginx.conf" -p "$WORK/nginx-$w" -g 'daemon off;' >/dev/null 2>&1 &
  else
    python3 -m http.server "$port" --bind 127.0.0.1 --directory "$repo" >/dev/null 2>&1 &
  fi
  server_pid=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/root.json" >/dev/null 2>&1 && break; sleep 0.1; done
  target=$(cat "$repo/target.txt")
  run="$WORK/run-$w"
  cmd="$TUF download --root $repo/root.json --metadata-url http://127.0.0.1:$port/metadata/ --targets-url http://127.0.0.1:$port/targets/ --metadata-dir $run/md --target-dir $run/td $target"
  echo "== $w"
  # One checked run first: it must succeed.
  rm -rf "$run"; $cmd >/dev/null
  if command -v hyperfine >/dev/null; then
    hyperfine -N --style basic --runs "$RUNS" --warmup "$WARMUP" --prepare "rm -rf $run" --export-json "$WORK/$w.json" "$cmd" 2>&1 | grep -E "Time|Range"
  else
    for i in $(seq "$RUNS"); do rm -rf "$run"; s=$(date +%s.%N); $cmd >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; done
  fi
  rm -rf "$run"; /usr/bin/time -f "peak RSS %M KB" $cmd 2>&1 >/dev/null | tail -1
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
done
