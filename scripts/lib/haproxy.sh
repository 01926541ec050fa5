# shellcheck shell=bash
# Sourced by scripts/test: makes sure an haproxy binary exists (the tests of the HAProxy front).
#
#   rolld_ensure_haproxy   sets and exports ROLLD_HAPROXY (path of the haproxy binary); installs the
#                          Debian package when missing and running as root; exits 4 otherwise.
#
# Debian's haproxy package would start a system HAProxy (/etc/haproxy/haproxy.cfg, with an admin
# socket in /run/haproxy); the tests start their own on free loopback ports, so the install may
# start no service.

# shellcheck source=scripts/lib/packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/packages.sh"

rolld_ensure_haproxy() {
    rolld_ensure_command haproxy haproxy rolld_apt_install_no_services
    ROLLD_HAPROXY="$(rolld_find_command haproxy)"
    export ROLLD_HAPROXY
}
