#!/usr/bin/env bash
# run-fuzzers.sh BUILD_DIR SECONDS [TARGET…]: runs each fuzz target for SECONDS of wall time
# on a corpus seeded from the demos and lessons (kept in BUILD_DIR/fuzz-corpus, so longer runs
# build on shorter ones), and prints executions and findings per target. Exit 1 on a finding;
# the input that caused it is left in BUILD_DIR/fuzz-findings/.
set -uo pipefail
cd "$(dirname "$0")/../.."
build=$1
seconds=$2
shift 2
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_scenario fuzz_lesson fuzz_session fuzz_values)

seed() {
    local target=$1 corpus=$2
    mkdir -p "$corpus"
    case $target in
        fuzz_scenario) cp resources/scenarios/*.cls "$corpus"/ ;;
        fuzz_lesson) cp resources/lessons/*.cls resources/lessons/de/*.cls "$corpus"/ 2>/dev/null
                     for f in resources/lessons/de/*.cls; do cp "$f" "$corpus/de-$(basename "$f")"; done ;;
        fuzz_session) for f in tests/fuzz/corpus/session/*; do cp "$f" "$corpus"/; done ;;
        fuzz_values) for f in tests/fuzz/corpus/values/*; do cp "$f" "$corpus"/; done ;;
    esac
}

status=0
total=0
export ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
mkdir -p "$build/fuzz-findings"
for target in "${targets[@]}"; do
    corpus="$build/fuzz-corpus/$target"
    [ -d "$corpus" ] || seed "$target" "$corpus"
    log="$build/fuzz-findings/$target.log"
    dict=()
    maxlen=8192
    case $target in
        fuzz_scenario | fuzz_lesson) dict=(-dict=tests/fuzz/scenario.dict) ;;
        fuzz_session) dict=(-dict=tests/fuzz/json.dict); maxlen=65536 ;; # sessions are 10-20 KB
    esac
    "$build/tests/fuzz/$target" "$corpus" "${dict[@]}" -max_total_time="$seconds" -timeout=20 \
        -rss_limit_mb=2048 -max_len=$maxlen -print_final_stats=1 \
        -artifact_prefix="$build/fuzz-findings/$target-" > "$log" 2>&1
    rc=$?
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    runs=${runs:-0}
    total=$((total + runs))
    if [ $rc -ne 0 ]; then
        status=1
        echo "$target: FINDING after $runs executions (see $log)"
        grep -m3 -E 'ERROR|runtime error|deadly signal|timeout' "$log"
    else
        echo "$target: $runs executions in ${seconds}s, no findings (corpus $(ls "$corpus" | wc -l) inputs)"
    fi
done
echo "fuzzing: $total executions in all"
exit $status
