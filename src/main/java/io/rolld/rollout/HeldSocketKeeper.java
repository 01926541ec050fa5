package io.rolld.rollout;

import io.rolld.config.HeldSocketConfig;
import io.rolld.os.InheritedSockets;
import io.rolld.os.PassedDescriptors;
import java.io.IOException;
import java.util.List;

/**
 * The sockets a held-socket group keeps for its whole life: bound by the first rollout (so a bind
 * failure fails the first start and rolld exits), handed to every generation, closed at shutdown.
 * Only the group's thread binds; shutdown closes after that thread has ended.
 */
final class HeldSocketKeeper {
    private volatile InheritedSockets listeners;

    /** The held sockets, bound on the first call; a later configuration naming other addresses is refused. */
    InheritedSockets listeners(String group, List<HeldSocketConfig> listen) throws IOException {
        if (listeners == null) {
            listeners = InheritedSockets.open(group, listen, PassedDescriptors.shared());
        } else if (!listen.equals(listeners.sockets().stream().map(s -> s.listen()).toList())) {
            throw new IOException("the 'listen' addresses changed from " + listeners.sockets().stream().map(s -> s.listen().address()).toList()
                    + " to " + listen.stream().map(HeldSocketConfig::address).toList()
                    + "; the held sockets are bound once, so restart rolld to bind new ones");
        }
        return listeners;
    }

    /** The sockets held now (none before the first start), for readers on other threads. */
    List<io.rolld.os.ListeningSocket> current() {
        InheritedSockets now = listeners;
        return now == null ? List.of() : now.sockets();
    }

    /** Sockets taken back from workers a previous rolld left ({@link Adoption}): held from now on as if bound here. */
    void hold(InheritedSockets recovered) {
        if (listeners != null) {
            throw new IllegalStateException("group sockets are held already: " + listeners);
        }
        listeners = recovered;
    }

    void close() {
        if (listeners != null) {
            listeners.close();
            listeners = null;
        }
    }
}
