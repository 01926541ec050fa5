package io.rolld.rollout;

import io.rolld.config.GroupConfig;
import io.rolld.config.Worksets;
import io.rolld.os.ProcNetTcp;
import io.rolld.probe.Readiness;
import io.rolld.process.Spawner;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Load-balancer mode: the next workset's ports must be free, each worker binds its own port, the
 * smoke tests say when it is ready, and the old set drains its connections before it stops.
 */
final class WorksetMode implements RolloutMode {
    /** Listening addresses that a smoke test's connection to 127.0.0.1 reaches. */
    private static final Set<String> PROBED_ADDRESSES = Set.of("127.0.0.1", "0.0.0.0", "::", "::ffff:127.0.0.1");

    private final GroupConfig config;
    private final List<Integer> ports;
    private final long generation;
    private final ProcNetTcp tcp;
    private final Spawner spawner;

    WorksetMode(GroupConfig config, Worksets worksets, long generation, Host host) {
        this.config = config;
        this.ports = worksets.workset(generation - 1).ports();
        this.generation = generation;
        this.tcp = host.tcp();
        this.spawner = host.spawner();
    }

    @Override
    public List<Integer> plannedPorts() {
        return ports;
    }

    @Override
    public List<Integer> slots() {
        return ports;
    }

    @Override
    public Plan prepare() throws RolloutFailure {
        Map<Integer, Long> taken = tcp.listening(new HashSet<>(ports));
        if (!taken.isEmpty()) {
            throw new RolloutFailure(describeTaken(taken) + " of the next workset already in use by another process; refusing to start", "");
        }
        try {
            return new Plan(WorkerSpecs.load(config, new Slots.Ports(), spawner), ports, ports);
        } catch (IOException e) {
            throw new RolloutFailure(e.getMessage(), ""); // what could not be read, and why
        }
    }

    @Override
    public Worker spawn(Plan plan, int slot) throws IOException {
        return plan.specs().spawn(slot, generation, Optional.empty());
    }

    @Override
    public void awaitReady(WorkerSet next) throws RolloutFailure, InterruptedException {
        Readiness.Outcome checked = new Readiness(config.smokeTests())
                .await(ports, config.readyTimeout(), port -> exitedWorker(next, port), next.anyExit());
        if (checked instanceof Readiness.Failed f) {
            Worker w = next.workers().get(ports.indexOf(f.port()));
            throw new RolloutFailure("smoke test failed on port " + f.port() + " (pid " + w.pid() + "): " + f.reason()
                    + listenerHint(f.port(), w), w.stderrTail(STDERR_TAIL_LINES));
        }
    }

    @Override
    public void recheck(WorkerSet next, String during) throws RolloutFailure, InterruptedException {
        Optional<Readiness.Failed> failed = new Readiness(config.smokeTests()).checkOnce(ports);
        if (failed.isPresent()) {
            Worker w = next.workers().get(ports.indexOf(failed.get().port()));
            throw new RolloutFailure("smoke test failed on port " + failed.get().port() + " (pid " + w.pid() + ") during the "
                    + during + ": " + failed.get().reason(), w.stderrTail(STDERR_TAIL_LINES));
        }
    }

    @Override
    public List<Integer> oldPorts(WorkerSet old) {
        return old.ports();
    }

    @Override
    public List<Integer> portsToDrain(WorkerSet old) {
        return old.ports();
    }

    @Override
    public void close() {
        // nothing held beyond the rollout: the workers bind their own ports
    }

    private static Optional<String> exitedWorker(WorkerSet set, int port) {
        Worker w = set.workers().get(set.ports().indexOf(port));
        if (w.isAlive()) {
            return Optional.empty();
        }
        return Optional.of("worker exited during the smoke test (" + w.exit().join() + ")");
    }

    /** "port 8001 (pid 42: python3 other.py)", or "ports 8001 (...), 8002 (owner unknown)". */
    private String describeTaken(Map<Integer, Long> taken) {
        return (taken.size() == 1 ? "port " : "ports ") + taken.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " (" + tcp.ownerOf(e.getValue())
                        .map(pid -> "pid " + pid + ProcessHandle.of(pid).flatMap(p -> p.info().commandLine()).map(c -> ": " + c).orElse(""))
                        .orElse("owner unknown") + ")")
                .collect(Collectors.joining(", "));
    }

    /** Why a live worker may fail its smoke test though it runs: it listens nowhere, or not where the test connects. */
    private String listenerHint(int port, Worker w) {
        if (!w.isAlive()) {
            return "";
        }
        List<String> addresses = tcp.listenAddresses(port);
        if (addresses.isEmpty()) {
            return "; nothing listens on port " + port;
        }
        if (addresses.stream().noneMatch(PROBED_ADDRESSES::contains)) {
            return "; port " + port + " listens only on " + String.join(", ", addresses)
                    + " but smoke tests connect to 127.0.0.1 (bind 127.0.0.1, 0.0.0.0 or ::)";
        }
        return "";
    }
}
