# Shared by tests/kill-durable.sh and tests/redis-outage-durable.sh (sourced, not run, from
# the repository's root). Makes the temporary folder $work, and on exit removes it and stops
# the redis-server started here (woken first, should it be stopped); sets $redis_pid, $port.

work=$(mktemp -d)
redis_pid=""
port=""
cleanup() {
    [ -n "$redis_pid" ] && kill -CONT "$redis_pid" 2>/dev/null && kill "$redis_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# Starts redis-server on $port if set, else on a free loopback port; extra arguments go to
# the server (persistence, say). Ready once it answers PING.
start_redis() {
    local candidates=${port:-$(shuf -i 20000-40000 -n 50)}
    for p in $candidates; do
        redis-server --port "$p" --bind 127.0.0.1 --save "" --dir "$work" "$@" \
            > "$work/redis.log" 2>&1 &
        redis_pid=$!
        for _ in $(seq 100); do
            redis-cli -p "$p" ping > /dev/null 2>&1 && { port=$p; return 0; }
            kill -0 "$redis_pid" 2>/dev/null || break
            sleep 0.05
        done
        kill "$redis_pid" 2>/dev/null || true
        redis_pid=""
    done
    echo "$(basename "$0"): could not start redis-server" >&2
    exit 1
}

# Compares an --ack-log with the SQLite file after the replay. Prints "LOST KEYS BEHIND":
# keys whose row holds an older write than the last one acknowledged for it, keys
# acknowledged, and by how many writes the lost keys are behind. Values are the writes'
# numbers (write i stores "i"). A line cut short by a kill was never a complete
# acknowledgement and is skipped.
check_acks() {
    python3 - "$1" "$2" <<'PY'
import json, sqlite3, sys
acked = {}
for line in open(sys.argv[1]):
    try:
        entry = json.loads(line)
    except ValueError:
        continue
    acked[entry["key"]] = max(acked.get(entry["key"], 0), int(entry["value"]))
held = {k: int(v) for k, v in sqlite3.connect(sys.argv[2]).execute(
    "SELECT key, CAST(value AS TEXT) FROM records")}
lost = {k: v - held.get(k, 0) for k, v in acked.items() if held.get(k, 0) < v}
print(len(lost), len(acked), sum(lost.values()))
PY
}
