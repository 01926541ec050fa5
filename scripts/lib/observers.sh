# shellcheck shell=bash
# Sourced by scripts/test: the programs that look at rolld from outside in the tests of its HTTP
# listener (issue 14): a real Prometheus with promtool, and a headless Chromium.
#
#   rolld_ensure_prometheus   exports ROLLD_PROMETHEUS and ROLLD_PROMTOOL (Debian's prometheus)
#   rolld_ensure_chromium     exports ROLLD_CHROMIUM (Debian's chromium)
#
# Both install the Debian package when missing and running as root (exit 4 otherwise). The
# prometheus package would start a system Prometheus on :9090; the tests start their own on a
# free loopback port, so its install may start no service.

# shellcheck source=scripts/lib/packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/packages.sh"

rolld_ensure_prometheus() {
    if [[ -z "$(rolld_find_command prometheus)" || -z "$(rolld_find_command promtool)" ]]; then
        [[ "$(id -u)" -eq 0 ]] || rolld_missing_command prometheus prometheus
        rolld_apt_install_no_services prometheus
    fi
    ROLLD_PROMETHEUS="$(rolld_find_command prometheus)"
    ROLLD_PROMTOOL="$(rolld_find_command promtool)"
    if [[ -z "$ROLLD_PROMETHEUS" || -z "$ROLLD_PROMTOOL" ]]; then
        echo "rolld: installed the prometheus package but prometheus or promtool was not found" >&2
        exit 4
    fi
    export ROLLD_PROMETHEUS ROLLD_PROMTOOL
}

rolld_ensure_chromium() {
    rolld_ensure_command chromium chromium
    ROLLD_CHROMIUM="$(rolld_find_command chromium)"
    export ROLLD_CHROMIUM
}
