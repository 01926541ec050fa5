package io.rolld.front;

import io.rolld.haproxy.AdminState;
import io.rolld.haproxy.Refused;
import io.rolld.haproxy.RuntimeApi;
import io.rolld.haproxy.Server;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * HAProxy switched through its runtime API, with no reload: each switch sets the backend's server
 * slots ({@link HaproxySlots}), waits until the new ones run, drains the old ones, reads every
 * slot back, then runs the group's after_start hooks (the template is rendered, so an HAProxy
 * started later starts with the set that serves). {@link #undo} puts every slot back as it was
 * before the first switch, then undoes the hooks.
 */
public final class HaproxyFront implements Front {
    private static final Duration POLL = Duration.ofMillis(25);

    private final RuntimeApi api;
    private final String where;
    private final String backend;
    private final FrontSwitch hooks;
    private final Duration runningTimeout;
    /** The backend's servers before the first switch; null until then. */
    private List<Server> before;

    /**
     * @param where          the socket, for messages
     * @param runningTimeout how long new servers may take to run (with health checks, until they pass)
     */
    public HaproxyFront(RuntimeApi api, String where, String backend, FrontSwitch hooks, Duration runningTimeout) {
        this.api = api;
        this.where = where;
        this.backend = backend;
        this.hooks = hooks;
        this.runningTimeout = runningTimeout;
    }

    @Override
    public void apply(FrontContext context) throws FrontException {
        try {
            List<Server> now = api.servers(backend);
            if (before == null) {
                before = now;
            }
            List<HaproxySlots.Target> plan = HaproxySlots.plan(now, context, backend);
            Map<String, Server> current = byName(now);
            List<HaproxySlots.Target> ready = plan.stream().filter(t -> t.state() == AdminState.READY).toList();
            for (HaproxySlots.Target t : ready) {
                Server slot = current.get(t.server());
                point(slot, Server.WORKER_ADDRESS, t.port(), t.weight());
                if (slot.state() != AdminState.READY) {
                    api.setState(backend, t.server(), AdminState.READY);
                }
            }
            awaitRunning(ready);
            for (HaproxySlots.Target t : plan) {
                if (t.state() != AdminState.READY) {
                    api.setState(backend, t.server(), t.state());
                }
            }
            readBack(plan);
        } catch (Refused e) {
            throw refused(e);
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FrontException("interrupted while waiting for HAProxy at " + where, e);
        }
        hooks.apply(context);
    }

    /** Every slot back to what it was before the first switch (the ready ones first), then the hooks undone. */
    @Override
    public List<String> undo() {
        List<String> problems = new ArrayList<>();
        if (before != null) {
            try {
                Map<String, Server> now = byName(api.servers(backend));
                List<Server> changed = before.stream().filter(b -> !same(b, now.get(b.name())))
                        .sorted(Comparator.comparing(b -> b.state() != AdminState.READY)).toList();
                for (Server b : changed) {
                    Server n = now.get(b.name());
                    if (n == null) {
                        continue; // reported below: HAProxy no longer has it
                    }
                    if (b.state() != AdminState.READY && n.state() != b.state()) {
                        api.setState(backend, b.name(), b.state()); // out of traffic before it is pointed back
                    }
                    point(n, b.address(), b.port(), b.weight());
                    if (b.state() == AdminState.READY && n.state() != AdminState.READY) {
                        api.setState(backend, b.name(), AdminState.READY);
                    }
                }
                Map<String, Server> after = byName(api.servers(backend));
                for (Server b : changed) {
                    if (!same(b, after.get(b.name()))) {
                        problems.add("HAProxy at " + where + " reads server " + backend + "/" + b.name() + " back as "
                                + describe(after.get(b.name())) + ", not as before the rollout: " + b.describe());
                    }
                }
            } catch (Refused e) {
                problems.add(refused(e).getMessage());
            } catch (IOException e) {
                problems.add(unreachable(e).getMessage());
            }
        }
        problems.addAll(hooks.undo());
        return problems;
    }

    /** Address and weight; a slot is pointed and weighted before it is set ready. */
    private void point(Server slot, String address, int port, int weight) throws IOException, Refused {
        if (!slot.address().equals(address) || slot.port() != port) {
            api.setAddress(backend, slot.name(), address, port);
        }
        if (slot.weight() != weight) {
            api.setWeight(backend, slot.name(), weight);
        }
    }

    /**
     * With health checks, a server set ready runs only once its checks pass: the old servers keep
     * the traffic until then. Without checks it runs at once (one read).
     */
    private void awaitRunning(List<HaproxySlots.Target> ready) throws IOException, Refused, InterruptedException, FrontException {
        long deadline = System.nanoTime() + runningTimeout.toNanos();
        while (true) {
            Map<String, Server> now = byName(api.servers(backend));
            List<String> waiting = ready.stream().filter(t -> now.containsKey(t.server()) && !now.get(t.server()).running())
                    .map(HaproxySlots.Target::server).toList();
            if (waiting.isEmpty()) {
                return;
            }
            if (System.nanoTime() >= deadline) {
                throw new FrontException("HAProxy at " + where + " does not run servers " + waiting + " of backend " + backend
                        + " within " + runningTimeout.toMillis() + " ms of setting them ready (hint: their health checks fail;"
                        + " rolld smoke-tests the workers itself, so the servers need no 'check')");
            }
            Thread.sleep(POLL);
        }
    }

    private void readBack(List<HaproxySlots.Target> plan) throws IOException, Refused, FrontException {
        Map<String, Server> now = byName(api.servers(backend));
        List<String> wrong = plan.stream().filter(t -> now.get(t.server()) == null || !t.matches(now.get(t.server())))
                .map(t -> t.server() + " reads back as " + describe(now.get(t.server())) + ", expected " + t.describe()).toList();
        if (!wrong.isEmpty()) {
            throw new FrontException("HAProxy at " + where + " did not take the change to backend " + backend + ": "
                    + String.join("; ", wrong));
        }
    }

    private static boolean same(Server a, Server b) {
        return b != null && a.address().equals(b.address()) && a.port() == b.port() && a.weight() == b.weight() && a.state() == b.state();
    }

    private static String describe(Server s) {
        return s == null ? "missing" : s.describe();
    }

    private static Map<String, Server> byName(List<Server> servers) {
        return servers.stream().collect(Collectors.toMap(Server::name, Function.identity(), (a, b) -> a));
    }

    private FrontException refused(Refused e) {
        return new FrontException("HAProxy at " + where + " refused '" + e.command() + "': " + e.answer(), e);
    }

    private FrontException unreachable(IOException e) {
        return new FrontException("cannot reach HAProxy at " + where + ": " + e.getMessage(), e);
    }
}
