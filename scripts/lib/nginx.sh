# shellcheck shell=bash
# Sourced by the scripts in scripts/: makes sure an nginx binary exists.
#
#   rolld_ensure_nginx   sets and exports ROLLD_NGINX (path of the nginx binary); installs the
#                        Debian package when missing and running as root; exits 4 otherwise.
#
# Debian's nginx postinst starts a system nginx on :80 (user www-data, pid file /run/nginx.pid).
# We never want that one: rolld starts its own nginx with its own prefix. So the install runs
# with a policy-rc.d that forbids service starts (rolld_apt_install_no_services), and if a system
# nginx appeared anyway it is stopped by the pid in its pid file.

# shellcheck source=scripts/lib/packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/packages.sh"

ROLLD_SYSTEM_NGINX_PID_FILE=/run/nginx.pid

# Prints the pid in the system nginx pid file if that process is alive, else nothing.
rolld_system_nginx_pid() {
    local pid
    [[ -r "$ROLLD_SYSTEM_NGINX_PID_FILE" ]] || return 0
    pid="$(tr -dc '0-9' <"$ROLLD_SYSTEM_NGINX_PID_FILE")"
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
        printf '%s\n' "$pid"
    fi
    return 0
}

# Waits up to $2 seconds (polling) for pid $1 to exit; returns 1 if it is still alive.
rolld_wait_pid_gone() {
    local pid="$1" deadline=$((SECONDS + $2))
    while kill -0 "$pid" 2>/dev/null; do
        ((SECONDS < deadline)) || return 1
        sleep 0.1
    done
    return 0
}

rolld_install_nginx() {
    local before after
    before="$(rolld_system_nginx_pid)"
    rolld_apt_install_no_services nginx || return

    after="$(rolld_system_nginx_pid)"
    if [[ -n "$after" && "$after" != "$before" ]]; then
        echo "rolld: the nginx package started a system nginx (pid $after); stopping it" >&2
        kill -QUIT "$after" 2>/dev/null || true
        if ! rolld_wait_pid_gone "$after" 10; then
            kill -KILL "$after" 2>/dev/null || true
            rolld_wait_pid_gone "$after" 5 || echo "rolld: system nginx pid $after did not exit" >&2
        fi
    fi
}

rolld_ensure_nginx() {
    rolld_ensure_command nginx nginx rolld_install_nginx
    ROLLD_NGINX="$(rolld_find_command nginx)"
    export ROLLD_NGINX
}
