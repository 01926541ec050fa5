package io.rolld.rollout;

import io.rolld.config.Delivery;
import io.rolld.config.GroupConfig;
import io.rolld.os.MemoryReader;
import io.rolld.config.PosixSignal;
import io.rolld.os.ProcNetTcp;
import io.rolld.probe.LivenessCheck;
import io.rolld.process.Release;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running group: one loop that owns its {@link State} and feeds {@link Machine#next} one event at
 * a time, runs the actions it returns, and never blocks on a rollout's effects (they run off the
 * loop, see {@link RolloutEffects}, and come back as events). Requests for a rollout are coalesced:
 * while one runs, every new request joins a single next rollout, which starts after the current one
 * ends. Rollouts of one group never overlap.
 *
 * <p>Supervision ({@link Supervisor}) runs in every state on the serving set. Everything reaches the
 * loop through its inbox: rollout requests, effect results, worker exits (posted from the exit
 * watch, never handled there), {@code promote}/{@code abort}, a re-exec's {@link #quiesce}, and the
 * supervisor's own deadlines, which bound how long it waits. What the supervisor asks for that takes
 * time (liveness checks, a held worker's replacement waiting for its successor's readiness, stopping
 * the worker it replaced) runs off the loop too, its result posted back, as do watchdog pings.
 */
public final class Group {
    private static final Logger LOG = LoggerFactory.getLogger("rolld");
    private static final Consumer<RolloutEvent> NO_WATCHERS = event -> { };
    private final Path configDir;
    private final Host host;
    private final Ticker ticker;
    /** What the group reports, to {@link #delivery}; a rollout's reports also reach the status first ({@link #report}). */
    private final Consumer<RolloutEvent> events;
    private final EventHooks hooks;
    private final EventDelivery delivery;
    private final Supervisor supervisor;
    private final BlockingQueue<Inbox> inbox = new LinkedBlockingQueue<>();
    private final Thread thread;
    /** Held-socket mode only: bound by the group's loop, closed by shutdown once the loop has ended. */
    private final HeldSocketKeeper sockets = new HeldSocketKeeper(pid -> inbox.add(new Inbox.Pinged(pid)));
    /** The supervisor's effects running off the loop, joined by shutdown; those still waiting for a successor are interrupted first. */
    private final Set<Thread> supervising = ConcurrentHashMap.newKeySet();
    private final Set<Thread> awaitingSuccessors = ConcurrentHashMap.newKeySet();

    /** What wakes the group's loop; the supervisor's deadlines wake it by the end of its wait. */
    private sealed interface Inbox {
        /** For the machine: an effect's result, a worker's exit. */
        record Fed(Event event) implements Inbox {
        }

        /** A request was queued (see {@link #requestRollout}). */
        record RolloutRequested() implements Inbox {
        }

        record StartRequested(Leftovers left, CompletableFuture<RolloutResult> done) implements Inbox {
        }

        record Steer(Steering.Command command, CompletableFuture<Steering.Answer> answer) implements Inbox {
        }

        /** A held worker's successor is ready, or (empty) did not become ready. */
        record Replaced(HeldReplacement replacement, Optional<Worker> successor) implements Inbox {
        }

        /** A replacement's last worker stopped off the loop (the old one retired, or a successor nobody needs). */
        record ReplacementEnded() implements Inbox {
        }

        /** A liveness check of {@code check}'s worker answered: {@code failure} why it failed, empty when it passed. */
        record Checked(LivenessWatch.Check check, Optional<String> failure) implements Inbox {
        }

        /** A worker sent WATCHDOG=1. */
        record Pinged(long pid) implements Inbox {
        }

        /** An effect reported {@code event} of the rollout whose request {@code watchers} made. */
        record Reported(RolloutEvent event, Consumer<RolloutEvent> watchers) implements Inbox {
        }

        /** See {@link #quiesce}. */
        record Quiesce(CompletableFuture<Void> quiet) implements Inbox {
        }

        record Resume() implements Inbox {
        }

        record Close() implements Inbox {
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

    // Written only by the loop.
    private State state = new State.Idle(0, WorkerSet.empty());
    /** The rollout in progress: its effects, its reports (to the watchers of its request too) and its answer. */
    private RolloutEffects effects;
    private Consumer<RolloutEvent> report;
    private CompletableFuture<RolloutResult> running;
    private GroupConfig rolling;
    /** The generation the rollout in progress starts. */
    private long lastStarted;
    /** A shutdown arrived: the rollout in progress ends as soon as it safely can, nothing new starts. */
    private boolean closing;
    /** A re-exec's {@link #quiesce}: none when null, pending until the group is idle, then done (rollouts wait). */
    private CompletableFuture<Void> quiesced;
    /** The idle group's agreement to {@link #quiesce} is on its way (after the events before it). */
    private boolean quietAnswered;
    /** Held replacements started whose last worker has not stopped yet: a re-exec waits for them as for a rollout. */
    private int replacementsInFlight;

    // Written only by the loop; what status shows of them is published whole by show().
    private WorkerSet active = WorkerSet.empty();
    /** The running rollout's last transition (none while idle), the workers it started so far, when the last one ended. */
    private Optional<RolloutEvent.Transition> transition = Optional.empty();
    private int startedByRollout;
    private Optional<Instant> finishedAt = Optional.empty();
    private Optional<RolloutResult> lastResult = Optional.empty();
    private Optional<GroupStatus.Adoption> adoption = Optional.empty();

    /** What the loop last published for status, one immutable value: no reader sees half a step. */
    private record Shown(State state, WorkerSet active, Optional<RolloutEvent.Transition> transition, int startedByRollout,
                         Optional<Instant> finishedAt, Optional<RolloutResult> lastResult, Optional<GroupStatus.Adoption> adoption) {
    }

    private volatile Shown shown = new Shown(state, active, transition, 0, finishedAt, lastResult, adoption);
    /**
     * The recorded release the active set was rolled back to, if it was: rollouts rolld starts by
     * itself (memory, auto_restart) keep it; a HUP or {@code rolld restart} rolls the configured one.
     * Written by the loop only.
     */
    private Optional<Release> pinned = Optional.empty();
    /** What the rollout in progress runs instead of the configured release, if anything. */
    private Optional<Release> rollingRelease = Optional.empty();

    /**
     * {@code configFile}: the daemon's rolld.yml (absolute); {@code listeners} get every event of the
     * group, in order, off its loop ({@link EventDelivery}); {@code intents}: where the group's
     * rollouts record what they are about to do, for a rolld started after this one.
     */
    public Group(GroupConfig config, Path configFile, ProcNetTcp tcp, List<Consumer<RolloutEvent>> listeners, IntentLog intents) {
        this(config, configFile.getParent(), Host.of(tcp, configFile, intents), MemoryReader.system(), listeners, Ticker.SYSTEM);
    }

    /** {@code host}, {@code memory} and {@code ticker}: the machine and the time as the group's rollouts and supervisor see them. */
    Group(GroupConfig config, Path configDir, Host host, MemoryReader memory, List<Consumer<RolloutEvent>> listeners, Ticker ticker) {
        this.config = config;
        this.configDir = configDir;
        this.host = host;
        this.ticker = ticker;
        this.events = this::tell;
        this.hooks = new EventHooks(this::config, configDir, events);
        List<Consumer<RolloutEvent>> all = new ArrayList<>(listeners);
        all.add(hooks);
        this.delivery = new EventDelivery(config.name(), all);
        this.supervisor = new Supervisor(config.name(), this.events,
                w -> w.exit().thenAccept(exit -> post(new Event.WorkerExited(w, exit, ""))),
                memory, System::nanoTime, new SplittableRandom());
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
        return requestRollout(trigger, NO_WATCHERS);
    }

    /**
     * Like {@link #requestRollout(String)}, and {@code watcher} sees every event of the rollout
     * that answers this request (from its {@code Started} to its {@code Finished}) and of no other.
     * It must not block.
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
        Shown now = shown;
        WorkerSet set = now.active();
        Optional<Steering.Hold> hold = now.state() instanceof State.Baking b ? Optional.of(new Steering.Hold(b.watch().step(b.run().plan()),
                b.watch().weight(b.run()), Duration.ofNanos(Math.max(0, b.deadline() - ticker.nanoTime())))) : Optional.empty();
        Optional<GroupStatus.Running> rollout = now.transition().map(t -> new GroupStatus.Running(t.generation(), t.phase(), t.ports(),
                t.elapsedMs(), now.startedByRollout(), hold));
        return new GroupStatus(name(), set.generation(),
                set.workers().stream().map(w -> new GroupStatus.WorkerInfo(w.port(), w.pid(), w.startedAt(), w.isAlive())).toList(),
                now.lastResult(), now.finishedAt(), supervisor.health(), now.adoption(), rollout, supervisor.children(),
                supervisor.failing());
    }

    /** Publishes the loop's state for status: after each step, and before an answer leaves the loop. */
    private void show() {
        shown = new Shown(state, active, transition, startedByRollout, finishedAt, lastResult, adoption);
    }

    /**
     * {@code rolld promote} / {@code rolld abort}: hands the command to the rollout in progress,
     * whoever started it; the loop answers from the state it owns. Blocks until it answered.
     */
    public Steering.Answer steer(Steering.Command command) {
        CompletableFuture<Steering.Answer> answer = new CompletableFuture<>();
        synchronized (this) {
            if (closed) {
                return new Steering.Answer.NoRollout();
            }
            inbox.add(new Inbox.Steer(command, answer));
        }
        return answer.join();
    }

    /**
     * {@code rolld reexec}: completes once the group is idle, at once or as the rollout (or held
     * replacement) in progress ends, and from then on starts neither (rollout requests are queued,
     * replacements asked for again after) until {@link #resume}, so an exec never cuts one short.
     * A group shutting down is quiet already.
     */
    public CompletableFuture<Void> quiesce() {
        CompletableFuture<Void> quiet = new CompletableFuture<>();
        synchronized (this) {
            if (closed) {
                quiet.complete(null);
            } else {
                inbox.add(new Inbox.Quiesce(quiet));
            }
        }
        return quiet;
    }

    /** The re-exec was called off or gave up: queued requests go on; a {@link #quiesce} still pending is dropped. */
    public void resume() {
        inbox.add(new Inbox.Resume());
    }

    /** Whether a requested rollout waits to start (behind the one in progress, or for {@link #resume}). */
    public synchronized boolean rolloutQueued() {
        return queued != null;
    }

    /** Held-socket mode: the sockets the group holds now, in configuration order; empty otherwise. */
    public List<io.rolld.os.HeldSocket> heldSockets() {
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
            inbox.add(new Inbox.Close());
        }
        if (dropped != null) {
            dropped.completeExceptionally(new IllegalStateException("group " + name() + " shut down before the rollout started"));
        }
        thread.join();
        stopReplacements();
        GroupConfig c = config();
        WorkerSet last = active;
        RolloutEvent.Transition stopping = new RolloutEvent.Transition(c.name(), last.generation(), Phase.STOPPING, last.ports(), 0, 0);
        transition = Optional.of(stopping);
        show();
        events.accept(stopping);
        var exits = host.stopper().stop(last, c.stopSignal(), c.stopTimeout());
        last.workers().forEach(w -> events.accept(
                new RolloutEvent.WorkerStopped(c.name(), last.generation(), w.port(), w.pid(), exits.get(w.pid()))));
        active = WorkerSet.empty();
        sockets.close();
        transition = Optional.empty();
        show();
        delivery.close();
        hooks.close(c.supervision().onEvent().map(o -> o.timeout().plusSeconds(1)).orElse(Duration.ZERO));
    }

    /**
     * Replacements in flight are cut short (their successors stopped), retirements end; a successor
     * that became ready after the loop ended is stopped, its old worker being in the serving set.
     */
    private void stopReplacements() throws InterruptedException {
        awaitingSuccessors.forEach(Thread::interrupt);
        for (Thread t : supervising) {
            t.join();
        }
        for (Inbox left : inbox) {
            if (left instanceof Inbox.Replaced r && r.successor().isPresent()) {
                r.replacement().drop(r.successor().get(), "rolld is shutting down");
            }
        }
    }

    /** An event of the group, not of a rollout's request (supervision, adoption, {@code on_event}). */
    private void tell(RolloutEvent event) {
        delivery.deliver(event, NO_WATCHERS);
    }

    private void post(Event e) {
        inbox.add(new Inbox.Fed(e));
    }

    private void loop() {
        while (true) {
            try {
                if (!step()) {
                    return;
                }
            } catch (InterruptedException e) {
                return; // nobody interrupts the loop: the JVM is going down
            } catch (RuntimeException e) {
                // A bug must not kill the only thread that owns this group's workers: shutdown
                // still needs it gone and `active` accurate to stop every worker.
                LOG.error("event=internal_error group={} error=\"{}\" action=\"the group keeps running\"", name(), e, e);
            }
        }
    }

    /** Handles one inbox item or deadline; false once the group is closed and at rest. */
    private boolean step() throws InterruptedException {
        OptionalLong wait = closing ? OptionalLong.empty() : supervisor.nanosUntilDue();
        Inbox next = wait.isPresent() ? inbox.poll(wait.getAsLong(), TimeUnit.NANOSECONDS) : inbox.take();
        switch (next) {
            case null -> { } // a supervisor's deadline
            case Inbox.Fed f -> feed(f.event());
            case Inbox.RolloutRequested r -> { } // started below, once idle
            case Inbox.StartRequested s -> start(s);
            case Inbox.Steer s -> steer(s);
            case Inbox.Replaced r -> replaced(r);
            case Inbox.ReplacementEnded e -> replacementsInFlight--;
            case Inbox.Pinged p -> supervisor.pinged(p.pid());
            case Inbox.Checked c -> {
                if (!closing) {
                    supervised(supervisor.checked(c.check().worker(), c.failure(), Machine.serving(state)));
                }
            }
            case Inbox.Reported r -> publish(r.event(), r.watchers());
            case Inbox.Quiesce q -> {
                quiesced = q.quiet();
                quietAnswered = false;
            }
            case Inbox.Resume r -> quiesced = null;
            case Inbox.Close c -> {
                closing = true;
                feed(new Event.Shutdown());
            }
        }
        if (!closing) {
            feed(new Event.SupervisionTick(ticker.nanoTime()));
        }
        if (quiesced != null && !quietAnswered && state instanceof State.Idle && replacementsInFlight == 0) {
            show();
            quietAnswered = true;
            CompletableFuture<Void> quiet = quiesced;
            // Once the last rollout's events reached the workers file and history, which the next image reads.
            delivery.then(() -> quiet.complete(null));
        }
        rollIfRequested();
        show();
        return !(closing && state instanceof State.Idle);
    }

    private void feed(Event e) {
        Step step = Machine.next(state, e);
        state = step.state();
        // Status shows the old set until the rollout ends (before its answer completes).
        active = state instanceof State.Idle i ? i.serving() : run().serving();
        for (Action a : step.actions()) {
            act(a);
        }
    }

    private void act(Action a) {
        switch (a) {
            case Action.Record r -> host.intents().record(name(), r.intent());
            case Action.Enter e -> effects.progress().enter(e.phase(), e.ports());
            case Action.Spawn s -> effects.spawn(s);
            case Action.AwaitReady r -> {
                // A new worker's exit is news for the machine (a watch fails on it), with its stderr's last lines.
                r.workers().workers().forEach(w -> w.exit().thenAccept(exit ->
                        post(new Event.WorkerExited(w, exit, w.stderrTail(RolloutMode.STDERR_TAIL_LINES)))));
                effects.awaitReady(r);
            }
            case Action.FirstReadings f -> supervisor.checked(f.next(), rolling);
            case Action.ApplyFront f -> effects.applyFront(f, run().next());
            case Action.UndoFront u -> effects.undoFront(u);
            case Action.Recheck r -> effects.recheck(r, run().next());
            case Action.StartTimer t -> effects.timer(t);
            case Action.Drain d -> effects.drain(d);
            case Action.StopSet s -> stop(s);
            case Action.RestoreOld r -> effects.restoreOld(r);
            case Action.Cancel c -> effects.cancel(c.ticket());
            case Action.Supervise s -> {
                if (!closing) {
                    supervisor.exited(s.worker(), s.exit(), Machine.serving(state).generation());
                }
            }
            case Action.SuperviseDue _ -> superviseDue();
            case Action.Serve s -> serve(s.set());
            case Action.Report r -> report.accept(r.event());
            case Action.Finish f -> finish(f.outcome());
        }
    }

    private RolloutRun run() {
        return switch (state) {
            case State.Starting s -> s.run();
            case State.Checking c -> c.run();
            case State.Switching s -> s.run();
            case State.Baking b -> b.run();
            case State.Draining d -> d.run();
            case State.Stopping s -> s.run();
            case State.RollingBack r -> r.run();
            case State.Idle i -> throw new IllegalStateException("no rollout in progress");
        };
    }

    /** A late stop (a spawn nobody waits for any more) may come after its rollout ended. */
    private void stop(Action.StopSet s) {
        if (effects != null) {
            effects.stop(s);
            return;
        }
        GroupConfig c = config();
        Thread.ofVirtual().name("stop-" + c.name()).start(() -> host.stopper().stop(s.set(), c.stopSignal(), c.stopTimeout()));
    }

    private void superviseDue() {
        if (closing) {
            return;
        }
        WorkerSet serving = Machine.serving(state);
        supervised(supervisor.runDue(serving));
    }

    /** What the supervisor did or asks for: a new serving set, a rollout, held replacements, liveness checks. */
    private void supervised(Supervisor.Due due) {
        if (!due.active().equals(Machine.serving(state))) {
            feed(new Event.Supervised(due.active()));
        }
        due.rolloutTrigger().ifPresent(trigger -> requestRollout(trigger, pinned, NO_WATCHERS));
        // A re-exec is coming: the replacement is asked for again by the next check after it (or after resume).
        due.replacements().forEach(r -> {
            if (quiesced != null) {
                supervisor.replacementFailed(r);
            } else {
                replace(r);
            }
        });
        due.checks().forEach(c -> Thread.ofVirtual().name("liveness-" + name()).start(() -> inbox.add(new Inbox.Checked(c, check(c)))));
    }

    /** Runs off the loop: a held-socket worker is checked on the port it listens on by itself, found in /proc. */
    private Optional<String> check(LivenessWatch.Check c) {
        Optional<Integer> port = c.port().or(() -> host.tcp().listeningPortsOf(c.worker().pid(), c.shared()).stream().findFirst());
        if (port.isEmpty()) {
            return Optional.of("listens on no TCP port of its own besides the held sockets, where it could be checked alone");
        }
        return LivenessCheck.run(c.liveness(), port.get());
    }

    /** Starts {@code r}'s successor and waits for its readiness off the loop; the result comes back as {@link Inbox.Replaced}. */
    private void replace(Supervisor.Replacement r) {
        replacementsInFlight++;
        HeldReplacement replacement = new HeldReplacement(r, events, host.stopper(), sockets);
        Thread t = offLoop("replace", () -> inbox.add(new Inbox.Replaced(replacement, replacement.start())));
        awaitingSuccessors.add(t);
        t.start();
    }

    /**
     * The supervisor swaps a ready successor into the serving set, and the old worker is stopped
     * off the loop; a successor whose slot a rollout retired meanwhile (or that is ready while rolld
     * stops) is stopped instead. A rollout that started meanwhile got the old worker in its old set,
     * and so gets the successor in its place: it stops it with the rest of that set.
     */
    private void replaced(Inbox.Replaced r) {
        Supervisor.Replacement request = r.replacement().request();
        if (r.successor().isEmpty()) {
            replacementsInFlight--;
            supervisor.replacementFailed(request);
            return;
        }
        Worker successor = r.successor().get();
        Optional<WorkerSet> serving = closing ? Optional.empty() : supervisor.replaced(request, successor, Machine.serving(state));
        if (serving.isEmpty()) {
            String why = closing ? "rolld is shutting down" : "a rollout retired worker " + request.slot() + " meanwhile";
            offLoop("drop", () -> {
                r.replacement().drop(successor, why);
                inbox.add(new Inbox.ReplacementEnded());
            }).start();
            return;
        }
        feed(new Event.Supervised(serving.get()));
        offLoop("retire", () -> {
            r.replacement().retire(successor);
            inbox.add(new Inbox.ReplacementEnded());
        }).start();
    }

    /** An unstarted virtual thread running {@code body}, which shutdown joins. */
    private Thread offLoop(String what, Runnable body) {
        Thread t = Thread.ofVirtual().name(what + "-" + name()).unstarted(() -> {
            try {
                body.run();
            } catch (RuntimeException e) {
                LOG.error("event=internal_error group={} error=\"{}\" action=\"the supervisor's effect is lost\"", name(), e, e);
            } finally {
                supervising.remove(Thread.currentThread());
                awaitingSuccessors.remove(Thread.currentThread());
            }
        });
        supervising.add(t);
        return t;
    }

    /** The supervisor keeps {@code set} running from now on, respawned from the specs it was started from. */
    private void serve(WorkerSet set) {
        Optional<WorkerSpecs> specs = set.generation() == lastStarted ? effects.specs() : effects.oldSet().specs();
        specs.ifPresent(s -> supervisor.adopt(set, s));
    }

    private void finish(Action.Outcome outcome) {
        long elapsedMs = effects.progress().elapsedMs();
        long generation = lastStarted;
        RolloutResult result = switch (outcome) {
            case Action.Outcome.Succeeded ok -> new RolloutResult.Succeeded(rolling.name(), generation,
                    effects.ports().isEmpty() ? ok.next().ports() : effects.ports(), ok.next().pids(), ok.old().pids(), elapsedMs);
            case Action.Outcome.Failed no -> new RolloutResult.Failed(rolling.name(), generation, no.failure().failedIn(),
                    no.failure().reason(), no.failure().detail(), elapsedMs);
        };
        supervisor.rolloutEnded();
        if (result instanceof RolloutResult.Succeeded) {
            pinned = rollingRelease;
        }
        lastResult = Optional.of(result);
        report.accept(new RolloutEvent.Finished(result, Instant.now()));
        effects.close();
        effects = null;
        CompletableFuture<RolloutResult> answered = running;
        running = null;
        show();
        delivery.then(() -> answered.complete(result)); // after its listeners and watchers had every event
    }

    private void steer(Inbox.Steer s) {
        State now = state;
        Steering.Command command = s.command();
        Steering.Answer answer = switch (now) {
            case State.Idle _ -> new Steering.Answer.NoRollout();
            case State.Baking _ -> new Steering.Answer.Taken(command, Machine.stepOf(now), running);
            case State.Draining _, State.Stopping _ -> command == Steering.Command.PROMOTE ? new Steering.Answer.NotHolding()
                    : new Steering.Answer.TooLate(now.phase());
            case State.Starting _, State.Checking _, State.Switching _, State.RollingBack _ ->
                    command == Steering.Command.PROMOTE ? new Steering.Answer.NotHolding()
                            : new Steering.Answer.Taken(command, Machine.stepOf(now), running);
        };
        s.answer().complete(answer);
        if (answer instanceof Steering.Answer.Taken) {
            feed(command == Steering.Command.PROMOTE ? new Event.Promote() : new Event.Abort());
        }
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
        state = new State.Idle(state.ticket(), a.active());
        active = a.active();
        supervisor.adoptLeftovers(a.active(), a.specs(), a.bySlot(), a.emptySlots());
        if (c.supervision().watchdog().isPresent()) {
            try {
                sockets.notifySource(c, "adopted"); // binds the group's socket: workers a re-exec kept go on pinging it
            } catch (IOException e) {
                LOG.error("event=internal_error group={} error=\"cannot bind the watchdog socket: {}\" action=\"bound by the next rollout\"",
                        c.name(), e.getMessage());
            }
        }
        supervisor.rolloutEnded();
        adoption = Optional.of(new GroupStatus.Adoption(a.active().workers().size(), request.left().workers().size(),
                a.active().generation(), Instant.now()));
        show();
        request.done().complete(new RolloutResult.Succeeded(c.name(), a.active().generation(), a.active().ports(),
                a.active().pids(), List.of(), (System.nanoTime() - startNanos) / 1_000_000));
    }

    /** Starts the queued rollout, if any and the group is idle. */
    private void rollIfRequested() {
        if (closing || quiesced != null || !(state instanceof State.Idle idle)) {
            return;
        }
        CompletableFuture<RolloutResult> request;
        String trigger;
        GroupConfig c;
        List<Consumer<RolloutEvent>> watchers;
        synchronized (this) {
            if (closed || queued == null) {
                return;
            }
            request = queued;
            trigger = queuedTrigger;
            rollingRelease = queuedRelease;
            queued = null;
            watchers = List.copyOf(queuedWatchers);
            queuedWatchers.clear();
            c = rollingRelease.map(r -> config.pinnedTo(r.directory(), r.cmd(), r.env())).orElse(config);
        }
        WorkerSet old = idle.serving();
        long generation = old.generation() + 1;
        Consumer<RolloutEvent> watching = event -> watchers.forEach(w -> w.accept(event));
        report = event -> {
            if (Thread.currentThread() == thread) {
                publish(event, watching);
            } else {
                inbox.add(new Inbox.Reported(event, watching)); // an effect's: the loop alone changes the status
            }
        };
        running = request;
        rolling = c;
        lastStarted = generation;
        report.accept(new RolloutEvent.Started(c.name(), generation, trigger));
        RolloutMode mode = RolloutMode.of(c, generation, host, sockets);
        OldSet oldSet = new OldSet(old, supervisor.specs());
        effects = new RolloutEffects(c, configDir, host, mode, old, oldSet, new Progress(c, generation, report, host.stopper(),
                ticker::nanoTime), report, this::post, ticker);
        feed(new Event.RolloutRequested(plan(c, trigger, mode, old, oldSet)));
    }

    private static RolloutPlan plan(GroupConfig c, String trigger, RolloutMode mode, WorkerSet old, OldSet oldSet) {
        List<Integer> slots = mode.slots();
        boolean inBatches = c.delivery().batch().isPresent() && oldSet.canGoInBatches();
        // Recreate needs the old set's specs too: a new set that is not ready brings it back.
        boolean recreate = c.delivery().strategy() == Delivery.Strategy.RECREATE && oldSet.canGoInBatches();
        List<List<Integer>> batches = new ArrayList<>();
        int size = inBatches ? c.delivery().batch().getAsInt() : slots.size();
        for (int from = 0; from < slots.size(); from += size) {
            batches.add(slots.subList(from, Math.min(from + size, slots.size())));
        }
        boolean first = old.workers().isEmpty();
        return new RolloutPlan(c.name(), old.generation(), trigger, mode.plannedPorts(), batches,
                recreate ? RolloutPlan.Batching.RECREATE : inBatches ? RolloutPlan.Batching.BATCHES : RolloutPlan.Batching.ALL_AT_ONCE,
                first ? List.of() : c.delivery().canary(), first ? Optional.empty() : c.delivery().bake().map(Delivery.Bake::duration),
                c.delivery().watchInterval(), mode instanceof WorksetMode ? RolloutPlan.Retirement.DRAIN_THEN_STOP : RolloutPlan.Retirement.STOP);
    }

    /** On the loop: the status follows {@code event}, then the listeners and {@code watchers} get it. */
    private void publish(RolloutEvent event, Consumer<RolloutEvent> watchers) {
        switch (event) {
            case RolloutEvent.Started s -> startedByRollout = 0;
            case RolloutEvent.WorkerStarted w -> startedByRollout++;
            case RolloutEvent.Transition t -> transition = t.phase() == Phase.IDLE ? Optional.empty() : Optional.of(t);
            case RolloutEvent.Finished f -> {
                transition = Optional.empty();
                finishedAt = Optional.of(f.at());
            }
            default -> { } // the rest does not change the group's status
        }
        delivery.deliver(event, watchers);
    }
}
