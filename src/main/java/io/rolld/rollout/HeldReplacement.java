package io.rolld.rollout;

import io.rolld.config.HeldSockets;
import io.rolld.os.NotifySocket;
import io.rolld.process.Stopper;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Replaces one worker of a held-socket group's active generation (one over its memory limit):
 * its successor starts first in the same slot with the generation's environment, and only once
 * it is ready by the group's {@code ready:} rule does the old one get the stop signal (SIGKILL
 * after stop_timeout). The other workers keep serving the held sockets all along, so nothing is
 * refused. A successor that is not ready is stopped and the old worker keeps running.
 */
final class HeldReplacement {
    private final WorkerSpecs specs;
    private final HeldSockets held;
    private final long generation;
    private final Consumer<RolloutEvent> events;
    private final Progress progress;

    HeldReplacement(WorkerSpecs specs, HeldSockets held, long generation, Consumer<RolloutEvent> events, Stopper stopper) {
        this.specs = specs;
        this.held = held;
        this.generation = generation;
        this.events = events;
        this.progress = new Progress(specs.group(), generation, events, stopper);
    }

    /** The successor of {@code old} in {@code slot}, ready and serving; empty when it failed (reported). */
    Optional<Worker> replace(int slot, Worker old) {
        Optional<NotifySocket> notify;
        try {
            notify = GenerationReadiness.notifySocket(held.ready(), specs.group().name(), generation + "-w" + slot);
        } catch (IOException | RuntimeException e) {
            return failed(slot, old, WorkerSet.empty(), "cannot create the notify socket: " + e.getMessage(), "");
        }
        try {
            return startAndSwap(slot, old, notify);
        } finally {
            notify.ifPresent(NotifySocket::close);
        }
    }

    private Optional<Worker> startAndSwap(int slot, Worker old, Optional<NotifySocket> notify) {
        Worker next;
        try {
            next = specs.spawn(slot, generation, notify.map(NotifySocket::path));
        } catch (IOException | RuntimeException e) {
            return failed(slot, old, WorkerSet.empty(), "cannot start the replacement: " + e.getMessage(), "");
        }
        progress.workerStarted(slot, next, specs);
        WorkerSet alone = new WorkerSet(generation, List.of(next));
        Optional<GenerationReadiness.NotReady> notReady;
        try {
            notReady = new GenerationReadiness(held.ready(), specs.group().readyTimeout()).await(alone, notify);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down: the group's thread stops the active set next
            return failed(slot, old, alone, "interrupted: rolld is shutting down", "");
        }
        if (notReady.isPresent()) {
            return failed(slot, old, alone, "replacement pid " + next.pid() + " not ready: " + notReady.get().reason(),
                    next.stderrTail(RolloutMode.STDERR_TAIL_LINES));
        }
        progress.stopAndReport(new WorkerSet(generation, List.of(old)));
        events.accept(new RolloutEvent.WorkerReplaced(specs.group().name(), generation, slot, old.pid(), next.pid(),
                progress.elapsedMs()));
        return Optional.of(next);
    }

    private Optional<Worker> failed(int slot, Worker old, WorkerSet started, String reason, String detail) {
        progress.stopAndReport(started);
        events.accept(new RolloutEvent.ReplacementFailed(specs.group().name(), generation, slot, old.pid(), reason, detail,
                progress.elapsedMs()));
        return Optional.empty();
    }
}
