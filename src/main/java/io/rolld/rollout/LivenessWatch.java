package io.rolld.rollout;

import io.rolld.config.Liveness;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.LongStream;

/**
 * Liveness of one group's serving workers: when each is due for a check, how many it failed in a
 * row, when its watchdog last heard from it, and whether one found unresponsive is replaced or,
 * within the cooldown of the last liveness replacement, only reported (the group then reads
 * degraded). Lives as long as the group, on its loop: the checks themselves run off the loop and
 * their results come back through {@link #checked}. The clock is injected.
 */
final class LivenessWatch {
    private final String group;
    private final Consumer<RolloutEvent> events;
    private final LongSupplier clock;

    private Optional<Liveness> config = Optional.empty();
    private Optional<Duration> watchdog = Optional.empty();
    /** The serving workers, by pid. */
    private final Map<Long, Watched> watched = new HashMap<>();
    private OptionalLong lastRestartNanos = OptionalLong.empty();

    /** What is known of one serving worker; {@code skipped}: unresponsive, not replaced for the cooldown (why, for health). */
    private static final class Watched {
        final Worker worker;
        final long sinceNanos;
        long nextCheckNanos;
        long lastPingNanos;
        boolean checking;
        int failures;
        String last = "";
        boolean restartAsked;
        /** Adopted from a previous rolld: its watchdog counts once it was heard (it may ping that rolld's socket). */
        boolean unheard;
        Optional<String> skipped = Optional.empty();

        Watched(Worker worker, long sinceNanos, long nextCheckNanos) {
            this.worker = worker;
            this.sinceNanos = sinceNanos;
            this.nextCheckNanos = nextCheckNanos;
            this.lastPingNanos = sinceNanos;
        }
    }

    /**
     * One check to run off the loop: {@code worker} on 127.0.0.1:{@code port}; empty (held-socket
     * mode) on the port it listens on by itself, besides {@code shared}, the held sockets' ports.
     */
    record Check(Worker worker, Optional<Integer> port, Set<Integer> shared, Liveness liveness) {
        Check {
            shared = Set.copyOf(shared);
        }
    }

    /** {@code worker} is unresponsive and to be replaced (its group rolled, or it alone in held-socket mode). */
    record Unresponsive(Worker worker, String reason) {
    }

    LivenessWatch(String group, Consumer<RolloutEvent> events, LongSupplier clock) {
        this.group = group;
        this.events = events;
        this.clock = clock;
    }

    /** The settings of the set supervised from now on (a rollout's, or a reload's once it rolled). */
    void configure(Optional<Liveness> liveness, Optional<Duration> watchdog) {
        this.config = liveness;
        this.watchdog = watchdog;
    }

    /** Starts watching the workers of {@code serving} it did not know, and forgets those no longer in it. */
    void track(WorkerSet serving) {
        if (config.isEmpty() && watchdog.isEmpty()) {
            watched.clear();
            return;
        }
        long now = clock.getAsLong();
        watched.keySet().retainAll(new java.util.HashSet<>(serving.pids()));
        long firstCheck = now + config.map(Liveness::grace).orElse(Duration.ZERO).toNanos();
        for (Worker w : serving.workers()) {
            watched.computeIfAbsent(w.pid(), pid -> new Watched(w, now, firstCheck));
        }
    }

    /**
     * The checks due now (each worker's next one is due an interval later); {@code heldPorts}: in
     * held-socket mode the held sockets' TCP ports (each worker is then checked on a port of its
     * own besides them), empty in workset mode (each worker is checked on its port).
     */
    List<Check> due(Optional<Set<Integer>> heldPorts) {
        if (config.isEmpty()) {
            return List.of();
        }
        long now = clock.getAsLong();
        List<Check> due = new ArrayList<>();
        for (Watched w : watched.values()) {
            if (!w.checking && w.worker.isAlive() && now - w.nextCheckNanos >= 0) {
                w.checking = true;
                w.nextCheckNanos = now + config.get().interval().toNanos();
                due.add(new Check(w.worker, heldPorts.isEmpty() ? Optional.of(w.worker.port()) : Optional.empty(),
                        heldPorts.orElse(Set.of()), config.get()));
            }
        }
        return due;
    }

    /**
     * The answer of a check of {@code worker} ({@code failure}: why it failed, empty: it passed);
     * the worker to replace when this failure was its {@code failures}-th in a row.
     */
    Optional<Unresponsive> checked(Worker worker, Optional<String> failure, long generation) {
        Watched w = watched.get(worker.pid());
        if (w == null || w.worker != worker || config.isEmpty()) {
            return Optional.empty(); // no longer serving
        }
        w.checking = false;
        if (failure.isEmpty()) {
            w.failures = 0;
            w.skipped = Optional.empty();
            return Optional.empty();
        }
        w.failures++;
        w.last = failure.get();
        return w.failures >= config.get().failures() ? decide(w, generation) : Optional.empty();
    }

    /** The worker sent {@code WATCHDOG=1}. */
    void pinged(long pid) {
        Watched w = watched.get(pid);
        if (w != null) {
            w.lastPingNanos = clock.getAsLong();
            w.unheard = false;
            w.skipped = Optional.empty();
        }
    }

    /**
     * Workers adopted from a previous rolld: their watchdog counts from their first WATCHDOG=1 here
     * (a rolld with another pid has another notify socket, which they cannot know).
     */
    void adopted(WorkerSet set) {
        set.workers().forEach(worker -> {
            Watched w = watched.get(worker.pid());
            if (w != null) {
                w.unheard = true;
            }
        });
    }

    /** Workers whose watchdog expired (no {@code WATCHDOG=1} within the interval) that are to be replaced. */
    List<Unresponsive> watchdogExpired(long generation) {
        if (watchdog.isEmpty()) {
            return List.of();
        }
        long now = clock.getAsLong();
        List<Unresponsive> expired = new ArrayList<>();
        for (Watched w : watched.values()) {
            long silentNanos = now - w.lastPingNanos;
            if (w.worker.isAlive() && !w.unheard && silentNanos >= watchdog.get().toNanos()) {
                w.failures = 1;
                w.last = "no WATCHDOG=1 for " + silentNanos / 1_000_000 + "ms (watchdog " + watchdog.get().toMillis() + "ms)";
                w.lastPingNanos = now; // its next window: expired again after another interval of silence
                decide(w, generation).ifPresent(expired::add);
            }
        }
        return expired;
    }

    /** Replaced, unless asked already or within the cooldown of the last liveness replacement (then reported once, and degraded). */
    private Optional<Unresponsive> decide(Watched w, long generation) {
        if (w.restartAsked) {
            return Optional.empty();
        }
        long now = clock.getAsLong();
        Duration cooldown = config.map(Liveness::cooldown).orElse(Liveness.DEFAULT_COOLDOWN);
        boolean coolingDown = lastRestartNanos.isPresent() && now - lastRestartNanos.getAsLong() < cooldown.toNanos();
        if (coolingDown) {
            if (w.skipped.isEmpty()) {
                long agoMs = (now - lastRestartNanos.getAsLong()) / 1_000_000;
                w.skipped = Optional.of("port " + w.worker.port() + " pid " + w.worker.pid() + " unresponsive (" + w.last
                        + "), not replaced: the last liveness replacement was " + agoMs + "ms ago (cooldown " + cooldown.toMillis() + "ms)");
                report(w, generation, LivenessAction.SKIPPED_COOLDOWN);
            }
            return Optional.empty();
        }
        lastRestartNanos = OptionalLong.of(now);
        w.restartAsked = true;
        w.skipped = Optional.empty();
        return Optional.of(new Unresponsive(w.worker, "liveness: port " + w.worker.port() + " pid " + w.worker.pid()
                + " unresponsive (" + w.failures + " failed: " + w.last + ")"));
    }

    /** Reports {@code unresponsive} with what is done about it. */
    void report(Unresponsive unresponsive, long generation, LivenessAction action) {
        Watched w = watched.get(unresponsive.worker().pid());
        if (w != null) {
            report(w, generation, action);
        }
    }

    private void report(Watched w, long generation, LivenessAction action) {
        events.accept(new RolloutEvent.WorkerUnresponsive(group, generation, w.worker.port(), w.worker.pid(), w.failures, w.last, action));
    }

    /** A rollout ended, or a replacement failed: a worker still unresponsive may be replaced again (cooldown permitting). */
    void retry(Optional<Long> pid) {
        watched.values().stream().filter(w -> pid.isEmpty() || pid.get() == w.worker.pid()).forEach(w -> w.restartAsked = false);
    }

    /** When the loop must wake next for a check or a watchdog; empty when nothing is watched. */
    OptionalLong nextDueNanos() {
        LongStream.Builder due = LongStream.builder();
        for (Watched w : watched.values()) {
            if (config.isPresent() && !w.checking) {
                due.add(w.nextCheckNanos);
            }
            if (!w.unheard) {
                watchdog.ifPresent(d -> due.add(w.lastPingNanos + d.toNanos()));
            }
        }
        return due.build().min();
    }

    /** The workers whose last checks failed, for status. */
    List<GroupStatus.Failing> failing() {
        return watched.values().stream().filter(w -> w.failures > 0).map(w -> new GroupStatus.Failing(w.worker.pid(), w.failures, w.last))
                .sorted(java.util.Comparator.comparingLong(GroupStatus.Failing::pid)).toList();
    }

    /** Reasons for a degraded status: workers unresponsive and not replaced. */
    List<String> problems() {
        return watched.values().stream().flatMap(w -> w.skipped.stream()).sorted().toList();
    }
}
