# shellcheck shell=bash
# Sourced by scripts/bench: the optional peers, each restarting the same kind of group its own
# way. Installed when missing (Debian packages, or PM2 from npm into target/bench-tools) unless
# --no-install; a peer that is absent or fails to install is skipped with a note.
# It uses the globals of scripts/bench (root, bench, install, ...), which sources it.
# shellcheck disable=SC2154

BENCH_TOOLS="$root/target/bench-tools"

# Makes sure command $1 exists (installing Debian package $2 if allowed); prints a note if not.
bench_peer_command() {
    local cmd="$1" pkg="$2"
    [[ -n "$(rolld_find_command "$cmd")" ]] && return 0
    if [[ -z "$install" || "$(id -u)" -ne 0 ]]; then
        echo "$cmd not installed (apt-get install $pkg)"
        return 1
    fi
    if ! rolld_apt_install_no_services "$pkg" >&2 || [[ -z "$(rolld_find_command "$cmd")" ]]; then
        echo "installing $pkg failed"
        return 1
    fi
}

# ---- supervisord: `supervisorctl restart` of a group of 4 programs, behind nginx --------------

scenario_supervisord_available() { bench_peer_command supervisord supervisor; }

scenario_supervisord_start() {
    local dir="$BENCH_DIR/supervisor" port
    mkdir -p "$dir" "$BENCH_DIR/logs"
    mapfile -t BENCH_PORTS < <(bench_free_ports "$BENCH_WORKERS")
    {
        printf '[unix_http_server]\nfile=%s/supervisor.sock\n\n' "$dir"
        printf '[supervisord]\nnodaemon=true\nlogfile=%s/supervisord.log\npidfile=%s/supervisord.pid\n\n' "$dir" "$dir"
        printf '[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n'
        printf '[supervisorctl]\nserverurl=unix://%s/supervisor.sock\n\n' "$dir"
        for port in "${BENCH_PORTS[@]}"; do
            # supervisord's defaults otherwise (startsecs=1, stopsignal=TERM, stopwaitsecs=10).
            printf '[program:app-%s]\ncommand=%s app.py %s\ndirectory=%s\nstdout_logfile=%s/logs/app-%s.log\nredirect_stderr=true\n\n' \
                "$port" "$BENCH_PYTHON" "$port" "$root/example" "$BENCH_DIR" "$port"
        done
        printf '[group:bench]\nprograms=%s\n' "$(printf 'app-%s,' "${BENCH_PORTS[@]}" | sed 's/,$//')"
    } >"$dir/supervisord.conf"
    bench_spawn "$dir/stdout.log" supervisord -c "$dir/supervisord.conf"
    BENCH_SUPERVISORD_PID="$BENCH_PID"
    "$BENCH_PYTHON" "$bench/net.py" wait-accepting 30 "${BENCH_PORTS[@]}"
    bench_nginx_start "${BENCH_PORTS[@]/#/127.0.0.1:}"
}

scenario_supervisord_restart() {
    local trigger done_us
    trigger="$(date +%s%6N)"
    supervisorctl -c "$BENCH_DIR/supervisor/supervisord.conf" restart 'bench:*' >>"$BENCH_DIR/supervisorctl.log"
    done_us="$(date +%s%6N)"
    echo "$trigger $done_us $(((done_us - trigger) / 1000)) -"
}

scenario_supervisord_stop() {
    bench_nginx_stop
    bench_stop "$BENCH_SUPERVISORD_PID"
}

# ---- Server::Starter: start_server holds the port, HUP starts a new generation, direct --------

scenario_server_starter_available() {
    bench_peer_command start_server libserver-starter-perl || return 1
    if ! grep -q SERVER_STARTER_PORT "$root/example/app.py"; then
        echo "example/app.py cannot serve an inherited socket in this build"
        return 1
    fi
}

scenario_server_starter_start() {
    local dir="$BENCH_DIR/starter" port
    mkdir -p "$dir"
    port="$(bench_free_ports 1)"
    # Defaults otherwise: --interval 1 (a new generation must live 1 s before the old one gets TERM).
    PREFORK_DIR="$root/example" bench_spawn "$dir/start_server.log" start_server --port "127.0.0.1:$port" \
        --pid-file "$dir/start_server.pid" --status-file "$dir/status" \
        -- "$BENCH_PYTHON" "$bench/peers/prefork.py" "$BENCH_WORKERS" "$BENCH_PYTHON" app.py
    BENCH_STARTER_PID="$BENCH_PID"
    "$BENCH_PYTHON" "$bench/net.py" wait-accepting 30 "$port"
    BENCH_URL="http://127.0.0.1:$port/"
}

# start_server --restart sends the HUP and returns once only the new generation is left.
scenario_server_starter_restart() {
    local trigger done_us dir="$BENCH_DIR/starter"
    trigger="$(date +%s%6N)"
    start_server --restart --pid-file "$dir/start_server.pid" --status-file "$dir/status" >>"$dir/restart.log" 2>&1
    done_us="$(date +%s%6N)"
    echo "$trigger $done_us $(((done_us - trigger) / 1000)) -"
}

scenario_server_starter_stop() { bench_stop "$BENCH_STARTER_PID"; }

# ---- PM2: `pm2 reload` of 4 cluster-mode instances of a Node worker, direct -------------------

bench_pm2() {
    PM2_HOME="$BENCH_DIR/pm2" "$BENCH_TOOLS/node_modules/.bin/pm2" "$@"
}

scenario_pm2_available() {
    bench_peer_command node nodejs || return 1
    [[ -x "$BENCH_TOOLS/node_modules/.bin/pm2" ]] && return 0
    if [[ -z "$install" ]] || ! bench_peer_command npm npm; then
        echo "pm2 not installed (npm install --prefix target/bench-tools pm2)"
        return 1
    fi
    if ! npm install --prefix "$BENCH_TOOLS" --no-audit --no-fund --loglevel=error pm2 >&2; then
        echo "npm install pm2 failed"
        return 1
    fi
}

scenario_pm2_start() {
    local port
    port="$(bench_free_ports 1)"
    PORT="$port" bench_pm2 start "$bench/peers/pm2-app.js" -i "$BENCH_WORKERS" --name bench >"$BENCH_DIR/pm2.log" 2>&1
    BENCH_PM2_PID="$(tr -dc '0-9' <"$BENCH_DIR/pm2/pm2.pid")"
    bench_track "$BENCH_PM2_PID"
    "$BENCH_PYTHON" "$bench/net.py" wait-accepting 30 "$port"
    BENCH_URL="http://127.0.0.1:$port/"
}

scenario_pm2_restart() {
    local trigger done_us
    trigger="$(date +%s%6N)"
    bench_pm2 reload bench >>"$BENCH_DIR/pm2.log" 2>&1
    done_us="$(date +%s%6N)"
    echo "$trigger $done_us $(((done_us - trigger) / 1000)) -"
}

scenario_pm2_stop() {
    bench_pm2 kill >>"$BENCH_DIR/pm2.log" 2>&1 || true
    bench_stop "$BENCH_PM2_PID"
}
