# shellcheck shell=bash
# Sourced by scripts/bench: every process the benchmark starts is tracked by pid and stopped when
# the (sub)shell that started it exits, however it exits.
#
#   bench_track PID...      remember PIDs
#   bench_untrack PID       forget one (it was stopped and reaped already)
#   bench_stop PID [SIG]    SIG (TERM) to PID, wait up to 60 s for it to go, then SIGKILL
#   bench_stop_all          bench_stop on everything tracked, newest first (the EXIT trap)
#   bench_spawn LOG CMD...  run CMD in the background with output to LOG; its pid in BENCH_PID

BENCH_PIDS=()

bench_track() {
    BENCH_PIDS+=("$@")
}

bench_untrack() {
    local kept=() pid
    for pid in "${BENCH_PIDS[@]}"; do
        [[ "$pid" == "$1" ]] || kept+=("$pid")
    done
    BENCH_PIDS=("${kept[@]}")
}

bench_stop() {
    local pid="$1" signal="${2:-TERM}"
    kill -0 "$pid" 2>/dev/null || return 0
    kill -"$signal" "$pid" 2>/dev/null || true
    # 60 s: a run of scripts/bench stops its own processes (rolld, nginx) before it exits.
    if ! rolld_wait_pid_gone "$pid" 60; then
        echo "bench: pid $pid still running 60 s after SIG$signal; killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
        rolld_wait_pid_gone "$pid" 5 || echo "bench: pid $pid did not exit" >&2
    fi
    wait "$pid" 2>/dev/null || true
}

bench_stop_all() {
    local i
    for ((i = ${#BENCH_PIDS[@]} - 1; i >= 0; i--)); do
        bench_stop "${BENCH_PIDS[i]}"
    done
    BENCH_PIDS=()
}

bench_spawn() {
    local log="$1"
    shift
    "$@" >"$log" 2>&1 &
    BENCH_PID=$!
    bench_track "$BENCH_PID"
}

# Microseconds since the epoch of an ISO-8601 log timestamp (2026-01-02T03:04:05.678Z).
bench_log_time_us() {
    date -d "$1" +%s%6N
}

# Waits up to $2 seconds until file $1 has at least $3 lines matching $4; returns 1 on timeout.
# The file may not exist yet (its writer was just started in the background): that counts as 0.
bench_wait_lines() {
    local file="$1" deadline=$((SECONDS + $2)) count="$3" pattern="$4" found
    while true; do
        found="$(grep -c -- "$pattern" "$file" 2>/dev/null)" || true
        ((${found:-0} >= count)) && return 0
        ((SECONDS < deadline)) || return 1
        sleep 0.02
    done
}
