package io.rolld.rollout;

import io.rolld.config.GroupConfig;
import io.rolld.front.Front;
import io.rolld.config.PosixSignal;
import io.rolld.os.Exit;
import io.rolld.process.Stopper;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * What every kind of rollout shares: the current phase, one event per transition, stopping a set
 * with a report per worker, and the rollback that leaves the old set serving. It keeps the time
 * spent {@link #waiting() waiting} for others, so each transition tells rolld's own time apart.
 */
final class Progress {
    private final GroupConfig config;
    private final long generation;
    private final Consumer<RolloutEvent> events;
    private final Stopper stopper;
    private final IntentLog intents;
    private final LongSupplier nanoTime;
    private final long startNanos;
    private Phase phase = Phase.IDLE;
    /** The furthest the front may have gone: it only moves forward, until a rollback puts it back. */
    private Intent.FrontTarget front = Intent.FrontTarget.OLD;
    /** Time spent waiting for the app, the front's hooks, clients or exiting workers. */
    private long waitedNanos;

    /** A wait for others in progress; closing it adds its length to the waited time. */
    interface Waiting extends AutoCloseable {
        @Override
        void close();
    }

    /** {@code intents}: where each phase is recorded before it starts (see {@link Intent}). */
    Progress(GroupConfig config, long generation, Consumer<RolloutEvent> events, Stopper stopper, IntentLog intents) {
        this(config, generation, events, stopper, intents, System::nanoTime);
    }

    Progress(GroupConfig config, long generation, Consumer<RolloutEvent> events, Stopper stopper, IntentLog intents,
             LongSupplier nanoTime) {
        this.stopper = stopper;
        this.intents = intents;
        this.config = config;
        this.generation = generation;
        this.events = events;
        this.nanoTime = nanoTime;
        this.startNanos = nanoTime.getAsLong();
    }

    /**
     * Enters phase {@code to}: first its intent is recorded (write-ahead: on disk before the phase's
     * effect runs), then the transition is reported.
     */
    void enter(Phase to, List<Integer> ports) {
        record(to);
        phase = to;
        long elapsedNanos = nanoTime.getAsLong() - startNanos;
        events.accept(new RolloutEvent.Transition(config.name(), generation, to, ports, elapsedNanos / 1_000_000,
                Math.max(0, elapsedNanos - waitedNanos) / 1_000_000));
    }

    private void record(Phase to) {
        front = switch (to) {
            case IDLE, STARTING, CHECKING -> front;
            case SWITCHING, BAKING -> Intent.FrontTarget.EITHER.compareTo(front) > 0 ? Intent.FrontTarget.EITHER : front;
            case DRAINING, STOPPING -> Intent.FrontTarget.NEW;
            case ROLLING_BACK -> front == Intent.FrontTarget.OLD ? front : Intent.FrontTarget.EITHER;
        };
        intents.record(config.name(), to == Phase.IDLE ? Optional.empty() : Optional.of(Intent.of(to, generation - 1, front)));
    }

    /** {@code try (var _ = progress.waiting()) { ... }} around what is not rolld's own time. */
    Waiting waiting() {
        long since = nanoTime.getAsLong();
        return () -> waitedNanos += nanoTime.getAsLong() - since;
    }

    Phase phase() {
        return phase;
    }

    long elapsedMs() {
        return (nanoTime.getAsLong() - startNanos) / 1_000_000;
    }

    /** Reports a worker just spawned in {@code slot} from {@code specs} (the daemon records it in the workers file at once). */
    void workerStarted(int slot, Worker w, WorkerSpecs specs) {
        events.accept(new RolloutEvent.WorkerStarted(config.name(), generation, slot, w.port(), w.pid(), specs.heldFds()));
    }

    /** Stops {@code set} with the group's stop signal (SIGKILL after stop_timeout) and reports each exit. */
    void stopAndReport(WorkerSet set) {
        Map<Long, Exit> exits;
        try (var _ = waiting()) {
            exits = stopper.stop(set, config.stopSignal(), config.stopTimeout());
        }
        for (Worker w : set.workers()) {
            events.accept(new RolloutEvent.WorkerStopped(config.name(), set.generation(), w.port(), w.pid(), exits.get(w.pid())));
        }
    }

    /**
     * Rolls back: the front (when one was touched) is put back first, while the new set still
     * answers what the front sends it, then {@code drainNext} waits for the connections the front
     * still has on the new set (a reload is not instant), then the new set is stopped; the old set
     * stays active.
     */
    Rollout.Outcome failed(WorkerSet old, WorkerSet next, Front front, Runnable drainNext, String reason, String detail) {
        Phase failedIn = phase;
        enter(Phase.ROLLING_BACK, next.ports());
        StringBuilder fullDetail = new StringBuilder(detail);
        if (front != null) {
            List<String> problems;
            try (var _ = waiting()) {
                problems = front.undo();
            }
            for (String problem : problems) {
                fullDetail.append(fullDetail.isEmpty() ? "" : "\n").append("rollback: ").append(problem);
            }
            drainNext.run();
        }
        stopAndReport(next);
        enter(Phase.IDLE, old.ports());
        return new Rollout.Outcome(new RolloutResult.Failed(config.name(), generation, failedIn, reason, fullDetail.toString(),
                elapsedMs()), old, Optional.empty());
    }

    /** {@code specs} is what a respawned worker of {@code next} is started from; empty where rolld does not respawn. */
    Rollout.Outcome succeeded(WorkerSet old, WorkerSet next, List<Integer> ports, Optional<WorkerSpecs> specs) {
        enter(Phase.IDLE, ports);
        return new Rollout.Outcome(new RolloutResult.Succeeded(config.name(), generation, ports, next.pids(), old.pids(),
                elapsedMs()), next, specs);
    }
}
