package io.rolld.rollout;

import io.rolld.process.Stopper;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Replaces one worker of a held-socket group's serving generation (one over its memory limit), off
 * the group's loop: {@link #start} starts its successor in the same slot with the generation's
 * environment and waits until it is ready by the group's {@code ready:} rule; the loop then swaps
 * it in and {@link #retire} gives the old one the stop signal (SIGKILL after stop_timeout). The
 * other workers keep serving the held sockets all along, so nothing is refused. A successor that
 * is not ready is stopped and the old worker keeps running.
 */
final class HeldReplacement {
    private final Supervisor.Replacement request;
    private final Consumer<RolloutEvent> events;
    private final Progress progress;
    private final HeldSocketKeeper hold;

    /** {@code hold}: the group's sockets, its notify socket among them when it has a watchdog. */
    HeldReplacement(Supervisor.Replacement request, Consumer<RolloutEvent> events, Stopper stopper, HeldSocketKeeper hold) {
        this.request = request;
        this.hold = hold;
        this.events = events;
        this.progress = new Progress(request.specs().group(), request.generation(), events, stopper);
    }

    Supervisor.Replacement request() {
        return request;
    }

    /** The successor, ready; empty when it failed (reported, and whatever started stopped). Blocks. */
    Optional<Worker> start() {
        Optional<NotifySource> notify;
        try {
            notify = GenerationReadiness.notifySource(request.held().ready(), request.specs().group(),
                    request.generation() + "-w" + request.slot(), hold);
        } catch (IOException | RuntimeException e) {
            return failed(WorkerSet.empty(), "cannot create the notify socket: " + e.getMessage(), "");
        }
        try {
            return startAndAwait(notify);
        } finally {
            notify.ifPresent(NotifySource::close);
        }
    }

    private Optional<Worker> startAndAwait(Optional<NotifySource> notify) {
        Worker next;
        try {
            next = request.specs().spawn(request.slot(), request.generation(), notify.map(NotifySource::path));
        } catch (IOException | RuntimeException e) {
            return failed(WorkerSet.empty(), "cannot start the replacement: " + e.getMessage(), "");
        }
        progress.workerStarted(request.slot(), next, request.specs());
        WorkerSet alone = new WorkerSet(request.generation(), List.of(next));
        Optional<GenerationReadiness.NotReady> notReady;
        try {
            notReady = new GenerationReadiness(request.held().ready(), request.specs().group().readyTimeout()).await(alone, notify);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down: the group stops the serving set next
            return failed(alone, "interrupted: rolld is shutting down", "");
        }
        if (notReady.isPresent()) {
            return failed(alone, "replacement pid " + next.pid() + " not ready: " + notReady.get().reason(),
                    next.stderrTail(RolloutMode.STDERR_TAIL_LINES));
        }
        return Optional.of(next);
    }

    /** {@code successor} serves in the old worker's place: the old one is stopped, and the replacement reported. Blocks. */
    void retire(Worker successor) {
        progress.stopAndReport(new WorkerSet(request.generation(), List.of(request.old())));
        events.accept(new RolloutEvent.WorkerReplaced(request.specs().group().name(), request.generation(), request.slot(),
                request.old().pid(), successor.pid(), request.reason().label(), progress.elapsedMs()));
    }

    /** Nobody needs the ready {@code successor} any more ({@code why}): it is stopped. Blocks. */
    void drop(Worker successor, String why) {
        progress.stopAndReport(new WorkerSet(request.generation(), List.of(successor)));
        events.accept(new RolloutEvent.ReplacementFailed(request.specs().group().name(), request.generation(), request.slot(),
                request.old().pid(), why, "", progress.elapsedMs(), "the replacement was stopped"));
    }

    private Optional<Worker> failed(WorkerSet started, String reason, String detail) {
        progress.stopAndReport(started);
        events.accept(new RolloutEvent.ReplacementFailed(request.specs().group().name(), request.generation(), request.slot(),
                request.old().pid(), reason, detail, progress.elapsedMs(), "the old worker keeps running"));
        return Optional.empty();
    }
}
