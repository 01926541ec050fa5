# shellcheck shell=bash
# Sourced by scripts/bench: the scenarios built from the example (example/app.py, 4 workers,
# behind example/nginx.conf). Each scenario NAME has:
#   scenario_NAME_available   prints why not and returns 1 when it cannot run here
#   scenario_NAME_start       starts everything, sets BENCH_URL (the load's target)
#   scenario_NAME_restart     one restart; prints "trigger_us done_us restart_ms switched_ms own_ms"
#                             (own_ms: rolld's own time in the rollout, "-" for the others)
#   scenario_NAME_stop        stops everything it started (the EXIT trap stops the rest)
# They run in the run's own directory BENCH_DIR, set by scripts/bench.
# It uses the globals of scripts/bench (root, bench, install, ...), which sources it.
# shellcheck disable=SC2154

BENCH_WORKERS=4

scenario_label() {
    case "$1" in
        baseline) echo "baseline_(no_restart)" ;;
        naive) echo "naive:_kill_4_workers,_start_again" ;;
        nginx-reload) echo "nginx_-s_reload_alone" ;;
        rolld-lb) echo "rolld,_load-balancer_mode,_smoke_tests_(HUP)" ;;
        rolld-haproxy-reload) echo "rolld,_load-balancer_mode,_HAProxy_reloaded_(USR2)" ;;
        rolld-haproxy) echo "rolld,_load-balancer_mode,_HAProxy_runtime_API,_no_reload" ;;
        rolld-held) echo "rolld,_held-socket_mode,_ready:_notify,_direct" ;;
        rolld-held-alive) echo "rolld,_held-socket_mode,_ready:_alive_1s,_direct" ;;
        rolld-held-nginx) echo "rolld,_held-socket_mode,_ready:_notify,_behind_nginx" ;;
        rolld-gunicorn) echo "rolld_+_gunicorn_(Debian),_held_socket,_ready:_notify,_behind_nginx" ;;
        supervisord) echo "supervisorctl_restart_of_the_group" ;;
        server-starter) echo "Server::Starter_+_HUP,_direct" ;;
        pm2) echo "pm2_reload,_cluster_mode,_direct" ;;
    esac
}

bench_free_ports() {
    "$BENCH_PYTHON" "$bench/net.py" free-ports "$1"
}

# ---- the nginx front: example/nginx.conf in its own prefix, on a free port -------------------

# Starts nginx in front of the given "host:port" servers; sets BENCH_URL.
bench_nginx_start() {
    local prefix="$BENCH_DIR/nginx" port server
    mkdir -p "$prefix"
    port="$(bench_free_ports 1)"
    sed "s/listen 127.0.0.1:8080;/listen 127.0.0.1:$port;/" "$root/example/nginx.conf" >"$prefix/nginx.conf"
    grep -q "listen 127.0.0.1:$port;" "$prefix/nginx.conf" || { echo "bench: example/nginx.conf has no 'listen 127.0.0.1:8080;' to move" >&2; return 1; }
    {
        echo "upstream app-servers {"
        for server in "$@"; do echo "    server $server max_fails=0;"; done
        echo "    keepalive 16;"
        echo "}"
    } >"$prefix/nginx-upstream.conf"
    "$ROLLD_NGINX" -p "$prefix" -c nginx.conf -e nginx-error.log
    BENCH_NGINX_PID="$(tr -dc '0-9' <"$prefix/nginx.pid")"
    bench_track "$BENCH_NGINX_PID"
    BENCH_URL="http://127.0.0.1:$port/"
    "$BENCH_PYTHON" "$bench/net.py" wait-accepting 10 "$port"
}

# The reload command, as rolld's run_proc hook runs it (through sh -c) and as the scenario does.
bench_nginx_reload_command() {
    printf "'%s' -s reload -p '%s' -c nginx.conf -e nginx-error.log\n" "$ROLLD_NGINX" "$BENCH_DIR/nginx"
}

bench_nginx_stop() {
    bench_stop "$BENCH_NGINX_PID" QUIT
    bench_untrack "$BENCH_NGINX_PID"
}

# ---- plain workers, started by this script ----------------------------------------------------

# Starts one example worker per port; their pids in BENCH_WORKER_PIDS; waits until they accept.
bench_workers_start() {
    local port
    BENCH_WORKER_PIDS=()
    mkdir -p "$BENCH_DIR/logs"
    for port in "$@"; do
        (cd "$root/example" && exec "$BENCH_PYTHON" app.py "$port") >>"$BENCH_DIR/logs/app-$port.log" 2>&1 &
        BENCH_WORKER_PIDS+=("$!")
        bench_track "$!"
    done
    "$BENCH_PYTHON" "$bench/net.py" wait-accepting 30 "$@"
}

bench_workers_stop() {
    local pid
    for pid in "${BENCH_WORKER_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${BENCH_WORKER_PIDS[@]}"; do bench_stop "$pid"; bench_untrack "$pid"; done
}

bench_ms_since() {
    local now
    now="$(date +%s%6N)"
    echo "$(((now - $1) / 1000))"
}

# ---- baseline: no restart; the same windows are measured, as a control ------------------------

scenario_baseline_available() { return 0; }

scenario_baseline_start() {
    mapfile -t BENCH_PORTS < <(bench_free_ports "$BENCH_WORKERS")
    bench_workers_start "${BENCH_PORTS[@]}"
    bench_nginx_start "${BENCH_PORTS[@]/#/127.0.0.1:}"
}

scenario_baseline_restart() {
    local now
    now="$(date +%s%6N)"
    echo "$now $((now + 1000000)) - - -"
}

scenario_baseline_stop() {
    bench_nginx_stop
    bench_workers_stop
}

# ---- naive: TERM the 4 workers, start 4 new ones on the same ports as soon as they are free ---

scenario_naive_available() { return 0; }
scenario_naive_start() { scenario_baseline_start; }
scenario_naive_stop() { scenario_baseline_stop; }

scenario_naive_restart() {
    local trigger pid done_us
    trigger="$(date +%s%6N)"
    for pid in "${BENCH_WORKER_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    # The old workers close their listening sockets at once and finish in-flight requests in
    # the background (they stay tracked and are reaped at the end).
    "$BENCH_PYTHON" "$bench/net.py" wait-refusing 15 "${BENCH_PORTS[@]}"
    bench_workers_start "${BENCH_PORTS[@]}"
    done_us="$(date +%s%6N)"
    echo "$trigger $done_us $(((done_us - trigger) / 1000)) - -"
}

# ---- nginx -s reload alone: what the front's reload costs by itself ---------------------------

scenario_nginx_reload_available() { return 0; }
scenario_nginx_reload_start() { scenario_baseline_start; }
scenario_nginx_reload_stop() { scenario_baseline_stop; }

scenario_nginx_reload_restart() {
    local trigger done_us
    trigger="$(date +%s%6N)"
    sh -c "$(bench_nginx_reload_command)"
    done_us="$(date +%s%6N)"
    echo "$trigger $done_us $(((done_us - trigger) / 1000)) - -"
}

# ---- rolld ------------------------------------------------------------------------------------

# The rolld.yml of a run: $1 is the workers' command, $2 the group's own part (worksets or held
# socket, hooks).
bench_rolld_config() {
    cat >"$BENCH_DIR/rolld.yml" <<EOT
rolld:
  control_socket: '$BENCH_DIR/rolld/rolld.sock'
  pid_file: '$BENCH_DIR/rolld/rolld.pid'
  state_file: '$BENCH_DIR/rolld/state.json'
app-servers:
  cmd: '$1'
  directory: '$root/example'
  stdout: '$BENCH_DIR/logs/app-{numproc}.log'
  stderr: '$BENCH_DIR/logs/app-{numproc}.err'${start_nice:+
  start_nice: $start_nice}
$2
EOT
}

# Starts rolld on BENCH_DIR/rolld.yml and waits for its first rollout.
bench_rolld_start() {
    mkdir -p "$BENCH_DIR/logs"
    bench_spawn "$BENCH_DIR/rolld.log" "$root/scripts/rolld" "$BENCH_DIR/rolld.yml"
    BENCH_ROLLD_PID="$BENCH_PID"
    if ! bench_wait_lines "$BENCH_DIR/rolld.log" 60 1 "event=rollout_succeeded"; then
        echo "bench: rolld did not finish its first start within 60 s:" >&2
        tail -n 20 "$BENCH_DIR/rolld.log" >&2
        return 1
    fi
}

# HUP, then waits for the rollout's end; times come from rolld's own log lines. $1 is the state
# the rollout enters once the new set serves: DRAINING in load-balancer mode (nginx was reloaded),
# SWITCHING in held-socket mode (the new generation is ready and already accepting).
bench_rolld_restart() {
    local serving_state="$1" trigger before line end_us switch_us switched_ms="-" own_ms="-"
    before="$(grep -c 'event=rollout_succeeded' "$BENCH_DIR/rolld.log" || true)"
    trigger="$(date +%s%6N)"
    kill -HUP "$BENCH_ROLLD_PID"
    if ! bench_wait_lines "$BENCH_DIR/rolld.log" 60 $((before + 1)) "event=rollout_succeeded"; then
        echo "bench: rollout $((before + 1)) did not succeed within 60 s:" >&2
        tail -n 20 "$BENCH_DIR/rolld.log" >&2
        return 1
    fi
    line="$(grep 'event=rollout_succeeded' "$BENCH_DIR/rolld.log" | tail -n 1)"
    end_us="$(bench_log_time_us "${line%% *}")"
    line="$(grep "event=transition .*generation=$((before + 1)) state=$serving_state " "$BENCH_DIR/rolld.log" | head -n 1)"
    if [[ -n "$line" ]]; then
        switch_us="$(bench_log_time_us "${line%% *}")"
        switched_ms=$(((switch_us - trigger) / 1000))
    fi
    # rolld's own time in the whole rollout: own_ms of its IDLE transition (the rest: the app, the front, draining).
    line="$(grep "event=transition .*generation=$((before + 1)) state=IDLE " "$BENCH_DIR/rolld.log" | tail -n 1)"
    if [[ "$line" =~ own_ms=([0-9]+) ]]; then
        own_ms="${BASH_REMATCH[1]}"
    fi
    echo "$trigger $end_us $(((end_us - trigger) / 1000)) $switched_ms $own_ms"
}

bench_rolld_stop() {
    bench_stop "$BENCH_ROLLD_PID"
    bench_untrack "$BENCH_ROLLD_PID"
}

scenario_rolld_lb_available() { return 0; }

# The group's lines in load-balancer mode: two worksets of BENCH_WORKERS free ports, smoke-tested.
bench_worksets() {
    local ports a b
    mapfile -t ports < <(bench_free_ports $((2 * BENCH_WORKERS)))
    a="${ports[*]:0:BENCH_WORKERS}" b="${ports[*]:BENCH_WORKERS}"
    printf '  workset:\n    - numprocs: [%s]\n    - numprocs: [%s]\n' "${a// /, }" "${b// /, }"
    printf '  smoke_test:\n    - check_all_http_ports: numprocs\n'
    printf '  ready_timeout: 60s  # a busy 2-core machine can take long to start 4 Pythons\n'
}

scenario_rolld_lb_start() {
    # nginx needs an upstream before rolld's first start renders the real one; no request reaches it.
    bench_nginx_start "127.0.0.1:1"
    bench_rolld_config "$BENCH_PYTHON app.py {numproc}" "$(bench_worksets)
  after_start:
    - replace_file: [numprocs, '$root/example/nginx-upstream.conf.mustache', '$BENCH_DIR/nginx/nginx-upstream.conf']
    - run_proc: \"$(bench_nginx_reload_command)\""
    bench_rolld_start
}

scenario_rolld_lb_restart() { bench_rolld_restart DRAINING; }

scenario_rolld_lb_stop() {
    bench_rolld_stop
    bench_nginx_stop
}

# ---- rolld in front of HAProxy: example/haproxy.cfg, reloaded or set through its runtime API ----

scenario_rolld_haproxy_available() { bench_peer_command haproxy haproxy; }
scenario_rolld_haproxy_reload_available() { scenario_rolld_haproxy_available; }

# Starts HAProxy (master-worker, daemon) on a free port with its admin socket on another, its
# backend file with free slots only; sets BENCH_URL and BENCH_HAPROXY_ADMIN (127.0.0.1:PORT).
bench_haproxy_start() {
    local dir="$BENCH_DIR/haproxy" ports port admin
    mkdir -p "$dir"
    mapfile -t ports < <(bench_free_ports 2)
    port="${ports[0]}" admin="${ports[1]}"
    sed -e "s/bind 127.0.0.1:8080/bind 127.0.0.1:$port/" \
        -e "s#stats socket example/haproxy.sock mode 600 level admin#stats socket ipv4@127.0.0.1:$admin level admin#" \
        "$root/example/haproxy.cfg" >"$dir/haproxy.cfg"
    grep -q "ipv4@127.0.0.1:$admin" "$dir/haproxy.cfg" || { echo "bench: example/haproxy.cfg has no stats socket line to move" >&2; return 1; }
    printf 'backend app-servers\n    balance roundrobin\n    server-template s 1-8 127.0.0.1:1 disabled\n' >"$dir/backend.cfg"
    "$(rolld_find_command haproxy)" -W -D -p "$dir/haproxy.pid" -f "$dir/haproxy.cfg" -f "$dir/backend.cfg"
    BENCH_HAPROXY_PID="$(tr -dc '0-9' <"$dir/haproxy.pid")"
    bench_track "$BENCH_HAPROXY_PID"
    BENCH_HAPROXY_ADMIN="127.0.0.1:$admin"
    BENCH_URL="http://127.0.0.1:$port/"
    "$BENCH_PYTHON" "$bench/net.py" wait-accepting 10 "$port"
}

bench_haproxy_stop() {
    bench_stop "$BENCH_HAPROXY_PID"
    bench_untrack "$BENCH_HAPROXY_PID"
}

# Starts rolld in front of the HAProxy bench_haproxy_start started. $1: the group's front lines (a
# front: key, or a reload hook), after the backend file's hook.
bench_rolld_haproxy_start() {
    bench_rolld_config "$BENCH_PYTHON app.py {numproc}" "$(bench_worksets)
  after_start:
    - replace_file: [numprocs, '$root/example/haproxy-backend.cfg.mustache', '$BENCH_DIR/haproxy/backend.cfg']
$1"
    bench_rolld_start
}

# The way before the runtime API: the master re-reads its files on USR2 and starts a new worker.
scenario_rolld_haproxy_reload_start() {
    bench_haproxy_start
    bench_rolld_haproxy_start "    - run_proc: 'kill -USR2 $BENCH_HAPROXY_PID'"
}

scenario_rolld_haproxy_reload_restart() { bench_rolld_restart DRAINING; }

scenario_rolld_haproxy_reload_stop() {
    bench_rolld_stop
    bench_haproxy_stop
}

scenario_rolld_haproxy_start() {
    bench_haproxy_start
    bench_rolld_haproxy_start "  front: {haproxy: {socket: '$BENCH_HAPROXY_ADMIN', backend: app-servers}}"
}

scenario_rolld_haproxy_restart() { bench_rolld_restart DRAINING; }
scenario_rolld_haproxy_stop() { scenario_rolld_haproxy_reload_stop; }

# ---- rolld, held-socket mode (rolld binds the port; workers inherit it) -----------------------

# $1 the port, $2 the ready rule: notify (app.py sends READY=1 once it accepts), or alive 1s
# (Server::Starter's --interval 1: alive for a second counts as ready).
bench_held_config() {
    bench_rolld_config "$BENCH_PYTHON app.py" "  listen:
    - address: 127.0.0.1:$1
      backlog: 1024
  workers: $BENCH_WORKERS
  env:
    APP_NOTIFY: '1'
  ready: ${2:-notify}
  stop_timeout: 15s"
}

scenario_rolld_held_available() {
    BENCH_DIR="$(mktemp -d)"
    bench_held_config "$(bench_free_ports 1)"
    if ! "$root/scripts/rolld" check "$BENCH_DIR/rolld.yml" >"$BENCH_DIR/check.txt" 2>&1; then
        echo "not available in this build (rolld check refuses listen:/workers:)"
        rm -rf "$BENCH_DIR"
        return 1
    fi
    rm -rf "$BENCH_DIR"
}

scenario_rolld_held_start() {
    local port
    port="$(bench_free_ports 1)"
    bench_held_config "$port"
    bench_rolld_start
    BENCH_URL="http://127.0.0.1:$port/"
}

scenario_rolld_held_restart() { bench_rolld_restart SWITCHING; }
scenario_rolld_held_stop() { bench_rolld_stop; }

scenario_rolld_held_nginx_available() { scenario_rolld_held_available; }

scenario_rolld_held_nginx_start() {
    local port
    port="$(bench_free_ports 1)"
    bench_held_config "$port"
    bench_rolld_start
    bench_nginx_start "127.0.0.1:$port"
}

scenario_rolld_held_nginx_restart() { bench_rolld_restart SWITCHING; }

scenario_rolld_held_nginx_stop() {
    bench_nginx_stop
    bench_rolld_stop
}

# ---- rolld, held-socket mode, ready: alive 1s (Server::Starter's rule), direct ------------------

scenario_rolld_held_alive_available() { scenario_rolld_held_available; }

scenario_rolld_held_alive_start() {
    local port
    port="$(bench_free_ports 1)"
    bench_held_config "$port" "alive 1s"
    bench_rolld_start
    BENCH_URL="http://127.0.0.1:$port/"
}

scenario_rolld_held_alive_restart() { bench_rolld_restart SWITCHING; }
scenario_rolld_held_alive_stop() { bench_rolld_stop; }

# ---- rolld with a real app server: gunicorn (Debian's), held socket, behind nginx ---------------

scenario_rolld_gunicorn_available() { bench_peer_command gunicorn gunicorn; }

# gunicorn takes the held socket from LISTEN_FDS/LISTEN_PID and sends READY=1 itself (ready: notify).
scenario_rolld_gunicorn_start() {
    local port
    port="$(bench_free_ports 1)"
    bench_rolld_config "$(rolld_find_command gunicorn) --workers 1 --worker-class gthread --threads 4 --chdir $bench/peers wsgi_app:app" "  listen:
    - address: 127.0.0.1:$port
      backlog: 1024
  workers: $BENCH_WORKERS
  ready: notify
  stop_timeout: 15s"
    bench_rolld_start
    bench_nginx_start "127.0.0.1:$port"
}

scenario_rolld_gunicorn_restart() { bench_rolld_restart SWITCHING; }

scenario_rolld_gunicorn_stop() {
    bench_nginx_stop
    bench_rolld_stop
}
