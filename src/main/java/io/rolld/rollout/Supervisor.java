package io.rolld.rollout;

import io.rolld.config.GroupConfig;
import io.rolld.config.Supervision;
import io.rolld.process.Exit;
import io.rolld.process.MemoryReader;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import java.util.stream.LongStream;

/**
 * Keeps a group's active set running between rollouts: respawns crashed workers on their port
 * with backoff, watches memory, and asks for periodic rollouts. Confined to the group's thread:
 * exits arrive as events posted there, and everything due is done by {@link #runDue}. A worker
 * counts only while it belongs to the set adopted last, so workers a rollout stopped, or that
 * crashed while a rollout retired them, are never respawned nor counted.
 */
final class Supervisor {
    private static final int STDERR_TAIL_LINES = 10;

    /** What one port of the active set is doing. */
    private sealed interface Port {
        int crashesInARow();

        record Up(Worker worker, long sinceNanos, int crashesInARow) implements Port {
        }

        record Down(Exit lastExit, long respawnAtNanos, int crashesInARow) implements Port {
        }
    }

    /** The active set after the due work, and the trigger of a rollout it asks for, if any. */
    record Due(WorkerSet active, Optional<String> rolloutTrigger) {
    }

    private final String group;
    private final Consumer<RolloutEvent> events;
    private final Consumer<Worker> watchExit;
    private final LongSupplier clock;
    private final RandomGenerator random;
    private final MemoryWatch memory;
    private final Map<Integer, Port> ports = new HashMap<>();
    private Optional<WorkerSpecs> specs = Optional.empty();
    private OptionalLong autoRestartAtNanos = OptionalLong.empty();
    private volatile Health health = new Health.Healthy();

    Supervisor(String group, Consumer<RolloutEvent> events, Consumer<Worker> watchExit, MemoryReader reader,
               LongSupplier clock, RandomGenerator random) {
        this.group = group;
        this.events = events;
        this.watchExit = watchExit;
        this.clock = clock;
        this.random = random;
        this.memory = new MemoryWatch(group, reader, random, events, clock);
    }

    /** Safe from any thread. */
    Health health() {
        return health;
    }

    /** A rollout made {@code set}, started from {@code launched}, the active set. */
    void adopt(WorkerSet set, WorkerSpecs launched) {
        specs = Optional.of(launched);
        ports.clear();
        long now = clock.getAsLong();
        for (Worker w : set.workers()) {
            ports.put(w.port(), new Port.Up(w, now, 0));
            watchExit.accept(w);
        }
        memory.adopt(set, launched.group().supervision().memory());
        publishHealth();
    }

    /** A rollout's new set passed its smoke test, before it gets traffic. */
    void checked(WorkerSet next, GroupConfig config) {
        memory.checked(next, config.supervision().memory());
    }

    /** Any rollout ended, whatever its outcome: the periodic restart counts from here. */
    void rolloutEnded() {
        autoRestartAtNanos = specs.flatMap(s -> s.group().supervision().autoRestart())
                .map(a -> OptionalLong.of(clock.getAsLong() + a.every().toNanos() + jitterNanos(a.jitter())))
                .orElse(OptionalLong.empty());
    }

    private long jitterNanos(Duration jitter) {
        return jitter.isZero() ? 0 : random.nextLong(jitter.toNanos() + 1);
    }

    /** A worker rolld watches exited; a crash if it is still the one running its port of the active set. */
    void exited(Worker worker, Exit exit, long generation) {
        if (!(ports.get(worker.port()) instanceof Port.Up up) || up.worker() != worker) {
            return; // stopped by a rollout, or replaced already
        }
        long now = clock.getAsLong();
        Supervision.Respawn respawn = specs.orElseThrow().group().supervision().respawn();
        Duration uptime = Duration.ofNanos(now - up.sinceNanos());
        int crashes = Backoff.crashesInARow(up.crashesInARow(), uptime, respawn.resetAfter());
        Duration delay = new Backoff(respawn.backoff(), respawn.maxBackoff()).delay(crashes);
        ports.put(worker.port(), new Port.Down(exit, now + delay.toNanos(), crashes));
        events.accept(new RolloutEvent.WorkerCrashed(group, generation, worker.port(), worker.pid(), exit, uptime.toMillis(),
                crashes, delay.toMillis(), worker.stderrTail(STDERR_TAIL_LINES)));
        publishHealth();
    }

    /** How long the group's thread may wait before something is due (0: now); empty when nothing is scheduled. */
    OptionalLong nanosUntilDue() {
        LongStream.Builder due = LongStream.builder();
        Duration resetAfter = specs.map(s -> s.group().supervision().respawn().resetAfter()).orElse(Duration.ZERO);
        for (Port p : ports.values()) {
            switch (p) {
                case Port.Down d -> due.add(d.respawnAtNanos());
                case Port.Up u when u.crashesInARow() > 0 -> due.add(u.sinceNanos() + resetAfter.toNanos());
                case Port.Up u -> { }
            }
        }
        memory.nextCheckNanos().ifPresent(due::add);
        autoRestartAtNanos.ifPresent(due::add);
        long now = clock.getAsLong();
        return due.build().map(t -> Math.max(0, t - now)).min();
    }

    /** Respawns what is due, resets crash series of workers that stayed up, checks memory and the periodic restart. */
    Due runDue(WorkerSet active) {
        WorkerSet current = active;
        long now = clock.getAsLong();
        for (Map.Entry<Integer, Port> e : new ArrayList<>(ports.entrySet())) {
            switch (e.getValue()) {
                case Port.Down d when now - d.respawnAtNanos() >= 0 -> current = respawn(current, e.getKey(), d);
                case Port.Up u when u.crashesInARow() > 0 && now - u.sinceNanos()
                        >= specs.orElseThrow().group().supervision().respawn().resetAfter().toNanos() ->
                        ports.put(e.getKey(), new Port.Up(u.worker(), u.sinceNanos(), 0));
                default -> { } // nothing due for this port yet
            }
        }
        Optional<String> trigger = memory.checkIfDue(current);
        publishHealth();
        if (trigger.isEmpty() && autoRestartAtNanos.isPresent() && now - autoRestartAtNanos.getAsLong() >= 0) {
            autoRestartAtNanos = OptionalLong.empty();
            trigger = Optional.of("auto_restart: every " + specs.orElseThrow().group().supervision().autoRestart().orElseThrow().every());
        }
        return new Due(current, trigger);
    }

    private WorkerSet respawn(WorkerSet active, int port, Port.Down down) {
        Supervision.Respawn respawn = specs.orElseThrow().group().supervision().respawn();
        Worker started;
        try {
            started = Worker.spawn(specs.orElseThrow().forPort(port, active.generation()));
        } catch (IOException | IllegalArgumentException e) {
            int crashes = down.crashesInARow() + 1;
            Duration delay = new Backoff(respawn.backoff(), respawn.maxBackoff()).delay(crashes);
            ports.put(port, new Port.Down(down.lastExit(), clock.getAsLong() + delay.toNanos(), crashes));
            events.accept(new RolloutEvent.RespawnFailed(group, active.generation(), port, e.getMessage(), crashes, delay.toMillis()));
            return active;
        }
        ports.put(port, new Port.Up(started, clock.getAsLong(), down.crashesInARow()));
        events.accept(new RolloutEvent.WorkerRespawned(group, active.generation(), port, started.pid(), down.crashesInARow()));
        watchExit.accept(started);
        List<Worker> workers = new ArrayList<>(active.workers());
        workers.replaceAll(w -> w.port() == port ? started : w);
        return new WorkerSet(active.generation(), workers);
    }

    private void publishHealth() {
        List<String> reasons = new ArrayList<>();
        ports.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            switch (e.getValue()) {
                case Port.Down d -> reasons.add("port " + e.getKey() + " down after " + d.lastExit() + " ("
                        + crashes(d.crashesInARow()) + "), respawn pending");
                case Port.Up u when u.crashesInARow() > 1 -> reasons.add("port " + e.getKey() + " crash-looping ("
                        + crashes(u.crashesInARow()) + "), up again since the last respawn");
                case Port.Up u -> { }
            }
        });
        reasons.addAll(memory.problems());
        Health next = Health.of(reasons);
        if (!next.equals(health)) {
            health = next;
            events.accept(new RolloutEvent.HealthChanged(group, next));
        }
    }

    private static String crashes(int n) {
        return n + " crash" + (n == 1 ? "" : "es") + " in a row";
    }
}
