package io.rolld.rollout;

import io.rolld.config.GroupConfig;
import io.rolld.config.HeldSockets;
import io.rolld.front.FrontContext;
import io.rolld.front.FrontException;
import io.rolld.front.FrontSwitch;
import io.rolld.os.InheritedSockets;
import io.rolld.os.NotifySocket;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One rollout of a held-socket group: the next generation of {@code workers} processes starts
 * beside the old one on the same held sockets; once every new worker is ready the old generation
 * gets its stop signal (it stops accepting and finishes what it serves, while the kernel queue
 * stays open because rolld holds the socket), SIGKILL after stop_timeout. Nothing is switched in a
 * front, so there is no drain phase: a worker's own graceful stop is the drain.
 *
 * <p>Between rollouts the group's {@link Supervisor} respawns crashed workers of the generation
 * and replaces one worker over its memory limit alone ({@link HeldReplacement}).
 */
final class HeldRollout {
    private static final int STDERR_TAIL_LINES = 20;

    private final GroupConfig config;
    private final HeldSockets held;
    private final Path configDir;
    private final WorkerSet old;
    private final long generation;
    private final HeldSocketKeeper hold;
    private final Progress progress;
    private final Consumer<WorkerSet> ready;

    /** {@code ready} sees the new generation once every worker is ready, before the old one stops. */
    HeldRollout(GroupConfig config, Path configDir, WorkerSet old, HeldSocketKeeper hold, Consumer<RolloutEvent> events,
                Consumer<WorkerSet> ready) {
        this.ready = ready;
        this.config = config;
        this.held = config.heldSockets().orElseThrow();
        this.configDir = configDir;
        this.old = old;
        this.generation = old.generation() + 1;
        this.hold = hold;
        this.progress = new Progress(config, generation, events);
    }

    Rollout.Outcome run() {
        progress.enter(Phase.STARTING, List.of());
        InheritedSockets sockets;
        try {
            sockets = hold.listeners(config.name(), held.listen());
        } catch (IOException | RuntimeException e) {
            return progress.failed(old, WorkerSet.empty(), null, "cannot hold the sockets of group " + config.name() + ": " + e.getMessage(), "");
        }
        List<Integer> ports = sockets.ports();
        WorkerSpecs specs;
        try {
            specs = WorkerSpecs.load(config, Optional.of(sockets));
        } catch (IOException e) {
            return progress.failed(old, WorkerSet.empty(), null, "cannot read the envdir: " + e.getMessage(), "");
        }
        Optional<NotifySocket> notify;
        try {
            notify = GenerationReadiness.notifySocket(held.ready(), config.name(), Long.toString(generation));
        } catch (IOException | RuntimeException e) {
            return progress.failed(old, WorkerSet.empty(), null, "cannot create the notify socket: " + e.getMessage(), "");
        }
        try {
            return startCheckAndSwitch(specs, ports, notify);
        } finally {
            notify.ifPresent(NotifySocket::close);
        }
    }

    private Rollout.Outcome startCheckAndSwitch(WorkerSpecs specs, List<Integer> ports, Optional<NotifySocket> notify) {
        List<Worker> started = new ArrayList<>();
        for (int slot = 1; slot <= held.workers(); slot++) {
            try {
                Worker w = specs.spawn(slot, generation, notify.map(NotifySocket::path));
                progress.workerStarted(slot, w, specs);
                started.add(w);
            } catch (IOException | RuntimeException e) {
                return progress.failed(old, new WorkerSet(generation, started), null,
                        "cannot start worker " + slot + ": " + e.getMessage(), "");
            }
        }
        WorkerSet next = new WorkerSet(generation, started);

        progress.enter(Phase.CHECKING, ports);
        Optional<GenerationReadiness.NotReady> notReady;
        try {
            notReady = new GenerationReadiness(held.ready(), config.readyTimeout()).await(next, notify);
        } catch (InterruptedException e) {
            return progress.failed(old, next, null, "interrupted: rolld is shutting down", "");
        }
        if (notReady.isPresent()) {
            Worker w = notReady.get().worker();
            return progress.failed(old, next, null, "worker pid " + w.pid() + " not ready: " + notReady.get().reason(),
                    w.stderrTail(STDERR_TAIL_LINES));
        }

        ready.accept(next);
        progress.enter(Phase.SWITCHING, ports);
        FrontSwitch front = new FrontSwitch(config.afterStart(), configDir, config.hookTimeout());
        try {
            front.apply(new FrontContext(config.name(), generation, ports, ports,
                    next.workers().stream().map(w -> new FrontContext.WorkerRef(w.port(), w.pid())).toList()));
        } catch (FrontException e) {
            return progress.failed(old, next, front, e.getMessage().lines().findFirst().orElse(""), e.getMessage());
        }

        if (!old.workers().isEmpty()) {
            // Past this point the new generation serves; the old one is stopped even if rolld is shutting down.
            progress.enter(Phase.STOPPING, ports);
            progress.stopAndReport(old);
        }
        return progress.succeeded(old, next, ports, Optional.of(specs));
    }
}
