package io.rolld.rollout;

import io.rolld.os.NotifySocket;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

/**
 * The notify socket of a held-socket group with a {@code watchdog} (systemd's WatchdogSec= for
 * workers): every worker of the group gets it as {@code $NOTIFY_SOCKET} (those a rollout starts,
 * replacements and respawns alike), since it keeps sending {@code WATCHDOG=1} there for as long as
 * it runs. One reader thread drains it: {@code WATCHDOG=1} goes to the group's loop (by pid),
 * {@code READY=1} to the readiness waits ({@link #readiness}). Bound once per group, closed at shutdown.
 */
final class WatchdogSocket implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(10);

    private final NotifySocket socket;
    /** Pids that sent READY=1; a few bytes per worker ever started, for the group's life. */
    private final Set<Long> ready = ConcurrentHashMap.newKeySet();
    private final Thread reader;
    private volatile boolean closed;

    private WatchdogSocket(NotifySocket socket, LongConsumer pinged) {
        this.socket = socket;
        this.reader = Thread.ofVirtual().name("notify-" + socket.path().getFileName()).start(() -> read(pinged));
    }

    /** {@code pinged} hears each WATCHDOG=1's sender pid, on the reader's thread. */
    static WatchdogSocket bind(String group, LongConsumer pinged) throws IOException {
        return new WatchdogSocket(NotifySocket.bind(path(group)), pinged);
    }

    /** Short (sun_path holds 107 bytes) and unique per rolld and group; a respawned worker gets it without asking. */
    static Path path(String group) {
        return Path.of(System.getProperty("java.io.tmpdir"), "rolld-" + ProcessHandle.current().pid() + "-" + group + ".watchdog");
    }

    private void read(LongConsumer pinged) {
        while (!closed) {
            for (NotifySocket.Notice n : socket.poll()) {
                switch (n.assignment()) {
                    case "WATCHDOG=1" -> pinged.accept(n.pid());
                    case "READY=1" -> ready.add(n.pid());
                    default -> { } // STATUS=..., MAINPID=...: nothing rolld acts on
                }
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                return; // closing
            }
        }
    }

    /** A readiness wait's view: every READY=1 heard so far; closing it leaves the socket open. */
    NotifySource readiness() {
        return new NotifySource() {
            @Override
            public Path path() {
                return socket.path();
            }

            @Override
            public List<NotifySocket.Notice> poll() {
                return ready.stream().map(pid -> new NotifySocket.Notice(pid, "READY=1")).toList();
            }

            @Override
            public void close() {
                // the group's socket outlives each wait
            }
        };
    }

    @Override
    public void close() {
        closed = true;
        reader.interrupt();
        try {
            reader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        socket.close();
    }
}
