package io.rolld.drain;

import io.rolld.haproxy.AdminState;
import io.rolld.haproxy.Refused;
import io.rolld.haproxy.RuntimeApi;
import io.rolld.haproxy.Server;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * HAProxy's own count of the old servers' sessions ({@code scur} of {@code show stat}), and their
 * release: maintenance, which makes HAProxy close its idle connections to them.
 */
public final class HaproxySessions implements FrontSessions {
    private final RuntimeApi api;
    private final String backend;

    public HaproxySessions(RuntimeApi api, String backend) {
        this.api = api;
        this.backend = backend;
    }

    @Override
    public Map<Integer, Integer> open(Set<Integer> ports) throws IOException {
        try {
            List<Server> servers = at(ports);
            Map<String, Integer> sessions = api.sessions(backend);
            Map<Integer, Integer> open = new TreeMap<>();
            for (Server s : servers) {
                int n = sessions.getOrDefault(s.name(), 0);
                if (n > 0) {
                    open.merge(s.port(), n, Integer::sum);
                }
            }
            return open;
        } catch (Refused e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public void release(Set<Integer> ports) throws IOException {
        try {
            for (Server s : at(ports)) {
                if (s.state() != AdminState.MAINT) {
                    api.setState(backend, s.name(), AdminState.MAINT);
                }
            }
            List<Server> left = at(ports).stream().filter(s -> s.state() != AdminState.MAINT).toList();
            if (!left.isEmpty()) {
                throw new IOException("HAProxy did not put " + left.stream().map(Server::name).toList() + " of backend " + backend
                        + " in maintenance");
            }
        } catch (Refused e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private List<Server> at(Set<Integer> ports) throws IOException, Refused {
        return api.servers(backend).stream().filter(s -> ports.stream().anyMatch(s::isWorker)).toList();
    }
}
