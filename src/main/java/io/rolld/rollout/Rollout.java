package io.rolld.rollout;

import io.rolld.config.GroupConfig;
import io.rolld.drain.Drain;
import io.rolld.front.FrontContext;
import io.rolld.front.FrontException;
import io.rolld.front.FrontSwitch;
import io.rolld.os.ProcNetTcp;
import io.rolld.probe.Readiness;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * One rollout of one group, from its old set to the next generation. The only place that
 * orders the steps; it runs on its group's thread and reports every transition.
 */
final class Rollout {
    private static final int STDERR_TAIL_LINES = 20;
    /** Listening addresses that a smoke test's connection to 127.0.0.1 reaches. */
    private static final Set<String> PROBED_ADDRESSES = Set.of("127.0.0.1", "0.0.0.0", "::", "::ffff:127.0.0.1");

    private final GroupConfig config;
    private final Path configDir;
    private final WorkerSet old;
    private final long generation;
    private final ProcNetTcp tcp;
    private final Consumer<RolloutEvent> events;
    private final Progress progress;
    private final Consumer<WorkerSet> smokeTestPassed;
    /** What this rollout has started or touched so far: an unexpected exception still rolls it back. */
    private final List<Worker> started = new ArrayList<>();
    private FrontSwitch front;

    /** {@code checked} sees the new set once it passed its smoke test, before the front switches to it. */
    Rollout(GroupConfig config, Path configDir, WorkerSet old, ProcNetTcp tcp, Consumer<RolloutEvent> events,
            Consumer<WorkerSet> checked) {
        this.smokeTestPassed = checked;
        this.config = config;
        this.configDir = configDir;
        this.old = old;
        this.generation = old.generation() + 1;
        this.tcp = tcp;
        this.events = events;
        this.progress = new Progress(config, generation, events);
    }

    /**
     * On success the caller's new active set is {@link #next}, started from {@code specs}; on
     * failure the old set is untouched and {@code specs} is empty.
     */
    record Outcome(RolloutResult result, WorkerSet active, Optional<WorkerSpecs> specs) {
    }

    /**
     * Runs the rollout. A bug or an unexpected I/O error (a RuntimeException) before the switch is
     * rolled back like any failure, so no worker it started is left untracked.
     */
    Outcome run() {
        try {
            return steps();
        } catch (RuntimeException e) {
            return failed(new WorkerSet(generation, started), front, "internal error: " + e,
                    Arrays.stream(e.getStackTrace()).limit(8).map(String::valueOf).collect(Collectors.joining("\n")));
        }
    }

    private Outcome steps() {
        List<Integer> ports = config.workset(generation - 1).ports();
        enter(Phase.STARTING, ports);
        Map<Integer, Long> taken = tcp.listening(new HashSet<>(ports));
        if (!taken.isEmpty()) {
            return failed(WorkerSet.empty(), null, describeTaken(taken)
                    + " of the next workset already in use by another process; refusing to start", "");
        }
        WorkerSpecs specs;
        try {
            specs = WorkerSpecs.load(config, Optional.empty());
        } catch (IOException e) {
            return failed(WorkerSet.empty(), null, "cannot read the envdir: " + e.getMessage(), "");
        }
        for (int port : ports) {
            try {
                Worker w = specs.spawn(port, generation, Optional.empty());
                started.add(w);
                progress.workerStarted(port, w, specs);
            } catch (IOException | IllegalArgumentException e) {
                return failed(new WorkerSet(generation, started), null,
                        "cannot start worker on port " + port + ": " + e.getMessage(), "");
            }
        }
        WorkerSet next = new WorkerSet(generation, started);

        enter(Phase.CHECKING, ports);
        Readiness.Outcome checked;
        try {
            checked = new Readiness(config.smokeTests()).await(ports, config.readyTimeout(), port -> exitedWorker(next, port),
                    next.anyExit());
        } catch (InterruptedException e) {
            return failed(next, null, "interrupted: rolld is shutting down", "");
        }
        if (checked instanceof Readiness.Failed f) {
            Worker w = next.workers().get(ports.indexOf(f.port()));
            return failed(next, null, "smoke test failed on port " + f.port() + " (pid " + w.pid() + "): " + f.reason()
                    + listenerHint(f.port(), w), w.stderrTail(STDERR_TAIL_LINES));
        }

        smokeTestPassed.accept(next);
        enter(Phase.SWITCHING, ports);
        front = new FrontSwitch(config.afterStart(), configDir, config.hookTimeout());
        try {
            front.apply(context(next));
        } catch (FrontException e) {
            return failed(next, front, e.getMessage().lines().findFirst().orElse(""), e.getMessage());
        }

        if (!old.workers().isEmpty()) {
            retire();
        }
        return progress.succeeded(old, next, ports, Optional.of(specs));
    }

    /** Past the switch the new set serves; the old one drains and stops even if rolld is shutting down. */
    private void retire() {
        enter(Phase.DRAINING, old.ports());
        try {
            Drain.Result drained = new Drain(tcp).await(new HashSet<>(old.ports()), config.drainTimeout());
            if (!drained.drained()) {
                events.accept(new RolloutEvent.DrainTimedOut(config.name(), generation, drained.remaining(), drained.elapsedMs()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down: skip the wait, still stop cleanly below
        } catch (RuntimeException e) {
            // Past the switch there is no way back: an unreadable /proc ends the wait, not the stop.
            events.accept(new RolloutEvent.DrainTimedOut(config.name(), generation, Map.of(), progress.elapsedMs()));
        }
        enter(Phase.STOPPING, old.ports());
        progress.stopAndReport(old);
    }

    private Optional<String> exitedWorker(WorkerSet set, int port) {
        Worker w = set.workers().get(set.ports().indexOf(port));
        if (w.isAlive()) {
            return Optional.empty();
        }
        return Optional.of("worker exited during the smoke test (" + w.exit().join() + ")");
    }

    private Outcome failed(WorkerSet next, FrontSwitch front, String reason, String detail) {
        return progress.failed(old, next, front, reason, detail);
    }

    private FrontContext context(WorkerSet next) {
        return new FrontContext(config.name(), generation, next.ports(), old.ports(),
                next.workers().stream().map(w -> new FrontContext.WorkerRef(w.port(), w.pid())).toList());
    }

    private void enter(Phase to, List<Integer> ports) {
        progress.enter(to, ports);
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
