package io.rolld.os;

import io.rolld.config.HeldSocketConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Optional;

/**
 * Takes back the listening sockets a worker inherited, from the worker itself: what a rolld that
 * restarts after a crash needs to hold its group's sockets again, with their queues intact.
 * {@code pidfd_getfd} (Linux 5.6+) copies a descriptor of another process; the kernel allows it
 * for the same uid (ptrace access rules: Yama's {@code ptrace_scope} 1 limits it to descendants
 * unless rolld has {@code CAP_SYS_PTRACE}) or for root.
 *
 * <p>API: {@link #copy(long, long, int, HeldSocketConfig)} returns a {@link HeldSocket} rolld
 * holds exactly like one it bound itself, after checking with getsockopt and getsockname that the
 * descriptor is a listening stream socket bound where the configuration says.
 */
public final class HeldSocketRecovery {
    private HeldSocketRecovery() {
    }

    /**
     * A copy of descriptor {@code targetFd} of process {@code pid} (which must still be the process
     * that started at {@code startTime}, see {@link ProcessStartTime}).
     *
     * @param expected the configured socket it must be: a TCP port 0 in it matches any port
     * @throws IOException naming the process, the descriptor and what it is instead, or the errno
     *                     text (e.g. {@code pidfd_getfd(...) failed: Operation not permitted (EPERM)})
     */
    public static HeldSocket copy(long pid, long startTime, int targetFd, HeldSocketConfig expected) throws IOException {
        String what = "pid " + pid + " fd " + targetFd;
        int raw;
        int pidfd = PidfdCalls.pidfdOpen(pid).orElseThrow(() -> new IOException("cannot take " + what + ": no such process"));
        try {
            if (ProcessStartTime.system().of(pid).orElse(-1) != startTime) {
                throw new IOException("cannot take " + what + ": the pid belongs to another process now");
            }
            raw = PidfdCalls.pidfdGetfd(pidfd, targetFd, what);
        } catch (ErrnoException e) {
            throw new IOException("cannot take " + what + ": " + e.getMessage(), e);
        } finally {
            SocketCalls.close(pidfd);
        }
        try {
            return adopt(raw, expected, what);
        } finally {
            SocketCalls.close(raw);
        }
    }

    /**
     * A copy of rolld's own descriptor {@code fd} (passed by systemd or across a re-exec, see
     * {@link HeldSocketHandover}), held like a socket rolld bound, once checked as {@link #copy} does.
     * The caller still owns {@code fd}.
     */
    static HeldSocket adopt(int fd, HeldSocketConfig expected, String what) throws IOException {
        HeldSocketConfig.Address actual = listeningAddress(fd, what);
        if (!matches(expected.address(), actual)) {
            throw new IOException(what + " is bound to " + actual + ", not to " + expected.address());
        }
        int port = actual instanceof HeldSocketConfig.Inet(String host, int p) ? p : 0;
        return HeldSocket.of(expected, SocketCalls.dupAtLeast(fd, HeldSocket.LOWEST_FD), port);
    }

    private static HeldSocketConfig.Address listeningAddress(int fd, String what) throws IOException {
        try {
            if (SocketCalls.getsockopt(fd, SocketCalls.SOL_SOCKET, SocketCalls.SO_TYPE) != SocketCalls.SOCK_STREAM
                    || SocketCalls.getsockopt(fd, SocketCalls.SOL_SOCKET, SocketCalls.SO_ACCEPTCONN) != 1) {
                throw new IOException(what + " is a socket but not a listening stream socket");
            }
            Optional<HeldSocketConfig.Address> address = SocketCalls.localAddress(fd);
            return address.orElseThrow(() -> new IOException(what + " is neither an IP nor a Unix socket"));
        } catch (ErrnoException e) {
            throw new IOException(what + " is not a listening socket: " + e.getMessage(), e);
        }
    }

    private static boolean matches(HeldSocketConfig.Address expected, HeldSocketConfig.Address actual) {
        return switch (expected) {
            case HeldSocketConfig.Inet(String host, int port) when actual instanceof HeldSocketConfig.Inet(String h, int p) ->
                    (port == 0 || port == p) && sameHost(host, h);
            case HeldSocketConfig.Unix(var path) when actual instanceof HeldSocketConfig.Unix(var p) -> path.equals(p);
            default -> false;
        };
    }

    /** An empty configured host is the IPv4 wildcard, as {@link HeldSocket#bind} binds it. */
    private static boolean sameHost(String configured, String bound) {
        return InetAddress.ofLiteral(configured.isEmpty() ? "0.0.0.0" : configured).equals(InetAddress.ofLiteral(bound));
    }
}
