package io.rolld.os;

import io.rolld.config.HeldSocketConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * A listening socket rolld bound and keeps open, so its accept queue outlives every worker that
 * inherits it. The descriptor is close-on-exec in rolld: only the spawner's dup2 hands it on.
 */
public final class HeldSocket implements AutoCloseable {
    /** Held descriptors are moved this high so a worker's dup2 targets (3, 4, ...) never overwrite one. */
    static final int LOWEST_FD = 3 + io.rolld.config.HeldSockets.MAX_SOCKETS;

    private final HeldSocketConfig listen;
    private final int fd;
    private final int port;

    private HeldSocket(HeldSocketConfig listen, int fd, int port) {
        this.listen = listen;
        this.fd = fd;
        this.port = port;
    }

    /** A socket bound elsewhere (see {@link HeldSocketRecovery}): {@code fd} is rolld's, already at {@link #LOWEST_FD} or above. */
    static HeldSocket of(HeldSocketConfig listen, int fd, int port) {
        return new HeldSocket(listen, fd, port);
    }

    /**
     * socket, setsockopt, bind, listen. A stale Unix socket file left by an earlier run is replaced;
     * any other file at that path is refused.
     *
     * @throws ErrnoException naming the call, the address and the errno text, e.g.
     *                             {@code bind(127.0.0.1:8080) failed: Address already in use (EADDRINUSE)}
     */
    public static HeldSocket bind(HeldSocketConfig listen) throws IOException {
        String what = listen.address().toString();
        int domain = switch (listen.address()) {
            case HeldSocketConfig.Inet(String host, int p) -> host.contains(":") ? SocketCalls.AF_INET6 : SocketCalls.AF_INET;
            case HeldSocketConfig.Unix u -> SocketCalls.AF_UNIX;
        };
        int raw = SocketCalls.socket(domain, SocketCalls.SOCK_STREAM | SocketCalls.SOCK_CLOEXEC);
        int fd;
        try {
            fd = SocketCalls.dupAtLeast(raw, LOWEST_FD);
        } finally {
            SocketCalls.close(raw);
        }
        try {
            switch (listen.address()) {
                case HeldSocketConfig.Inet(String host, int p) -> {
                    SocketCalls.setsockopt(fd, SocketCalls.SOL_SOCKET, SocketCalls.SO_REUSEADDR, 1);
                    if (listen.reusePort()) {
                        SocketCalls.setsockopt(fd, SocketCalls.SOL_SOCKET, SocketCalls.SO_REUSEPORT, 1);
                    }
                    if (domain == SocketCalls.AF_INET6) {
                        SocketCalls.setsockopt(fd, SocketCalls.IPPROTO_IPV6, SocketCalls.IPV6_V6ONLY, listen.v6Only() ? 1 : 0);
                    }
                    byte[] address = host.isEmpty() ? new byte[4] : InetAddress.ofLiteral(host).getAddress();
                    SocketCalls.bindInet(fd, address, p, what);
                }
                case HeldSocketConfig.Unix(Path path) -> {
                    removeStaleSocket(path);
                    SocketCalls.bindUnix(fd, path.toString(), what);
                    if (listen.mode().isPresent()) {
                        Files.setPosixFilePermissions(path, permissions(listen.mode().get()));
                    }
                }
            }
            SocketCalls.listen(fd, listen.backlog(), what);
            int port = listen.address() instanceof HeldSocketConfig.Inet ? SocketCalls.localPort(fd) : 0;
            return new HeldSocket(listen, fd, port);
        } catch (IOException | RuntimeException e) {
            SocketCalls.close(fd);
            throw e;
        }
    }

    private static void removeStaleSocket(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!"socket".equals(fileType(path))) {
            throw new IOException("cannot bind " + "unix:" + path + ": a file that is not a socket exists there; refusing to replace it");
        }
        Files.delete(path);
    }

    private static String fileType(Path path) throws IOException {
        Object mode = Files.getAttribute(path, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        return ((Integer) mode & 0xF000) == 0xC000 ? "socket" : "other";
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(order[bit]);
            }
        }
        return set;
    }

    public HeldSocketConfig listen() {
        return listen;
    }

    /** rolld's own descriptor number. */
    public int fd() {
        return fd;
    }

    /** The bound TCP port (the real one when 0 was asked), 0 for a Unix socket. */
    public int port() {
        return port;
    }

    /** Closes rolld's copy; the socket (and its queue) ends once no worker holds it either. A Unix socket's file is removed. */
    @Override
    public void close() {
        SocketCalls.close(fd);
        if (listen.address() instanceof HeldSocketConfig.Unix(Path path)) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // a leftover socket file is replaced at the next bind
            }
        }
    }

    @Override
    public String toString() {
        return listen.address() + " (fd " + fd + ")";
    }
}
