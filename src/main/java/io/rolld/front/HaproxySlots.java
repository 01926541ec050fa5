package io.rolld.front;

import io.rolld.haproxy.AdminState;
import io.rolld.haproxy.Server;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which server slot of the backend holds which port, and in what state, for one switch. Pure: it
 * reads the servers HAProxy has now and returns what each slot must become. A slot is found by
 * its address, never by its name, so a backend rendered by name ({@code server s8001 ...}) and
 * one from {@code server-template} work alike:
 * <ul>
 *   <li>each port the front lists now ({@link FrontContext#servers()}) keeps the slot already at
 *       its address, or takes a free one (maintenance first, in configuration order), ready at its weight;</li>
 *   <li>an old port no longer listed goes to drain (when it was ready);</li>
 *   <li>every other slot is put in maintenance: nothing rolld does not run gets traffic.</li>
 * </ul>
 */
final class HaproxySlots {
    private HaproxySlots() {
    }

    /** What one slot must become; only slots that change are listed. */
    record Target(String server, int port, int weight, AdminState state) {
        boolean matches(Server s) {
            return state == AdminState.READY
                    ? s.state() == AdminState.READY && s.isWorker(port) && s.weight() == weight
                    : s.state() == state;
        }

        String describe() {
            return state == AdminState.READY ? Server.WORKER_ADDRESS + ":" + port + " weight " + weight + " ready" : state.word();
        }
    }

    /**
     * The changes, in the order they are safe to make: the new servers ready first, then the old
     * ones drained, then the rest in maintenance. Empty when HAProxy already matches.
     */
    static List<Target> plan(List<Server> servers, FrontContext context, String backend) throws FrontException {
        Set<Integer> known = new HashSet<>(context.ports());
        known.addAll(context.oldPorts());
        Map<Integer, Server> atPort = new LinkedHashMap<>();
        for (Server s : servers) {
            if (s.address().equals(Server.WORKER_ADDRESS)) {
                atPort.putIfAbsent(s.port(), s);
            }
        }
        List<Server> free = new ArrayList<>(servers.stream()
                .filter(s -> known.stream().noneMatch(s::isWorker)).toList());
        free.sort(Comparator.comparing(s -> s.state() != AdminState.MAINT)); // stable: configuration order within each kind
        List<ServerWeights.Server> listed = context.servers();
        long missing = listed.stream().filter(l -> !atPort.containsKey(l.port())).count();
        if (missing > free.size()) {
            throw new FrontException("backend " + backend + " has " + servers.size() + " servers, " + free.size() + " of them free, but "
                    + missing + " more are needed for ports " + listed.stream().map(ServerWeights.Server::port).toList()
                    + " (hint: a slot for every port of two worksets, e.g. server-template s 1-"
                    + (servers.size() + missing - free.size()) + " 127.0.0.1:1 disabled)");
        }
        List<Target> ready = new ArrayList<>();
        Set<String> used = new HashSet<>();
        int nextFree = 0;
        for (ServerWeights.Server l : listed) {
            Server slot = atPort.containsKey(l.port()) ? atPort.get(l.port()) : free.get(nextFree++);
            used.add(slot.name());
            ready.add(new Target(slot.name(), l.port(), l.weight(), AdminState.READY));
        }
        List<Target> drained = new ArrayList<>();
        List<Target> parked = new ArrayList<>();
        for (Server s : servers) {
            if (used.contains(s.name())) {
                continue;
            }
            boolean old = context.oldPorts().stream().anyMatch(s::isWorker) && s.state() != AdminState.MAINT;
            (old ? drained : parked).add(new Target(s.name(), s.port(), s.weight(), old ? AdminState.DRAIN : AdminState.MAINT));
        }
        List<Target> all = new ArrayList<>(ready);
        all.addAll(drained);
        all.addAll(parked);
        Map<String, Server> byName = new LinkedHashMap<>();
        servers.forEach(s -> byName.put(s.name(), s));
        return all.stream().filter(t -> !t.matches(byName.get(t.server()))).toList();
    }
}
