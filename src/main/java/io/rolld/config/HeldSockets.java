package io.rolld.config;

import java.time.Duration;
import java.util.List;

/**
 * Held-socket mode of a group ({@code listen:} instead of {@code workset:}): rolld binds
 * {@code listen} once, keeps it open for the group's life, and runs {@code workers} processes that
 * inherit it as fds 3, 4, ... A rollout starts a whole new generation beside the old one.
 */
public record HeldSockets(List<HeldSocketConfig> listen, int workers, Ready ready) implements GroupMode {
    /** rolld's cost does not grow with the workers (one pidfd poller, no thread each); 1,024 leaves room below the usual open-file limits. */
    public static final int MAX_WORKERS = 1024;
    /** Leaves room for stdio below and plenty of fds above: held sockets become fds 3..3+n-1 in a worker. */
    public static final int MAX_SOCKETS = 64;

    public HeldSockets {
        listen = List.copyOf(listen);
    }

    /** When a new worker counts as ready, so the old generation may be told to stop. */
    public sealed interface Ready {
        /** Server::Starter's rule: still alive after {@code interval}. */
        record AliveFor(Duration interval) implements Ready {
            public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
        }

        /** systemd's: the worker sends {@code READY=1} to {@code $NOTIFY_SOCKET}. */
        record Notify() implements Ready {
        }
    }
}
