package io.rolld.daemon;

import io.rolld.os.PassedDescriptors;
import io.rolld.rollout.Group;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The held sockets as they pass from one rolld image to the next: collected by name for a re-exec,
 * and, once every group has started, the passed ones no group took closed, so their ports are free.
 */
final class HandedOverSockets {
    private static final Logger LOG = LoggerFactory.getLogger("rolld");

    private HandedOverSockets() {
    }

    /** Every held socket by its passed-on name ({@code GROUP/SOCKET}). */
    static Map<String, Integer> byName(List<Group> groups) {
        Map<String, Integer> held = new LinkedHashMap<>();
        groups.forEach(g -> g.heldSockets().forEach(s -> held.put(PassedDescriptors.nameOf(g.name(), s.listen()), s.fd())));
        return held;
    }

    /** Sockets systemd or the previous image passed that no group took (rolld.yml changed, or adoption copied its own). */
    static void closeUntaken() {
        List<String> closed = PassedDescriptors.shared().closeUntaken();
        if (!closed.isEmpty()) {
            LOG.info("{}", Logfmt.event("passed_sockets_closed").kv("names", closed)
                    .kv("action", "no group holds these descriptors; the groups' own sockets are unaffected"));
        }
    }
}
