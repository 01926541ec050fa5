package io.rolld.rollout;

import io.rolld.config.GroupConfig;
import io.rolld.os.Exit;
import io.rolld.config.PosixSignal;
import io.rolld.process.Stopper;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * What every kind of rollout reports: one event per transition, stopping a set with a report per
 * worker. It keeps the time spent {@link #waiting() waiting} for others (the effects, off the loop),
 * so each transition tells rolld's own time apart.
 */
final class Progress {
    private final GroupConfig config;
    private final long generation;
    private final Consumer<RolloutEvent> events;
    private final Stopper stopper;
    private final LongSupplier nanoTime;
    private final long startNanos;
    /** Time spent waiting for the app, the front's hooks, clients or exiting workers; added to by the effects' threads. */
    private final AtomicLong waitedNanos = new AtomicLong();

    /** A wait for others in progress; closing it adds its length to the waited time. */
    interface Waiting extends AutoCloseable {
        @Override
        void close();
    }

    Progress(GroupConfig config, long generation, Consumer<RolloutEvent> events, Stopper stopper) {
        this(config, generation, events, stopper, System::nanoTime);
    }

    Progress(GroupConfig config, long generation, Consumer<RolloutEvent> events, Stopper stopper, LongSupplier nanoTime) {
        this.stopper = stopper;
        this.config = config;
        this.generation = generation;
        this.events = events;
        this.nanoTime = nanoTime;
        this.startNanos = nanoTime.getAsLong();
    }

    void enter(Phase to, List<Integer> ports) {
        long elapsedNanos = nanoTime.getAsLong() - startNanos;
        events.accept(new RolloutEvent.Transition(config.name(), generation, to, ports, elapsedNanos / 1_000_000,
                Math.max(0, elapsedNanos - waitedNanos.get()) / 1_000_000));
    }

    /** {@code try (var _ = progress.waiting()) { ... }} around what is not rolld's own time. */
    Waiting waiting() {
        long since = nanoTime.getAsLong();
        return () -> waitedNanos.addAndGet(nanoTime.getAsLong() - since);
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
}
