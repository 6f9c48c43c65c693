#!/usr/bin/env bash
# Starts a private redis-server on a free loopback port, then prints three figures measured in
# the same run: raw hiredis GETs/s, cache-aside pattern reads/s (both from bench_redis, one
# connection), and redis-benchmark -c 1 -n 100000 -t get.
#
#   tests/bench/bench_redis.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build}
port=""
for candidate in $(shuf -i 20000-60000 -n 50); do
    if ! (exec 3<>/dev/tcp/127.0.0.1/$candidate) 2>/dev/null; then port=$candidate; break; fi
done
[ -n "$port" ] || { echo "no free port found" >&2; exit 1; }
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no > /dev/null &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do redis-cli -p "$port" ping > /dev/null 2>&1 && break; sleep 0.05; done

"$build/tests/bench/bench_redis" "$port" 100000
printf 'redis-benchmark -c 1 -n 100000 -t get: '
redis-benchmark -p "$port" -c 1 -n 100000 -t get -q | tr -d '\r' | grep -o 'GET: [0-9.]* requests per second'
