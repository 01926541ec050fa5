package io.rolld.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A datagram socket for systemd's readiness protocol: workers find its path in
 * {@code NOTIFY_SOCKET} and send {@code READY=1}. The kernel stamps each datagram with the
 * sender's pid (SO_PASSCRED), so rolld knows which worker is ready.
 */
public final class NotifySocket implements AutoCloseable {
    private static final int MAX_DATAGRAM = 4096;

    private final Path path;
    private final int fd;

    private NotifySocket(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    public static NotifySocket bind(Path path) throws IOException {
        Files.deleteIfExists(path);
        int fd = SocketCalls.socket(SocketCalls.AF_UNIX, SocketCalls.SOCK_DGRAM | SocketCalls.SOCK_CLOEXEC | SocketCalls.SOCK_NONBLOCK);
        try {
            SocketCalls.setsockopt(fd, SocketCalls.SOL_SOCKET, SocketCalls.SO_PASSCRED, 1);
            SocketCalls.bindUnix(fd, path.toString(), "notify socket " + path);
            return new NotifySocket(path, fd);
        } catch (RuntimeException e) {
            SocketCalls.close(fd);
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /** One state assignment ({@code READY=1}, {@code STATUS=...}) from one process. */
    public record Notice(long pid, String assignment) {
    }

    /** Every notice queued so far, without waiting; a datagram may hold several newline-separated assignments. */
    public List<Notice> poll() {
        List<Notice> notices = new ArrayList<>();
        Optional<SocketCalls.Datagram> d;
        while ((d = SocketCalls.receiveWithSender(fd, MAX_DATAGRAM)).isPresent()) {
            long pid = d.get().senderPid();
            d.get().text().lines().filter(l -> !l.isBlank()).forEach(l -> notices.add(new Notice(pid, l.strip())));
        }
        return notices;
    }

    @Override
    public void close() {
        SocketCalls.close(fd);
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // the next bind of this path removes it
        }
    }
}
