#!/usr/bin/env bash
# The server side of tests/kill-durable.sh: during a durable write-behind run on Redis and an
# SQLite file, redis-server itself is stopped with SIGSTOP for 3 s and resumed, or killed
# with SIGKILL and restarted. The run must survive (writes fail while the cache is away and
# are not acknowledged; the rest go on), and after a replay every acknowledged write must be
# in the database. The server is started as a production one holding durable queues would
# be, with an append-only file synced on every write (--appendfsync always), so it comes back
# from a kill with its lists. (The writes would survive without it too: the application's own
# queue still holds them; the list in Redis is for the day the application dies.)
#
#   tests/redis-outage-durable.sh [CLI] [ROUNDS]      (defaults: build/app/cachelab-cli, 10)
#
# Prints one summary line per kind of outage; exits 1 on a lost acknowledged write or a run
# that did not end by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
cli=$(realpath "${1:-build/app/cachelab-cli}")
rounds=${2:-10}
. tests/durable-common.sh
persistent=(--appendonly yes --appendfsync always)
start_redis "${persistent[@]}"

# 500 writes, each to a key of its own, 4 ms apart: about 2 s of work around the outage.
# (Keys of their own: a later write to the same key would hide a lost one.)
{
    echo "pattern write-behind ttl=1h flush=50ms batch=25 durable=on"
    for i in $(seq 1 500); do
        echo "write k$i $i"
        echo "wait 4ms"
    done
    echo "settle"
} > "$work/writes.cls"
printf 'pattern write-behind ttl=1h flush=50ms batch=25 durable=on\nsettle\n' > "$work/replay.cls"

status=0
for outage in stop kill; do
    acked=0 lost=0 hung=0 failed_writes=0
    for n in $(seq 1 "$rounds"); do
        rm -f "$work/db.sqlite" "$work/acks.jsonl"
        "$cli" run "$work/writes.cls" --redis "redis://127.0.0.1:$port" --prefix "outage:" \
            --db "$work/db.sqlite" --ack-log "$work/acks.jsonl" --discard-queue --json \
            > "$work/run.json" 2>/dev/null &
        cli_pid=$!
        sleep "0.$((RANDOM % 5 + 2))"
        if [ "$outage" = stop ]; then
            kill -STOP "$redis_pid"
            sleep 3
            kill -CONT "$redis_pid"
        else
            kill -9 "$redis_pid"
            wait "$redis_pid" 2>/dev/null || true
            sleep 0.5
            start_redis "${persistent[@]}" # the same port, the same append-only file
        fi
        # The run must end by itself (exit 1: its calls failed while nothing asked them to).
        for _ in $(seq 600); do kill -0 "$cli_pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$cli_pid" 2>/dev/null; then
            hung=$((hung + 1))
            kill -9 "$cli_pid"
        fi
        wait "$cli_pid" 2>/dev/null || true
        failed_writes=$((failed_writes + $(python3 -c \
            'import json,sys; print(json.load(open(sys.argv[1])).get("metrics", {}).get("errors", 0))' \
            "$work/run.json" 2>/dev/null || echo 0)))
        "$cli" run "$work/replay.cls" --redis "redis://127.0.0.1:$port" --prefix "outage:" \
            --db "$work/db.sqlite" --keep-db --keep-cache > /dev/null 2>&1 || true
        read -r l _ _ < <(check_acks "$work/acks.jsonl" "$work/db.sqlite")
        acked=$((acked + $(grep -c . "$work/acks.jsonl" || true)))
        lost=$((lost + l))
    done
    echo "redis $outage: $rounds runs, $acked writes acknowledged, $failed_writes failed calls" \
        "during the outages, $hung runs that did not end, $lost keys behind their last acknowledged write"
    [ "$lost" -eq 0 ] && [ "$hung" -eq 0 ] || status=1
done
exit $status
