#!/usr/bin/env bash
# Server benchmarks (loopback only, about two minutes):
#   read path: wrk -t2 -c32 -d${DURATION:-8}s on timestamp.json and a 1,000-target targets.json, over HTTP and over
#              HTTPS (both servers on one throw-away ECDSA P-256 certificate; SCHEMES=http to skip TLS), against nginx
#              (Debian nginx-light, 2 workers, configured as a production front end: keep-alive without a request
#              limit, sendfile, tcp_nopush, no access log) serving the same bytes as static files; runs alternate
#              in the order server, nginx, nginx, server, server, nginx ... (${ROUNDS:-4} each, so that a drift in
#              the machine's speed favours neither) and the ratio of the medians is printed;
#   publish:   adding one target to a 1,000-target collection, server-side time (Server-Timing header).
# Needs root for apt-get (installs wrk and nginx-light when missing).
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-8}
ROUNDS=${ROUNDS:-4}

need=()
command -v wrk >/dev/null || need+=(wrk)
[ -x /usr/sbin/nginx ] || need+=(nginx-light)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

work=$(mktemp -d /tmp/tuf-bench.XXXXXX)
server_pid=""; nginx_started=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  [ -n "$nginx_started" ] && /usr/sbin/nginx -c "$work/nginx.conf" -s stop 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

dotnet build src/Tuf.Server -c Release -nologo -v q >/dev/null
dotnet build tests/Tuf.Server.Tests -c Release -nologo -v q >/dev/null

port=$(free_port); tport=$(free_port)
# One throw-away certificate (ECDSA P-256) for both servers' HTTPS endpoints.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 2 \
  -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
Storage__SqliteSynchronousFull=${SQLITE_SYNC_FULL:-true} Server__DataDirectory="$work/data" Auth__AdminToken=tuf_test-admin-token \
  Kestrel__Endpoints__Http__Url="http://127.0.0.1:$port" Kestrel__Endpoints__Https__Url="https://127.0.0.1:$tport" \
  Kestrel__Endpoints__Https__Certificate__Path="$work/cert.pem" Kestrel__Endpoints__Https__Certificate__KeyPath="$work/key.pem" \
  dotnet src/Tuf.Server/bin/Release/net10.0/Tuf.Server.dll >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done

mkdir -p "$work/www"
TUF_BENCH_SERVER_URL="http://127.0.0.1:$port/" TUF_BENCH_OUT="$work/www" \
  dotnet test tests/Tuf.Server.Tests -c Release --no-build -nologo -v q --filter "FullyQualifiedName~ServerBenchWorkload" >/dev/null
chmod -R a+rX "$work"

nport=$(free_port); ntport=$(free_port)
cat >"$work/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 10000000;
  keepalive_timeout 65;
  ssl_protocols TLSv1.2 TLSv1.3;
  ssl_session_cache shared:SSL:1m;
  server {
    listen 127.0.0.1:$nport;
    listen 127.0.0.1:$ntport ssl;
    ssl_certificate $work/cert.pem;
    ssl_certificate_key $work/key.pem;
    root $work/www;
    location / { add_header Cache-Control "public, max-age=10"; }
  }
}
NGINX
/usr/sbin/nginx -c "$work/nginx.conf"
nginx_started=1

# CPU ticks (user + system) of processes: $@ = PIDs.
ticks() { for p in "$@"; do awk '{print $14 + $15}' "/proc/$p/stat"; done | awk '{t += $1} END {print t}'; }
# One wrk run against $1, whose server is the processes $2...: prints req/s, and appends the server's CPU time per
# request (microseconds, from /proc: the CPU cost of serving, which the machine's other load changes much less than
# req/s) to the file $cpu_out.
rps() {
  local url=$1; shift
  local t0 out t1
  t0=$(ticks "$@")
  out=$(wrk -t2 -c32 -d"${DURATION}s" "$url")
  t1=$(ticks "$@")
  echo "$out" | awk -v t0="$t0" -v t1="$t1" -v hz="$(getconf CLK_TCK)" '
    /requests in/ {n = $1}
    /Requests\/sec/ {r = $2}
    END {print r; printf " %.1f", (t1 - t0) / hz * 1e6 / n > "/dev/stderr"}' 2>>"$cpu_out"
}
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
path=bench.example.com/app/metadata
for scheme in ${SCHEMES:-http https}; do
  if [ "$scheme" = https ]; then sp=$tport; np=$ntport; else sp=$port; np=$nport; fi
  for f in ${FILES:-timestamp.json targets.json}; do
    surl="$scheme://127.0.0.1:$sp/$path/$f"; nurl="$scheme://127.0.0.1:$np/$path/$f"
    curl -sf --cacert "$work/cert.pem" "$surl" | cmp - "$work/www/$path/$f"   # the same bytes
    curl -sf --cacert "$work/cert.pem" "$nurl" | cmp - "$work/www/$path/$f"
    wrk -t2 -c32 -d2s "$surl" >/dev/null; wrk -t2 -c32 -d2s "$nurl" >/dev/null   # warm-up
    ss=""; ns=""; : >"$work/cpu.s"; : >"$work/cpu.n"
    nginx_pids=$(pgrep -P "$(cat "$work/nginx.pid")" | tr '\n' ' ')
    for r in $(seq "$ROUNDS"); do   # A B B A A B ...: a drift in the machine's speed favours neither side
      if [ $((r % 2)) -eq 1 ]; then
        ss="$ss $(cpu_out=$work/cpu.s rps "$surl" "$server_pid")"; ns="$ns $(cpu_out=$work/cpu.n rps "$nurl" $nginx_pids)"
      else
        ns="$ns $(cpu_out=$work/cpu.n rps "$nurl" $nginx_pids)"; ss="$ss $(cpu_out=$work/cpu.s rps "$surl" "$server_pid")"
      fi
    done
    s=$(echo "$ss" | median); n=$(echo "$ns" | median)
    cs=$(median <"$work/cpu.s"); cn=$(median <"$work/cpu.n")
    printf '%-5s %-15s CPU per request: tuf-server %s us, nginx %s us   (runs:%s |%s)\n' "$scheme" "$f" "$cs" "$cn" "$(cat "$work/cpu.s")" "$(cat "$work/cpu.n")"
    printf '%-5s %-15s tuf-server %10s req/s   nginx %10s req/s   ratio of medians %s   (runs:%s |%s)\n' "$scheme" "$f" "$s" "$n" "$(awk -v a="$s" -v b="$n" 'BEGIN{printf "%.2f", a/b}')" "$ss" "$ns"
  done
done
[ -n "${NO_PUBLISH:-}" ] || cat "$work/www/publish.txt"
