# shellcheck shell=bash
# Sourced by scripts/bench: figures of the rolld daemon itself (--daemon). Prints markdown.
#   idle CPU and RSS: rolld with the example group of 4 workers, nothing happening, --idle-seconds
#   `rolld status`: wall time of the command (a JVM start plus one control-socket round trip), and
#                   the round trip alone (scripts/lib/bench/net.py speaking the control protocol)
#   scale: one group of --scale-workers tiny workers, rolled once; time beyond the app's own start
# It uses the globals of scripts/bench (root, bench, install, ...), which sources it.
# shellcheck disable=SC2154

# CPU seconds (user + system) rolld has used so far, from /proc/PID/stat.
bench_cpu_seconds() {
    # Fields 14 and 15 (utime, stime) in clock ticks; the name in field 2 has no spaces here.
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f\n", ($14 + $15) / hz }' "/proc/$1/stat"
}

bench_rss_mib() {
    awk '/^VmRSS:/ { printf "%.1f\n", $2 / 1024 }' "/proc/$1/status"
}

bench_daemon_idle_and_status() {
    local cpu_before cpu_after i start_us times=() median low high
    bench_rolld_config "$BENCH_PYTHON app.py {numproc}" "$(bench_worksets)"
    bench_rolld_start
    sleep 5 # let the JVM settle after the first start
    cpu_before="$(bench_cpu_seconds "$BENCH_ROLLD_PID")"
    sleep "$idle_seconds"
    cpu_after="$(bench_cpu_seconds "$BENCH_ROLLD_PID")"
    echo "| rolld idle CPU, 4 workers, over ${idle_seconds} s | $(awk -v a="$cpu_before" -v b="$cpu_after" -v s="$idle_seconds" 'BEGIN { printf "%.2f %%", 100 * (b - a) / s }') |"
    echo "| rolld RSS (VmRSS), idle with 4 workers | $(bench_rss_mib "$BENCH_ROLLD_PID") MiB |"

    # Untimed: the first client run after a build records the client's AOT cache (scripts/rolld).
    "$root/scripts/rolld" status -c "$BENCH_DIR/rolld.yml" >/dev/null
    for ((i = 0; i < 20; i++)); do
        start_us="$(date +%s%6N)"
        "$root/scripts/rolld" status -c "$BENCH_DIR/rolld.yml" >/dev/null
        times+=($((($(date +%s%6N) - start_us) / 1000)))
    done
    echo "| \`rolld status\` wall time (a JVM start + one round trip), median of 20 (min–max) | $(printf '%s\n' "${times[@]}" | sort -n | awk '{ v[NR] = $1 } END { printf "%d ms (%d–%d)", v[int((NR + 1) / 2)], v[1], v[NR] }') |"
    read -r median low high < <("$BENCH_PYTHON" "$bench/net.py" status-round-trip "$BENCH_DIR/rolld/rolld.sock" 20)
    echo "| status round trip on the control socket alone, median of 20 (min–max) | $median ms ($low–$high) |"
    times=()
    for ((i = 0; i < 10; i++)); do
        start_us="$(date +%s%6N)"
        "$root/scripts/rolld" restart -c "$BENCH_DIR/rolld.yml" >/dev/null
        times+=($((($(date +%s%6N) - start_us) / 1000)))
    done
    echo "| \`rolld restart\` wall time (returns once rolld accepted; rollouts run meanwhile), median of 10 (min–max) | $(printf '%s\n' "${times[@]}" | sort -n | awk '{ v[NR] = $1 } END { printf "%d ms (%d–%d)", v[int((NR + 1) / 2)], v[1], v[NR] }') |"
    bench_rolld_stop
}

bench_daemon_scale() {
    local ports a b app_ms line switched_ms total_ms own_ms
    mapfile -t ports < <(bench_free_ports $((2 * scale_workers)))
    a="${ports[*]:0:scale_workers}" b="${ports[*]:scale_workers}"
    app_ms="$("$BENCH_PYTHON" "$bench/net.py" app-start-ms "$bench/tiny_app.py" "$scale_workers")"
    cat >"$BENCH_DIR/rolld.yml" <<EOT
rolld:
  control_socket: '$BENCH_DIR/rolld/rolld.sock'
  pid_file: '$BENCH_DIR/rolld/rolld.pid'
  state_file: '$BENCH_DIR/rolld/state.json'
tiny:
  cmd: '$BENCH_PYTHON tiny_app.py {numproc}'
  directory: '$bench'
  workset:
    - numprocs: [${a// /, }]
    - numprocs: [${b// /, }]
  smoke_test:
    - check_all_http_ports: numprocs
  stop_timeout: 15s
EOT
    bench_rolld_start
    line="$(bench_rolld_restart DRAINING)"
    read -r _ _ total_ms switched_ms own_ms <<<"$line"
    echo "| scale: $scale_workers tiny workers, the app's own start ($scale_workers at once, exec to all accepting) | ${app_ms%.*} ms |"
    echo "| scale: HUP to the new set serving (rolld's log) / to the old set gone | $switched_ms ms / $total_ms ms |"
    echo "| scale: rolld's time beyond the app's own start | $((switched_ms - ${app_ms%.*})) ms |"
    echo "| scale: rolld's own time in the rollout (own_ms of its IDLE transition) | $own_ms ms |"
    bench_rolld_stop
}

# Each part in a subshell of its own, which stops what it started.
bench_daemon_figures() {
    local part
    echo "| rolld itself | measured |"
    echo "|---|---|"
    for part in idle_and_status scale; do
        (
            BENCH_PIDS=()
            trap bench_stop_all EXIT
            trap 'exit 130' INT
            trap 'exit 143' TERM
            BENCH_DIR="$1/daemon-${part//_/-}"
            mkdir -p "$BENCH_DIR"
            "bench_daemon_$part"
        ) &
        bench_track $!
        wait $! || echo "| $part | failed, see $1/daemon-${part//_/-} |"
    done
}

# rolld's own cost as one group grows (--flat SIZES): a group of N `sleep` workers, in load-balancer
# mode (two worksets of N free ports, no smoke test) and in held-socket mode (`workers: N`, ready
# once alive 100 ms), each size with a rolld of its own. `sleep` costs nothing to start, so what is
# measured is rolld: its own time in one rollout (own_ms), HUP to the new set serving (DRAINING in
# load-balancer mode; SWITCHING in held-socket mode, 100 ms of it the ready rule), idle CPU over
# --idle-seconds, RSS and threads once idle, `rolld status` wall time (median of 5). One table row each.
bench_flat_row() {
    local mode="$1" n="$2" ports a b mode_lines line total_ms switched_ms own_ms cpu_before cpu_after i start_us times=() threads rss
    if [[ "$mode" == workset ]]; then
        mapfile -t ports < <(bench_free_ports $((2 * n)))
        a="${ports[*]:0:n}" b="${ports[*]:n}"
        mode_lines="  workset:
    - numprocs: [${a// /, }]
    - numprocs: [${b// /, }]"
    else
        mode_lines="  listen: 127.0.0.1:$(bench_free_ports 1)
  workers: $n
  ready: alive 100ms"
    fi
    cat >"$BENCH_DIR/rolld.yml" <<EOT
rolld:
  control_socket: '$BENCH_DIR/rolld/rolld.sock'
  pid_file: '$BENCH_DIR/rolld/rolld.pid'
  state_file: '$BENCH_DIR/rolld/state.json'
sleepers:
  cmd: 'sleep 3600'
  directory: '$BENCH_DIR'
  stop_timeout: 15s
  ready_timeout: 120s
$mode_lines
EOT
    bench_rolld_start
    sleep 5 # the first start's work done, the JVM settled
    cpu_before="$(bench_cpu_seconds "$BENCH_ROLLD_PID")"
    sleep "$idle_seconds"
    cpu_after="$(bench_cpu_seconds "$BENCH_ROLLD_PID")"
    threads="$(awk '/^Threads:/ { print $2 }' "/proc/$BENCH_ROLLD_PID/status")"
    rss="$(bench_rss_mib "$BENCH_ROLLD_PID")"
    "$root/scripts/rolld" status -c "$BENCH_DIR/rolld.yml" >/dev/null # untimed: may record the client's AOT cache
    for ((i = 0; i < 5; i++)); do
        start_us="$(date +%s%6N)"
        "$root/scripts/rolld" status -c "$BENCH_DIR/rolld.yml" >/dev/null
        times+=($((($(date +%s%6N) - start_us) / 1000)))
    done
    line="$(bench_rolld_restart "$([[ "$mode" == workset ]] && echo DRAINING || echo SWITCHING)")"
    read -r _ _ total_ms switched_ms own_ms <<<"$line"
    printf '| %s | %d | %s ms | %s ms | %s | %s MiB | %s | %s ms |\n' "$([[ "$mode" == workset ]] && echo load-balancer || echo held-socket)" \
        "$n" "$own_ms" "$switched_ms" \
        "$(awk -v a="$cpu_before" -v b="$cpu_after" -v s="$idle_seconds" 'BEGIN { printf "%.2f %%", 100 * (b - a) / s }')" \
        "$rss" "$threads" "$(printf '%s\n' "${times[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"
    bench_rolld_stop
}

bench_flat() {
    local mode n
    echo "| mode | workers | rolld's own time per rollout (own_ms) | HUP to the new set serving | idle CPU over ${idle_seconds} s | RSS idle | threads idle | \`rolld status\` (median of 5) |"
    echo "|---|---|---|---|---|---|---|---|"
    for mode in workset held; do
        for n in ${1//,/ }; do
            (
                BENCH_PIDS=()
                trap bench_stop_all EXIT
                trap 'exit 130' INT
                trap 'exit 143' TERM
                BENCH_DIR="$2/flat-$mode-$n"
                mkdir -p "$BENCH_DIR"
                bench_flat_row "$mode" "$n"
            ) &
            bench_track $!
            wait $! || echo "| $mode | $n | failed, see $2/flat-$mode-$n | | | | | |"
        done
    done
}
