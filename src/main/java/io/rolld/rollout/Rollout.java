package io.rolld.rollout;

import io.rolld.config.Delivery;
import io.rolld.config.GroupConfig;
import io.rolld.drain.Drain;
import io.rolld.front.FrontContext;
import io.rolld.front.FrontException;
import io.rolld.front.Front;
import io.rolld.config.PosixSignal;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One rollout of one group, from its old set to the next generation, in either mode: the only
 * place that orders the steps (see {@code package-info.java}); what differs by mode is asked of
 * its {@link RolloutMode}. It runs on its group's thread and reports every transition.
 *
 * <p>Each phase is one method that completes or throws {@link RolloutFailure}; a failure, an
 * interrupt or an unexpected exception in a {@link Phase#REVERSIBLE} phase rolls back (the new set
 * stopped, the front put back), so no worker it started is left untracked. A new phase is one more
 * method in {@link #steps} and, if a failure in it must roll back, one more reversible phase.
 */
final class Rollout {
    private static final Logger LOG = LoggerFactory.getLogger("rolld");
    private static final int STACK_LINES = 8;
    /** Spawns in flight at once (see {@link #spawn}). */
    private static final int SPAWNING_AT_ONCE = 4;

    private final GroupConfig config;
    private final Path configDir;
    private final RolloutMode mode;
    private final WorkerSet old;
    /** The old set slot by slot, for batches: what was retired early, and how to put it back. */
    private final OldSet oldSet;
    private final long generation;
    private final Host host;
    private final Consumer<RolloutEvent> events;
    private final Progress progress;
    private final Consumer<WorkerSet> checked;
    private final Steering steering;
    /** What this rollout has started so far: whatever ends it, these are stopped or become the active set. */
    private final List<Worker> started = new ArrayList<>();
    private RolloutMode.Plan plan;
    private WorkerSet next;
    private Front front;

    /** {@code checked} sees the new set once it is ready (smoke tests passed), before the front switches to it. */
    Rollout(GroupConfig config, Path configDir, RolloutMode mode, WorkerSet old, Host host, Consumer<RolloutEvent> events,
            Consumer<WorkerSet> checked, Steering steering, Optional<WorkerSpecs> oldSpecs) {
        this.steering = steering;
        this.oldSet = new OldSet(old, oldSpecs);
        this.config = config;
        this.configDir = configDir;
        this.mode = mode;
        this.old = old;
        this.generation = old.generation() + 1;
        this.host = host;
        this.events = events;
        this.checked = checked;
        this.progress = new Progress(config, generation, events, host.stopper(), host.intents());
    }

    /**
     * On success the caller's new active set is {@code active}, started from {@code specs}; on
     * failure the old set is untouched and {@code specs} is empty.
     */
    record Outcome(RolloutResult result, WorkerSet active, Optional<WorkerSpecs> specs) {
    }

    Outcome run() {
        try (mode) {
            return steps();
        } catch (RolloutFailure f) {
            return rollBack(f.reason(), f.detail());
        } catch (InterruptedException e) {
            return rollBack("interrupted: rolld is shutting down", "");
        } catch (RuntimeException e) {
            return unexpected(e);
        }
    }

    /** The phases in order. */
    private Outcome steps() throws RolloutFailure, InterruptedException {
        OptionalInt batch = config.delivery().batch();
        if (batch.isPresent() && oldSet.canGoInBatches()) {
            startInBatches(batch.getAsInt());
        } else {
            start();
            check();
        }
        switchFront();
        bake();
        // Past the bake the new set serves alone: nothing below rolls back.
        retire();
        return progress.succeeded(old, next, plan.ports(), Optional.of(plan.specs()));
    }

    /** STARTING: the mode checks and acquires what the generation needs, then every slot is spawned. */
    private void start() throws RolloutFailure {
        progress.enter(Phase.STARTING, mode.plannedPorts());
        prepare();
        spawn(plan.slots());
    }

    /** The mode's plan for the generation; what it runs (its release) is reported before anything is spawned. */
    private void prepare() throws RolloutFailure {
        plan = mode.prepare();
        events.accept(new RolloutEvent.ReleaseResolved(config.name(), generation, plan.specs().release()));
    }

    /**
     * Held-socket mode with {@code batch: size}: per batch of slots, STARTING (spawn them), CHECKING
     * (the ready rule), STOPPING (the old workers of those slots), then, before the next batch, one
     * {@code interval} of BAKING checks; so never more than {@code workers + size} processes run.
     */
    private void startInBatches(int size) throws RolloutFailure, InterruptedException {
        progress.enter(Phase.STARTING, mode.plannedPorts());
        prepare();
        List<Integer> slots = plan.slots();
        int batches = (slots.size() + size - 1) / size;
        for (int b = 0; b < batches; b++) {
            List<Integer> batch = slots.subList(b * size, Math.min((b + 1) * size, slots.size()));
            if (b > 0) {
                progress.enter(Phase.STARTING, plan.ports());
            }
            int from = started.size();
            spawn(batch);
            progress.enter(Phase.CHECKING, plan.ports());
            try (var _ = progress.waiting()) {
                mode.awaitReady(new WorkerSet(generation, started.subList(from, started.size())));
            }
            progress.enter(Phase.STOPPING, plan.ports());
            progress.stopAndReport(oldSet.retire(batch));
            if (b + 1 < batches) {
                watch("batch " + (b + 1) + "/" + batches, 100 * started.size() / slots.size(), config.delivery().watchInterval());
            }
        }
        checked.accept(next);
    }

    /**
     * Spawns {@code slots}, {@link #SPAWNING_AT_ONCE} at a time: a spawn mostly waits for the kernel
     * (fork, exec, the JDK's handshake with its helper), so overlapping them shortens STARTING on a
     * busy machine. The workers are added and reported in slot order once all are spawned; after a
     * failure every worker that did start is in {@link #started}, so the rollback stops it.
     */
    private void spawn(List<Integer> slots) throws RolloutFailure {
        List<Future<Worker>> spawning = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(SPAWNING_AT_ONCE, Thread.ofVirtual().name("spawn").factory())) {
            for (int slot : slots) {
                spawning.add(pool.submit(() -> mode.spawn(plan, slot)));
            }
        }
        RolloutFailure failure = null;
        for (int i = 0; i < slots.size(); i++) {
            int slot = slots.get(i);
            try {
                Worker w = spawning.get(i).get();
                started.add(w);
                progress.workerStarted(slot, w, plan.specs());
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = new RolloutFailure("cannot start the worker (" + plan.specs().describe(slot) + "): "
                            + e.getCause().getMessage(), "");
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException("the pool is closed: every spawn is done", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        next = new WorkerSet(generation, started);
    }

    /** CHECKING: until every new worker is ready by the mode's rule (smoke tests, or the held sockets' ready rule). */
    private void check() throws RolloutFailure, InterruptedException {
        progress.enter(Phase.CHECKING, plan.ports());
        try (var _ = progress.waiting()) {
            mode.awaitReady(next);
        }
        checked.accept(next);
    }

    /**
     * SWITCHING: the after_start hooks point the front at the new set; with canary steps (and an old
     * set to share with) first at each step's part of it, each step watched for its pause (BAKING).
     */
    private void switchFront() throws RolloutFailure, InterruptedException {
        front = host.fronts().apply(config);
        FrontContext context = new FrontContext(config.name(), generation, plan.ports(), mode.oldPorts(old),
                next.workers().stream().map(w -> new FrontContext.WorkerRef(w.port(), w.pid())).toList());
        List<Delivery.CanaryStep> steps = old.workers().isEmpty() ? List.of() : config.delivery().canary();
        for (int i = 0; i < steps.size(); i++) {
            Delivery.CanaryStep step = steps.get(i);
            applyFront(context.withCanaryWeight(step.weight()));
            watch("canary " + (i + 1) + "/" + steps.size(), step.weight(), step.pause());
        }
        applyFront(context);
    }

    private void applyFront(FrontContext context) throws RolloutFailure {
        progress.enter(Phase.SWITCHING, plan.ports());
        try (var _ = progress.waiting()) {
            front.apply(context);
        } catch (FrontException e) {
            throw new RolloutFailure(e.getMessage().lines().findFirst().orElse(""), e.getMessage());
        }
    }

    /** BAKING, when the group has a bake and an old set to fall back to: the old set keeps running while the new one is watched. */
    private void bake() throws RolloutFailure, InterruptedException {
        Optional<Delivery.Bake> bake = config.delivery().bake();
        if (bake.isPresent() && !old.workers().isEmpty()) {
            watch("bake", FrontContext.FULL_WEIGHT, bake.get().duration());
        }
    }

    /** One bake or canary pause (see {@link Bake}); a failed check or {@code rolld abort} rolls back. */
    private void watch(String step, int weight, Duration length) throws RolloutFailure, InterruptedException {
        progress.enter(Phase.BAKING, plan.ports());
        events.accept(new RolloutEvent.StepStarted(config.name(), generation, step, weight, plan.ports(), length.toMillis()));
        next.workers().forEach(w -> w.exit().thenRun(steering::nudge));
        NewSetWatch checks = new NewSetWatch(config, configDir, mode, next, mode.oldPorts(old), step, weight);
        Bake.Outcome outcome;
        try (var _ = progress.waiting()) { // the pause is the operator's, not rolld's
            outcome = new Bake(steering, config.delivery().watchInterval(), checks).run(step, weight, length);
        }
        switch (outcome) {
            case Bake.Outcome.Clean c -> { }
            case Bake.Outcome.Promoted p -> { } // the daemon logged who asked
            case Bake.Outcome.Aborted a -> throw new RolloutFailure("aborted by rolld abort during the " + step, "");
            case Bake.Outcome.Failed f -> throw new RolloutFailure(f.reason(), f.detail());
        }
    }

    /** DRAINING (when the mode drains) and STOPPING: the old set retires, even if rolld is shutting down. */
    private void retire() {
        WorkerSet remaining = oldSet.remaining();
        if (remaining.workers().isEmpty()) {
            return;
        }
        List<Integer> draining = mode.portsToDrain(old);
        if (!draining.isEmpty()) {
            progress.enter(Phase.DRAINING, draining);
            drain(draining);
        }
        progress.enter(Phase.STOPPING, mode.oldPorts(old));
        progress.stopAndReport(remaining);
    }

    private void drain(List<Integer> ports) {
        try (var _ = progress.waiting()) {
            Drain.Result drained = Drain.of(host.tcp(), config).await(new HashSet<>(ports), config.drainTimeout());
            if (!drained.drained()) {
                events.accept(new RolloutEvent.DrainTimedOut(config.name(), generation, drained.remaining(), drained.elapsedMs()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down: skip the wait, still stop cleanly
        } catch (RuntimeException e) {
            // Past the switch there is no way back: an unreadable /proc ends the wait, not the stop.
            events.accept(new RolloutEvent.DrainTimedOut(config.name(), generation, Map.of(), progress.elapsedMs()));
        }
    }

    private Outcome rollBack(String reason, String detail) {
        WorkerSet startedSet = new WorkerSet(generation, started);
        Outcome failed = progress.failed(old, startedSet, front, () -> {
            List<Integer> ports = mode.portsToDrain(startedSet);
            if (!ports.isEmpty()) {
                drain(ports);
            }
        }, reason, detail);
        if (!oldSet.anyRetired()) {
            return failed;
        }
        // Batches had stopped part of the old set: it is started again, and supervised from its specs.
        return new Outcome(failed.result(), oldSet.restore(events, config.name()), oldSet.specs());
    }

    /**
     * A bug or an unexpected I/O error (a RuntimeException): rolled back like any failure before the
     * switch; past it the new set keeps serving and the old one is stopped all the same.
     */
    private Outcome unexpected(RuntimeException e) {
        if (Phase.REVERSIBLE.contains(progress.phase())) {
            return rollBack("internal error: " + e,
                    Arrays.stream(e.getStackTrace()).limit(STACK_LINES).map(String::valueOf).collect(Collectors.joining("\n")));
        }
        LOG.error("event=internal_error group={} generation={} phase={} error=\"{}\" action=\"the new set serves, the old one is stopped\"",
                config.name(), generation, progress.phase(), e, e);
        try {
            host.stopper().stop(old, config.stopSignal(), config.stopTimeout());
        } catch (RuntimeException again) {
            // The new set must still become the active set, or nothing would track it.
            LOG.error("event=internal_error group={} generation={} error=\"{}\" action=\"the old set may still run\"",
                    config.name(), generation, again, again);
        }
        return progress.succeeded(old, next, plan.ports(), Optional.of(plan.specs()));
    }
}
