package io.rolld.rollout;

import io.rolld.config.GroupConfig;
import io.rolld.config.HeldSockets;
import io.rolld.front.FrontContext;
import io.rolld.front.FrontException;
import io.rolld.front.FrontSwitch;
import io.rolld.process.Listeners;
import io.rolld.process.NativeSpawn;
import io.rolld.process.NotifySocket;
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
 * <p>Seam for memory limits (issue 4): in this mode a breach should replace one worker only. That
 * is {@link #spawnWorker} for the breaching worker's slot, {@link GenerationReadiness} on a
 * one-worker set, then {@link Progress#stopAndReport} of the one old worker; the group's
 * supervision decides when.
 */
final class HeldRollout {
    private static final int STDERR_TAIL_LINES = 20;

    private final GroupConfig config;
    private final HeldSockets held;
    private final Path configDir;
    private final WorkerSet old;
    private final long generation;
    private final SocketHold hold;
    private final Progress progress;

    HeldRollout(GroupConfig config, Path configDir, WorkerSet old, SocketHold hold, Consumer<RolloutEvent> events) {
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
        Listeners sockets;
        try {
            sockets = hold.listeners(held.listen());
        } catch (IOException | RuntimeException e) {
            return progress.failed(old, WorkerSet.empty(), null, "cannot hold the sockets of group " + config.name() + ": " + e.getMessage(), "");
        }
        List<Integer> ports = sockets.ports();
        Optional<NotifySocket> notify;
        try {
            notify = held.ready() instanceof HeldSockets.Ready.Notify ? Optional.of(NotifySocket.bind(notifyPath())) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return progress.failed(old, WorkerSet.empty(), null, "cannot create the notify socket: " + e.getMessage(), "");
        }
        try {
            return startCheckAndSwitch(sockets, ports, notify);
        } finally {
            notify.ifPresent(NotifySocket::close);
        }
    }

    private Rollout.Outcome startCheckAndSwitch(Listeners sockets, List<Integer> ports, Optional<NotifySocket> notify) {
        List<Worker> started = new ArrayList<>();
        for (int slot = 1; slot <= held.workers(); slot++) {
            try {
                started.add(spawnWorker(sockets, slot, notify));
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
        return progress.succeeded(old, next, ports, Optional.empty()); // respawn in held mode: not yet
    }

    private Worker spawnWorker(Listeners sockets, int slot, Optional<NotifySocket> notify) throws IOException {
        Worker w = NativeSpawn.spawn(WorkerSpecs.forHeldSlot(config, slot, generation, sockets, notify.map(NotifySocket::path)),
                sockets.fds());
        progress.workerStarted(w);
        return w;
    }

    /** Short (sun_path holds 107 bytes) and unique per rolld, group and generation. */
    private Path notifyPath() {
        return Path.of(System.getProperty("java.io.tmpdir"),
                "rolld-" + ProcessHandle.current().pid() + "-" + config.name() + "-" + generation + ".notify");
    }
}
