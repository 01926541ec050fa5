package io.rolld.rollout;

import io.rolld.config.GroupConfig;
import io.rolld.drain.Drain;
import io.rolld.front.Front;
import io.rolld.front.FrontContext;
import io.rolld.front.FrontException;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The effects of one rollout, run off its group's loop, each on its own virtual thread, each
 * answering with the {@link Event} that carries its ticket (posted to the loop's inbox): spawn,
 * readiness, the front's switch and its undo, the watch's checks and timers, the drain, stopping a
 * set and restoring retired old workers. A cancelled effect is interrupted; what it answers then
 * is late and ignored by the machine. Holds what the rollout acquired (the mode's resources, the
 * front), released by {@link #close}.
 */
final class RolloutEffects implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("rolld");
    private static final int STACK_LINES = 8;
    /** Spawns in flight at once: a spawn mostly waits for the kernel, so overlapping them shortens STARTING. */
    private static final int SPAWNING_AT_ONCE = 4;

    private final GroupConfig config;
    private final Path configDir;
    private final Host host;
    private final RolloutMode mode;
    private final WorkerSet old;
    private final OldSet oldSet;
    private final Progress progress;
    private final Consumer<RolloutEvent> report;
    private final Consumer<Event> post;
    private final Ticker ticker;
    private final long generation;
    private final StartPriority priority;
    private final Map<Long, Thread> running = new ConcurrentHashMap<>();
    /** Set by the first spawn, before it answers: the loop reads it after that answer. */
    private volatile RolloutMode.Plan plan;
    /** Created on the loop by the first switch. */
    private Front front;

    RolloutEffects(GroupConfig config, Path configDir, Host host, RolloutMode mode, WorkerSet old, OldSet oldSet, Progress progress,
                   Consumer<RolloutEvent> report, Consumer<Event> post, Ticker ticker) {
        this.config = config;
        this.priority = new StartPriority(config.startNice());
        this.configDir = configDir;
        this.host = host;
        this.mode = mode;
        this.old = old;
        this.oldSet = oldSet;
        this.progress = progress;
        this.report = report;
        this.post = post;
        this.ticker = ticker;
        this.generation = old.generation() + 1;
    }

    Progress progress() {
        return progress;
    }

    /** What the new generation's workers are started (and respawned) from; empty before the first spawn. */
    Optional<WorkerSpecs> specs() {
        return Optional.ofNullable(plan).map(RolloutMode.Plan::specs);
    }

    /** The ports the new generation serves (held sockets: known once held); empty before the first spawn. */
    List<Integer> ports() {
        return Optional.ofNullable(plan).map(RolloutMode.Plan::ports).orElse(List.of());
    }

    OldSet oldSet() {
        return oldSet;
    }

    void spawn(Action.Spawn a) {
        start(a.ticket(), () -> {
            if (a.first()) {
                try {
                    plan = mode.prepare();
                } catch (RolloutFailure f) {
                    return new Event.SpawnFailed(a.ticket(), List.of(), f.reason());
                }
                // What the generation runs (its release) is reported before anything is spawned.
                report.accept(new RolloutEvent.ReleaseResolved(config.name(), generation, plan.specs().release()));
            }
            return spawn(a.ticket(), a.slots());
        });
    }

    /**
     * Each worker is reported as soon as it runs (the workers file then has it within its coalescing
     * interval, even if rolld dies while other slots still spawn); the batch answers once every spawn
     * ended, in slot order; after a failure, those that did start come with it.
     */
    private Event spawn(long ticket, List<Integer> slots) {
        List<Future<Worker>> spawning = new ArrayList<>();
        Set<Future<Worker>> reported = new HashSet<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(SPAWNING_AT_ONCE, Thread.ofVirtual().name("spawn").factory())) {
            CompletionService<Worker> done = new ExecutorCompletionService<>(pool);
            for (int slot : slots) {
                spawning.add(done.submit(() -> priority.lowered(mode.spawn(plan, slot))));
            }
            try {
                for (int i = 0; i < slots.size(); i++) {
                    Future<Worker> spawned = done.take();
                    if (spawned.state() == Future.State.SUCCESS) {
                        progress.workerStarted(slots.get(spawning.indexOf(spawned)), spawned.resultNow(), plan.specs());
                        reported.add(spawned);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // cancelled: closing the pool cancels the spawns not begun
            }
        }
        List<Worker> started = new ArrayList<>();
        String failure = null;
        // The pool is closed: every spawn ran to its end, or (cancelled) never began.
        for (int i = 0; i < slots.size(); i++) {
            int slot = slots.get(i);
            Future<Worker> spawned = spawning.get(i);
            switch (spawned.state()) {
                case SUCCESS -> {
                    started.add(spawned.resultNow());
                    if (!reported.contains(spawned)) {
                        progress.workerStarted(slot, spawned.resultNow(), plan.specs());
                    }
                }
                case FAILED -> {
                    if (failure == null) {
                        failure = "cannot start the worker (" + plan.specs().describe(slot) + "): " + spawned.exceptionNow().getMessage();
                    }
                }
                case RUNNING, CANCELLED -> failure = failure == null ? "cancelled" : failure;
            }
        }
        if (failure == null && Thread.currentThread().isInterrupted()) {
            failure = "cancelled";
        }
        return failure == null ? new Event.Spawned(ticket, started, plan.ports()) : new Event.SpawnFailed(ticket, started, failure);
    }

    void awaitReady(Action.AwaitReady a) {
        start(a.ticket(), () -> {
            try (var _ = progress.waiting()) {
                mode.awaitReady(a.workers());
                priority.restore(a.workers());
                return new Event.Ready(a.ticket(), ticker.nanoTime());
            } catch (RolloutFailure f) {
                return new Event.NotReady(a.ticket(), f.reason(), f.detail());
            } catch (RuntimeException e) {
                return new Event.NotReady(a.ticket(), "internal error: " + e, stack(e));
            }
        });
    }

    /** The first switch creates the front, on the loop: a rollback puts back what it touched. */
    void applyFront(Action.ApplyFront a, WorkerSet next) {
        if (front == null) {
            front = host.fronts().apply(config);
        }
        FrontContext full = new FrontContext(config.name(), generation, plan.ports(), mode.oldPorts(old),
                next.workers().stream().map(w -> new FrontContext.WorkerRef(w.port(), w.pid())).toList());
        FrontContext context = a.weight() < FrontContext.FULL_WEIGHT ? full.withCanaryWeight(a.weight()) : full;
        Front f = front;
        start(a.ticket(), () -> {
            try (var _ = progress.waiting()) {
                f.apply(context);
                return new Event.FrontApplied(a.ticket(), ticker.nanoTime());
            } catch (FrontException e) {
                return new Event.FrontFailed(a.ticket(), e.getMessage().lines().findFirst().orElse(""), e.getMessage());
            } catch (RuntimeException e) {
                return new Event.FrontFailed(a.ticket(), "internal error: " + e, stack(e));
            }
        });
    }

    void undoFront(Action.UndoFront a) {
        Front f = front;
        start(a.ticket(), () -> {
            if (f == null) {
                return new Event.RolledBack(a.ticket(), List.of());
            }
            try (var _ = progress.waiting()) {
                return new Event.RolledBack(a.ticket(), f.undo());
            } catch (RuntimeException e) {
                return new Event.RolledBack(a.ticket(), List.of("internal error: " + e));
            }
        });
    }

    void recheck(Action.Recheck a, WorkerSet next) {
        NewSetWatch checks = new NewSetWatch(config, configDir, mode, next, mode.oldPorts(old), a.step(), a.weight());
        start(a.ticket(), () -> {
            try (var _ = progress.waiting()) { // the watch is the operator's time, not rolld's
                Optional<RolloutFailure> failed = checks.run();
                return failed.<Event>map(f -> new Event.CheckFailed(a.ticket(), f.reason(), f.detail()))
                        .orElseGet(() -> new Event.Checked(a.ticket(), ticker.nanoTime()));
            } catch (RuntimeException e) {
                return new Event.CheckFailed(a.ticket(), "internal error: " + e, stack(e));
            }
        });
    }

    void timer(Action.StartTimer a) {
        start(a.ticket(), () -> {
            try (var _ = progress.waiting()) {
                ticker.sleepUntil(a.deadline());
            }
            return new Event.Timer(a.ticket(), ticker.nanoTime());
        });
    }

    void drain(Action.Drain a) {
        List<Integer> ports = a.ports();
        start(a.ticket(), () -> {
            try (var _ = progress.waiting()) {
                Drain.Result drained = Drain.of(host.tcp(), config).await(new HashSet<>(ports), config.drainTimeout());
                if (!drained.drained()) {
                    report.accept(new RolloutEvent.DrainTimedOut(config.name(), generation, drained.remaining(), drained.elapsedMs()));
                }
            } catch (RuntimeException e) {
                // Past the switch there is no way back: an unreadable /proc ends the wait, not the stop.
                report.accept(new RolloutEvent.DrainTimedOut(config.name(), generation, Map.of(), progress.elapsedMs()));
            }
            return new Event.Drained(a.ticket());
        });
    }

    /** Stopping is never cut short; a stop that throws (a bug) is logged, and the rollout goes on as if it had stopped. */
    void stop(Action.StopSet a) {
        start(a.ticket(), () -> {
            try {
                progress.stopAndReport(a.set());
            } catch (RuntimeException e) {
                LOG.error("event=internal_error group={} generation={} error=\"{}\" action=\"the set may still run\"",
                        config.name(), generation, e, e);
            }
            return a.ticket() == 0 ? null : new Event.Stopped(a.ticket(), ticker.nanoTime());
        });
    }

    void restoreOld(Action.RestoreOld a) {
        start(a.ticket(), () -> new Event.Restored(a.ticket(), oldSet.restore(a.retired(), report, config.name())));
    }

    void cancel(long ticket) {
        Thread t = running.get(ticket);
        if (t != null) {
            t.interrupt();
        }
    }

    /** An effect's body: its answer, or null for none (interrupted: cancelled). */
    @FunctionalInterface
    private interface Body {
        Event run() throws InterruptedException;
    }

    private void start(long ticket, Body body) {
        Thread t = Thread.ofVirtual().name("rollout-" + config.name() + "-" + ticket).unstarted(() -> {
            try {
                Event answer = body.run();
                if (answer != null) {
                    post.accept(answer);
                }
            } catch (InterruptedException e) {
                // cancelled: the machine moved on and waits for no answer
            } catch (RuntimeException e) {
                LOG.error("event=internal_error group={} generation={} error=\"{}\" action=\"the effect is lost\"",
                        config.name(), generation, e, e);
            } finally {
                running.remove(ticket);
            }
        });
        if (ticket != 0) {
            running.put(ticket, t);
        }
        t.start();
    }

    private static String stack(RuntimeException e) {
        return Arrays.stream(e.getStackTrace()).limit(STACK_LINES).map(String::valueOf).collect(Collectors.joining("\n"));
    }

    @Override
    public void close() {
        mode.close();
    }
}
