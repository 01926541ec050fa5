package io.rolld.rollout;

import io.rolld.config.GroupConfig;
import io.rolld.drain.ProcNetTcp;
import io.rolld.process.PosixSignal;
import io.rolld.process.WorkerSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A running group: its active workers and the one thread that rolls them. Requests for a
 * rollout are coalesced: while one runs, every new request joins a single next rollout, which
 * starts after the current one ends. Rollouts of one group never overlap.
 */
public final class Group {
    private final Path configDir;
    private final ProcNetTcp tcp;
    private final Consumer<RolloutEvent> events;
    private final Thread thread;
    /** Held-socket mode only: bound by the group's thread, closed by shutdown once the thread has ended. */
    private final SocketHold sockets = new SocketHold();

    // Guarded by this.
    private GroupConfig config;
    private CompletableFuture<RolloutResult> queued;
    private String queuedTrigger;
    private final List<Consumer<RolloutEvent>> queuedWatchers = new ArrayList<>();
    private boolean closed;

    // Written only by the group's thread; read by status.
    private volatile WorkerSet active = WorkerSet.empty();
    private volatile Phase phase = Phase.IDLE;
    private volatile RolloutResult lastResult;

    public Group(GroupConfig config, Path configDir, ProcNetTcp tcp, Consumer<RolloutEvent> events) {
        this.config = config;
        this.configDir = configDir;
        this.tcp = tcp;
        this.events = events;
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
    public synchronized CompletableFuture<RolloutResult> requestRollout(String trigger, Consumer<RolloutEvent> watcher) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("group " + name() + " is shutting down"));
        }
        if (queued == null) {
            queued = new CompletableFuture<>();
            queuedTrigger = trigger;
            notifyAll();
        }
        queuedWatchers.add(watcher);
        return queued;
    }

    public GroupStatus status() {
        WorkerSet set = active;
        return new GroupStatus(name(), phase, set.generation(),
                set.workers().stream().map(w -> new GroupStatus.WorkerInfo(w.port(), w.pid(), w.startedAt(), w.isAlive())).toList(),
                Optional.ofNullable(lastResult));
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
            notifyAll();
        }
        if (dropped != null) {
            dropped.completeExceptionally(new IllegalStateException("group " + name() + " shut down before the rollout started"));
        }
        thread.interrupt();
        thread.join();
        GroupConfig c = config();
        WorkerSet last = active;
        phase = Phase.STOPPING;
        events.accept(new RolloutEvent.Transition(c.name(), last.generation(), Phase.STOPPING, last.ports(), 0));
        var exits = last.stop(PosixSignal.named(c.stopSignal()), c.stopTimeout());
        last.workers().forEach(w -> events.accept(
                new RolloutEvent.WorkerStopped(c.name(), last.generation(), w.port(), w.pid(), exits.get(w.pid()))));
        active = WorkerSet.empty();
        sockets.close();
        phase = Phase.IDLE;
    }

    private void loop() {
        while (true) {
            CompletableFuture<RolloutResult> request;
            String trigger;
            GroupConfig c;
            List<Consumer<RolloutEvent>> watchers;
            synchronized (this) {
                while (queued == null && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return; // shutdown
                    }
                }
                if (closed) {
                    return;
                }
                request = queued;
                trigger = queuedTrigger;
                queued = null;
                watchers = List.copyOf(queuedWatchers);
                queuedWatchers.clear();
                c = config;
            }
            Consumer<RolloutEvent> report = event -> {
                record(event);
                watchers.forEach(w -> w.accept(event));
            };
            report.accept(new RolloutEvent.Started(c.name(), active.generation() + 1, trigger));
            Rollout.Outcome outcome = c.heldSockets().isPresent()
                    ? new HeldRollout(c, configDir, active, sockets, report).run()
                    : new Rollout(c, configDir, active, tcp, report).run();
            active = outcome.active();
            lastResult = outcome.result();
            report.accept(new RolloutEvent.Finished(outcome.result()));
            request.complete(outcome.result());
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }

    private void record(RolloutEvent event) {
        if (event instanceof RolloutEvent.Transition t) {
            phase = t.phase();
        }
        events.accept(event);
    }
}
