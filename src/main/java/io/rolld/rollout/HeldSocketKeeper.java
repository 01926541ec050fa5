package io.rolld.rollout;

import io.rolld.config.GroupConfig;
import io.rolld.config.HeldSocketConfig;
import io.rolld.os.HeldSocketSet;
import io.rolld.os.NotifySocket;
import io.rolld.os.HeldSocketHandover;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The sockets a held-socket group keeps for its whole life: bound by the first rollout (so a bind
 * failure fails the first start and rolld exits), handed to every generation, closed at shutdown;
 * with a {@code watchdog}, also the group's notify socket ({@link WatchdogSocket}).
 * Only the group's thread binds; shutdown closes after that thread has ended.
 */
final class HeldSocketKeeper {
    private final LongConsumer watchdogPings;
    private volatile HeldSocketSet listeners;
    private volatile WatchdogSocket watchdog;

    /** {@code watchdogPings} hears the pid of each WATCHDOG=1 the group's notify socket receives, on its reader's thread. */
    HeldSocketKeeper(LongConsumer watchdogPings) {
        this.watchdogPings = watchdogPings;
    }

    /** Where workers of {@code group} report readiness (tagged {@code tag} when it is a socket of their own). */
    synchronized NotifySource notifySource(GroupConfig group, String tag) throws IOException {
        if (group.supervision().watchdog().isEmpty()) {
            return NotifySource.of(NotifySocket.bind(Path.of(System.getProperty("java.io.tmpdir"),
                    "rolld-" + ProcessHandle.current().pid() + "-" + group.name() + "-" + tag + ".notify")));
        }
        if (watchdog == null) {
            watchdog = WatchdogSocket.bind(group.name(), watchdogPings);
        }
        return watchdog.readiness();
    }

    /** The held sockets, bound on the first call; a later configuration naming other addresses is refused. */
    HeldSocketSet listeners(String group, List<HeldSocketConfig> listen) throws IOException {
        if (listeners == null) {
            listeners = HeldSocketSet.open(group, listen, HeldSocketHandover.shared());
        } else if (!listen.equals(listeners.sockets().stream().map(s -> s.listen()).toList())) {
            throw new IOException("the 'listen' addresses changed from " + listeners.sockets().stream().map(s -> s.listen().address()).toList()
                    + " to " + listen.stream().map(HeldSocketConfig::address).toList()
                    + "; the held sockets are bound once, so restart rolld to bind new ones");
        }
        return listeners;
    }

    /** The sockets held now (none before the first start), for readers on other threads. */
    List<io.rolld.os.HeldSocket> current() {
        HeldSocketSet now = listeners;
        return now == null ? List.of() : now.sockets();
    }

    /** Sockets taken back from workers a previous rolld left ({@link Adoption}): held from now on as if bound here. */
    void hold(HeldSocketSet recovered) {
        if (listeners != null) {
            throw new IllegalStateException("group sockets are held already: " + listeners);
        }
        listeners = recovered;
    }

    void close() {
        if (watchdog != null) {
            watchdog.close();
            watchdog = null;
        }
        if (listeners != null) {
            listeners.close();
            listeners = null;
        }
    }
}
