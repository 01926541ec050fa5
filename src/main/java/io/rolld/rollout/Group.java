package io.rolld.rollout;

import io.rolld.config.GroupConfig;
import io.rolld.os.MemoryReader;
import io.rolld.config.PosixSignal;
import io.rolld.os.ProcNetTcp;
import io.rolld.os.Exit;
import io.rolld.process.Release;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running group: its active workers and the one thread that rolls them. Requests for a
 * rollout are coalesced: while one runs, every new request joins a single next rollout, which
 * starts after the current one ends. Rollouts of one group never overlap.
 *
 * <p>Between rollouts the thread supervises the active set (see {@link Supervisor}). Everything
 * reaches it through its inbox: rollout requests, worker exits (posted from the JDK's reaper, never
 * handled there) and the supervisor's own deadlines, which bound how long it waits.
 */
public final class Group {
    private static final Logger LOG = LoggerFactory.getLogger("rolld");
    private final Path configDir;
    private final Host host;
    private final Consumer<RolloutEvent> events;
    private final EventHooks hooks;
    private final Supervisor supervisor;
    private final BlockingQueue<Inbox> inbox = new LinkedBlockingQueue<>();
    private final Thread thread;
    /** Held-socket mode only: bound by the group's thread, closed by shutdown once the thread has ended. */
    private final HeldSocketKeeper sockets = new HeldSocketKeeper();
    /** promote and abort reach the running rollout through this, from the control socket's threads. */
    private final Steering steering = new Steering(Steering.Clock.SYSTEM);

    /** What wakes the group's thread; deadlines wake it by the end of its wait. */
    private sealed interface Inbox {
        record RolloutRequested() implements Inbox {
        }

        record WorkerExited(Worker worker, Exit exit) implements Inbox {
        }

        record StartRequested(Leftovers left, CompletableFuture<RolloutResult> done) implements Inbox {
        }
    }

    // Guarded by this.
    private GroupConfig config;
    private CompletableFuture<RolloutResult> queued;
    private String queuedTrigger;
    /** What the queued rollout runs instead of the configured release (a rollback); the last request decides. */
    private Optional<Release> queuedRelease = Optional.empty();
    private final List<Consumer<RolloutEvent>> queuedWatchers = new ArrayList<>();
    private boolean closed;

    // Written only by the group's thread; read by status.
    private volatile WorkerSet active = WorkerSet.empty();
    /** The running rollout's last transition (none while idle), the workers it started so far, when the last one ended. */
    private volatile Optional<RolloutEvent.Transition> transition = Optional.empty();
    private volatile int startedByRollout;
    private volatile Optional<Instant> finishedAt = Optional.empty();
    private volatile RolloutResult lastResult;
    private volatile Optional<GroupStatus.Adoption> adoption = Optional.empty();
    /**
     * The recorded release the active set was rolled back to, if it was: rollouts rolld starts by
     * itself (memory, auto_restart) keep it; a HUP or {@code rolld restart} rolls the configured one.
     */
    private Optional<Release> pinned = Optional.empty();

    /** {@code intents}: where the group's rollouts record what they are about to do, for a rolld started after this one. */
    public Group(GroupConfig config, Path configDir, ProcNetTcp tcp, Consumer<RolloutEvent> events, IntentLog intents) {
        this(config, configDir, Host.of(tcp, configDir, intents), MemoryReader.system(), events);
    }

    /** {@code host} and {@code memory}: the machine as the group's rollouts and supervisor see it. */
    Group(GroupConfig config, Path configDir, Host host, MemoryReader memory, Consumer<RolloutEvent> events) {
        this.config = config;
        this.configDir = configDir;
        this.host = host;
        this.hooks = new EventHooks(this::config, configDir, events);
        this.events = events.andThen(hooks);
        this.supervisor = new Supervisor(config.name(), this.events,
                w -> w.exit().thenAccept(exit -> inbox.add(new Inbox.WorkerExited(w, exit))),
                memory, System::nanoTime, new SplittableRandom(), host.stopper());
        this.thread = Thread.ofPlatform().name("group-" + config.name()).unstarted(this::loop);
        thread.start();
    }

    public String name() {
        return config().name();
    }

    public synchronized GroupConfig config() {
        return config;
    }

    /** The configuration the next rollout uses (a reload); the running workers are not touched. */
    public synchronized void reconfigure(GroupConfig next) {
        this.config = next;
    }

    /**
     * Starts the group, once, before any rollout: adopts the workers a previous rolld left that
     * still verify ({@link Adoption}), or, when there are none, runs the first start. Completes
     * with the first start's result, or for an adoption with a succeeded result naming the adopted
     * workers (no rollout ran: {@code lastResult} stays empty).
     */
    public CompletableFuture<RolloutResult> start(Leftovers left) {
        CompletableFuture<RolloutResult> done = new CompletableFuture<>();
        inbox.add(new Inbox.StartRequested(left, done));
        return done;
    }

    /**
     * Asks for a rollout. The future completes with the outcome of the rollout that starts after
     * this call: the one already running never answers a request made during it.
     */
    public CompletableFuture<RolloutResult> requestRollout(String trigger) {
        return requestRollout(trigger, event -> { });
    }

    /**
     * Like {@link #requestRollout(String)}, and {@code watcher} sees every event of the rollout
     * that answers this request (from its {@code Started} to its {@code Finished}) and of no other.
     * It runs on the group's thread: it must not block.
     */
    public CompletableFuture<RolloutResult> requestRollout(String trigger, Consumer<RolloutEvent> watcher) {
        return requestRollout(trigger, Optional.empty(), watcher);
    }

    /**
     * Like {@link #requestRollout(String, Consumer)}, rolling out {@code release} (a recorded one: a
     * rollback) instead of what the configuration points at, when present. Requests coalesced into
     * one rollout run what the last of them asked for, under its trigger when that changed it.
     */
    public synchronized CompletableFuture<RolloutResult> requestRollout(String trigger, Optional<Release> release,
                                                                        Consumer<RolloutEvent> watcher) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("group " + name() + " is shutting down"));
        }
        if (queued == null) {
            queued = new CompletableFuture<>();
            queuedTrigger = trigger;
            queuedRelease = release;
            inbox.add(new Inbox.RolloutRequested());
        } else if (!queuedRelease.equals(release)) {
            queuedTrigger = trigger;
            queuedRelease = release;
        }
        queuedWatchers.add(watcher);
        return queued;
    }

    public GroupStatus status() {
        WorkerSet set = active;
        Optional<GroupStatus.Running> rollout = transition.map(t -> new GroupStatus.Running(t.generation(), t.phase(), t.ports(),
                t.elapsedMs(), startedByRollout, steering.hold()));
        return new GroupStatus(name(), set.generation(),
                set.workers().stream().map(w -> new GroupStatus.WorkerInfo(w.port(), w.pid(), w.startedAt(), w.isAlive())).toList(),
                Optional.ofNullable(lastResult), finishedAt, supervisor.health(), adoption, rollout);
    }

    /** {@code rolld promote} / {@code rolld abort}: hands the command to the rollout in progress, whoever started it. */
    public Steering.Answer steer(Steering.Command command) {
        return steering.request(command);
    }

    /** Held-socket mode: the sockets the group holds now, in configuration order; empty otherwise. */
    public List<io.rolld.os.ListeningSocket> heldSockets() {
        return sockets.current();
    }

    /**
     * Stops the group: a rollout in progress is cut short (rolled back before the switch,
     * completed after it), then every worker is stopped gracefully. Blocks until all are gone.
     */
    public void shutdown() throws InterruptedException {
        CompletableFuture<RolloutResult> dropped;
        synchronized (this) {
            closed = true;
            dropped = queued;
            queued = null;
            queuedWatchers.clear();
        }
        if (dropped != null) {
            dropped.completeExceptionally(new IllegalStateException("group " + name() + " shut down before the rollout started"));
        }
        thread.interrupt();
        thread.join();
        GroupConfig c = config();
        WorkerSet last = active;
        RolloutEvent.Transition stopping = new RolloutEvent.Transition(c.name(), last.generation(), Phase.STOPPING, last.ports(), 0, 0);
        transition = Optional.of(stopping);
        events.accept(stopping);
        var exits = host.stopper().stop(last, c.stopSignal(), c.stopTimeout());
        last.workers().forEach(w -> events.accept(
                new RolloutEvent.WorkerStopped(c.name(), last.generation(), w.port(), w.pid(), exits.get(w.pid()))));
        active = WorkerSet.empty();
        sockets.close();
        transition = Optional.empty();
        hooks.close(c.supervision().onEvent().map(o -> o.timeout().plusSeconds(1)).orElse(Duration.ZERO));
    }

    private void loop() {
        while (true) {
            try {
                if (!step()) {
                    return;
                }
            } catch (InterruptedException e) {
                return; // shutdown
            } catch (RuntimeException e) {
                // A bug must not kill the only thread that owns this group's workers: shutdown
                // still needs it gone and `active` accurate to stop every worker.
                LOG.error("event=internal_error group={} error=\"{}\" action=\"the group keeps running\"", name(), e, e);
            }
        }
    }

    /** Handles one inbox item or deadline; false once the group is closed. */
    private boolean step() throws InterruptedException {
        OptionalLong wait = supervisor.nanosUntilDue();
        Inbox next = wait.isPresent() ? inbox.poll(wait.getAsLong(), TimeUnit.NANOSECONDS) : inbox.take();
        if (next instanceof Inbox.WorkerExited(Worker worker, Exit exit)) {
            supervisor.exited(worker, exit, active.generation());
        }
        if (next instanceof Inbox.StartRequested start) {
            start(start);
        }
        Supervisor.Due due = supervisor.runDue(active);
        active = due.active();
        due.rolloutTrigger().ifPresent(trigger -> requestRollout(trigger, pinned, event -> { }));
        return rollIfRequested();
    }

    private void start(Inbox.StartRequested request) {
        long startNanos = System.nanoTime();
        GroupConfig c = config();
        Optional<Adoption.Adopted> adopted = new Adoption(c, sockets, events, host).adopt(request.left());
        if (adopted.isEmpty()) {
            requestRollout("first start").whenComplete((result, error) -> {
                if (error != null) {
                    request.done().completeExceptionally(error);
                } else {
                    request.done().complete(result);
                }
            });
            return;
        }
        Adoption.Adopted a = adopted.get();
        active = a.active();
        supervisor.adoptLeftovers(a.active(), a.specs(), a.bySlot(), a.emptySlots());
        supervisor.rolloutEnded();
        adoption = Optional.of(new GroupStatus.Adoption(a.active().workers().size(), request.left().workers().size(),
                a.active().generation(), Instant.now()));
        request.done().complete(new RolloutResult.Succeeded(c.name(), a.active().generation(), a.active().ports(),
                a.active().pids(), List.of(), (System.nanoTime() - startNanos) / 1_000_000));
    }

    /** Runs the queued rollout, if any; false once the group is closed. */
    private boolean rollIfRequested() {
        CompletableFuture<RolloutResult> request;
        String trigger;
        Optional<Release> release;
        GroupConfig c;
        List<Consumer<RolloutEvent>> watchers;
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (queued == null) {
                return true;
            }
            request = queued;
            trigger = queuedTrigger;
            release = queuedRelease;
            queued = null;
            watchers = List.copyOf(queuedWatchers);
            queuedWatchers.clear();
            c = release.map(r -> config.pinnedTo(r.directory(), r.cmd(), r.env())).orElse(config);
        }
        Consumer<RolloutEvent> report = event -> {
            record(event);
            watchers.forEach(w -> w.accept(event));
        };
        steering.begin(request);
        try {
            boolean open = roll(c, trigger, report, request);
            if (request.join() instanceof RolloutResult.Succeeded) {
                pinned = release;
            }
            return open;
        } catch (RuntimeException e) {
            request.completeExceptionally(e);
            throw e;
        } finally {
            steering.end();
        }
    }

    private boolean roll(GroupConfig c, String trigger, Consumer<RolloutEvent> report,
                         CompletableFuture<RolloutResult> request) {
        report.accept(new RolloutEvent.Started(c.name(), active.generation() + 1, trigger));
        RolloutMode mode = RolloutMode.of(c, active.generation() + 1, host, sockets);
        Rollout.Outcome outcome = new Rollout(c, configDir, mode, active, host, report, next -> supervisor.checked(next, c), steering,
                supervisor.specs()).run();
        active = outcome.active();
        outcome.specs().ifPresent(specs -> supervisor.adopt(outcome.active(), specs));
        supervisor.rolloutEnded();
        lastResult = outcome.result();
        report.accept(new RolloutEvent.Finished(outcome.result()));
        request.complete(outcome.result());
        // A rollout cut short by shutdown may have consumed the interrupt: closed says it too.
        synchronized (this) {
            return !closed && !Thread.currentThread().isInterrupted();
        }
    }

    private void record(RolloutEvent event) {
        switch (event) {
            case RolloutEvent.Started s -> startedByRollout = 0;
            case RolloutEvent.WorkerStarted w -> startedByRollout++;
            case RolloutEvent.Transition t -> transition = t.phase() == Phase.IDLE ? Optional.empty() : Optional.of(t);
            case RolloutEvent.Finished f -> {
                transition = Optional.empty();
                finishedAt = Optional.of(Instant.now());
            }
            default -> { } // the rest does not change the group's status
        }
        events.accept(event);
    }
}
