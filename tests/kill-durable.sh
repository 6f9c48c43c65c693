#!/usr/bin/env bash
# Proves from outside that a durable write-behind queue loses no acknowledged write: runs
# cachelab-cli on a real redis-server (started here on a free loopback port) and an SQLite
# file, kills it with SIGKILL at a random moment, restarts it to replay the queue, and checks
# the database against the --ack-log the killed run wrote. Then the same with durable=off,
# where the lesson on lost writes says writes are lost: the script counts them.
#
#   tests/kill-durable.sh [CLI] [KILLS]      (defaults: build/app/cachelab-cli, 200)
#
# Prints one summary line per mode; exits 1 if a durable run lost an acknowledged write.
# The embedded store lives in the killed process itself, so only a real Redis can keep a
# durable queue across a kill -9: that is what durable=on is for.
set -euo pipefail
cd "$(dirname "$0")/.."
cli=$(realpath "${1:-build/app/cachelab-cli}")
kills=${2:-200}
. tests/durable-common.sh
start_redis --appendonly no
url="redis://127.0.0.1:$port"

# 400 writes to 20 keys, 2 ms apart, flushed in batches every 50 ms: about a second of work,
# so a kill lands with writes queued, in flight and being flushed. Value i is the i-th write.
writes() {
    local durable=$1
    echo "pattern write-behind ttl=1h flush=50ms batch=25 durable=$durable"
    for i in $(seq 1 400); do
        echo "write k$((i % 20)) $i"
        echo "wait 2ms"
    done
    echo "settle"
}
writes on > "$work/durable-on.cls"
writes off > "$work/durable-off.cls"
printf 'pattern write-behind ttl=1h flush=50ms batch=25 durable=%s\nsettle\n' on \
    > "$work/replay-on.cls"
printf 'pattern write-behind ttl=1h flush=50ms batch=25 durable=%s\nsettle\n' off \
    > "$work/replay-off.cls"

run_mode() {
    local durable=$1
    local killed=0 acked_total=0 lost_keys=0 runs_with_loss=0 failures=0
    for n in $(seq 1 "$kills"); do
        rm -f "$work/db.sqlite" "$work/acks.jsonl"
        "$cli" run "$work/durable-$durable.cls" --redis "$url" --prefix "kill:" \
            --db "$work/db.sqlite" --ack-log "$work/acks.jsonl" --discard-queue \
            > /dev/null 2>&1 &
        local pid=$!
        # A random moment inside the run (it takes about a second).
        sleep "0.$(printf '%03d' $((RANDOM % 900 + 50)))"
        local was_killed=0 status=0
        kill -9 "$pid" 2>/dev/null && was_killed=1
        wait "$pid" 2>/dev/null || status=$?
        if [ "$was_killed" -eq 1 ]; then
            killed=$((killed + 1))
        elif [ "$status" -ne 0 ]; then
            # It ended before the kill: it must have ended well.
            echo "kill-durable: run $n exited with status $status before the kill" >&2
            failures=$((failures + 1))
        fi
        [ -f "$work/db.sqlite" ] || continue # killed before it opened the file
        # The restart: same prefix, same file; the durable queue is replayed and flushed.
        "$cli" run "$work/replay-$durable.cls" --redis "$url" --prefix "kill:" \
            --db "$work/db.sqlite" --keep-db --keep-cache > /dev/null 2>&1 || true
        [ -f "$work/acks.jsonl" ] || continue
        read -r lost keys behind < <(check_acks "$work/acks.jsonl" "$work/db.sqlite")
        acked_total=$((acked_total + $(grep -c . "$work/acks.jsonl" || true)))
        lost_keys=$((lost_keys + lost))
        [ "$lost" -gt 0 ] && runs_with_loss=$((runs_with_loss + 1))
    done
    echo "durable=$durable: $kills runs, $killed killed mid-run, $acked_total writes acknowledged," \
        "$runs_with_loss runs lost acknowledged writes ($lost_keys keys behind their last acknowledged write)"
    [ "$failures" -eq 0 ] && { [ "$durable" = off ] || [ "$runs_with_loss" -eq 0 ]; }
}

status=0
run_mode on || status=1
run_mode off
exit $status
