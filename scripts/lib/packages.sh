# shellcheck shell=bash
# Sourced by the scripts in scripts/: installs missing Debian packages when running as root.
#
#   rolld_find_command CMD          prints the path of CMD (PATH, then /usr/sbin, /usr/bin), or nothing
#   rolld_apt_install PKG...        apt-get update (once per script run) + install, root only
#   rolld_apt_install_no_services PKG...   the same, but the packages' scripts may start no service
#   rolld_ensure_command CMD PKG [INSTALLER]
#                                   makes sure CMD exists: installs PKG when root (with INSTALLER,
#                                   rolld_apt_install by default), else exits 4

ROLLD_APT_UPDATED="${ROLLD_APT_UPDATED:-}"

rolld_find_command() {
    local cmd="$1" dir
    if command -v "$cmd" >/dev/null 2>&1; then
        command -v "$cmd"
        return 0
    fi
    # Non-root shells often lack the sbin directories in PATH.
    for dir in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
        if [[ -x "$dir/$cmd" ]]; then
            printf '%s\n' "$dir/$cmd"
            return 0
        fi
    done
    return 0
}

rolld_apt_install() {
    if [[ -z "$ROLLD_APT_UPDATED" ]]; then
        echo "rolld: apt-get update" >&2
        DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
        ROLLD_APT_UPDATED=1
    fi
    echo "rolld: apt-get install -y $*" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >&2
}

# Debian packages such as nginx and supervisor start a system-wide service when installed; rolld's
# scripts always start their own instances, so a policy-rc.d that refuses every start is in place
# during the install (and removed afterwards, even when the install fails).
rolld_apt_install_no_services() {
    local policy=/usr/sbin/policy-rc.d created_policy="" status=0
    if [[ ! -e "$policy" ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod 0755 "$policy"
        created_policy=1
    fi
    rolld_apt_install "$@" || status=$?
    if [[ -n "$created_policy" ]]; then
        rm -f "$policy"
    fi
    return "$status"
}

# The message for a missing command when we may not install it.
rolld_missing_command() {
    local cmd="$1" pkg="$2"
    {
        echo "rolld: '$cmd' is required but not installed, and this script can only install it as root."
        echo "  Install it with:  sudo apt-get install -y $pkg"
        echo "  (or run this script as root, which installs it automatically)."
    } >&2
    exit 4
}

rolld_ensure_command() {
    local cmd="$1" pkg="$2" installer="${3:-rolld_apt_install}"
    [[ -n "$(rolld_find_command "$cmd")" ]] && return 0
    [[ "$(id -u)" -eq 0 ]] || rolld_missing_command "$cmd" "$pkg"
    "$installer" "$pkg"
    if [[ -z "$(rolld_find_command "$cmd")" ]]; then
        echo "rolld: installed package '$pkg' but '$cmd' is still not found" >&2
        exit 4
    fi
}
