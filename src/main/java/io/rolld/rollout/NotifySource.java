package io.rolld.rollout;

import io.rolld.os.NotifySocket;
import java.nio.file.Path;
import java.util.List;

/**
 * Where new held-socket workers report {@code READY=1} ({@code $NOTIFY_SOCKET}), as their
 * readiness wait reads it: a socket of the generation's (or the replacement's) own, or, in a group
 * with a {@code watchdog}, the group's one notify socket ({@link WatchdogSocket}), which also hears
 * the workers' {@code WATCHDOG=1} for as long as they run.
 */
interface NotifySource extends AutoCloseable {
    Path path();

    /** The notices received since the last call (the group's socket: every READY=1 it heard). */
    List<NotifySocket.Notice> poll();

    @Override
    void close();

    static NotifySource of(NotifySocket socket) {
        return new NotifySource() {
            @Override
            public Path path() {
                return socket.path();
            }

            @Override
            public List<NotifySocket.Notice> poll() {
                return socket.poll();
            }

            @Override
            public void close() {
                socket.close();
            }
        };
    }
}
