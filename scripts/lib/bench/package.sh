# shellcheck shell=bash
# Sourced by scripts/bench: figures of the packaged release (--package). Prints markdown.
#   installed size: the .deb's Installed-Size, and what takes it (runtime, AOT caches, jar)
#   start time: exec of rolld to its event=ready line for the example group (4 example/app.py
#               workers, smoke test on every port), the median of 5 starts each: the packaged rolld
#               (its runtime and AOT cache), the same with the AOT cache off, and scripts/rolld (the JDK)
# It uses the globals of scripts/bench (root, bench, out, ...), which sources it.
# shellcheck disable=SC2154

# Milliseconds from the exec of LAUNCHER to rolld's event=ready (its own log timestamp); ROLLD_JAVA_OPTS as given.
bench_package_start_ms() {
    local launcher="$1" start_us ready
    rm -rf "$BENCH_DIR/rolld" "$BENCH_DIR/rolld.log"
    start_us="$(date +%s%6N)"
    bench_spawn "$BENCH_DIR/rolld.log" "$launcher" "$BENCH_DIR/rolld.yml"
    BENCH_ROLLD_PID="$BENCH_PID"
    if ! bench_wait_lines "$BENCH_DIR/rolld.log" 120 1 "event=ready "; then
        echo "bench: $launcher was not ready within 120 s:" >&2
        tail -n 20 "$BENCH_DIR/rolld.log" >&2
        return 1
    fi
    ready="$(grep -m 1 -- "event=ready " "$BENCH_DIR/rolld.log")"
    bench_rolld_stop
    echo $((($(bench_log_time_us "${ready%% *}") - start_us) / 1000))
}

# The median (and range) of 5 starts of LAUNCHER, as a table cell.
bench_package_starts() {
    local launcher="$1" times=() i
    for ((i = 0; i < 5; i++)); do
        times+=("$(bench_package_start_ms "$launcher")") || return 1
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{ t[NR] = $1 } END { printf "%d ms (%d–%d)", t[3], t[1], t[5] }'
}

bench_package_figures() {
    local dir="$1/package" deb tarball home ports a b
    mkdir -p "$dir"
    echo "bench: scripts/package --no-lintian --out $dir/dist" >&2
    "$root/scripts/package" --no-lintian --out "$dir/dist" >"$dir/package.log" 2>&1 \
        || { echo "bench: scripts/package failed:" >&2; tail -n 20 "$dir/package.log" >&2; return 1; }
    deb="$(ls "$dir"/dist/rolld_*_amd64.deb)"
    tarball="$(ls "$dir"/dist/rolld-*-linux-x86_64.tar.gz)"
    tar -xzf "$tarball" -C "$dir"
    home="$(ls -d "$dir"/rolld-*/)"
    home="${home%/}"

    echo "| the release | measured |"
    echo "|---|---|"
    echo "| package | $(basename "$deb"): $(du -h "$deb" | cut -f1) to download, Installed-Size $(($(dpkg-deb -f "$deb" Installed-Size) / 1024)) MiB: runtime $(du -sm "$home/runtime" | cut -f1) MiB, AOT caches $(($(du -sk "$home/lib/daemon.aot" | cut -f1) / 1024)) + $(($(du -sk "$home/lib/client.aot" | cut -f1) / 1024)) MiB (daemon + client), jar $(($(du -sk "$home/lib/rolld.jar" | cut -f1) / 1024)) MiB |"

    (  # its own pids: every rolld started here is stopped when it ends, however it ends
        BENCH_PIDS=()
        trap bench_stop_all EXIT
        BENCH_DIR="$dir/start"
        mkdir -p "$BENCH_DIR/logs"
        mapfile -t ports < <(bench_free_ports $((2 * BENCH_WORKERS)))
        a="${ports[*]:0:BENCH_WORKERS}" b="${ports[*]:BENCH_WORKERS}"
        bench_rolld_config "$BENCH_PYTHON app.py {numproc}" "  workset:
    - numprocs: [${a// /, }]
    - numprocs: [${b// /, }]
  smoke_test:
    - check_all_http_ports: numprocs"
        echo "| start, exec to event=ready, example group (4 workers), median of 5: packaged | $(bench_package_starts "$home/bin/rolld") |"
        echo "| the same, AOT cache off (ROLLD_JAVA_OPTS=-XX:AOTMode=off) | $(ROLLD_JAVA_OPTS=-XX:AOTMode=off bench_package_starts "$home/bin/rolld") |"
        echo "| the same, scripts/rolld (the JDK's runtime, no daemon AOT cache) | $(bench_package_starts "$root/scripts/rolld") |"
    )
}
