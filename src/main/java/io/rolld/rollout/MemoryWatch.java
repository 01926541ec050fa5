package io.rolld.rollout;

import io.rolld.config.Supervision;
import io.rolld.os.MemoryReader;
import io.rolld.os.ProcessSignaller;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Memory limits of one group's workers. Lives as long as the group, on the group's thread: the
 * cooldown outlasts the rollouts it causes. Every worker started by a rollout gets its own limit
 * and a first reading as soon as it passed its smoke test, before the front sends it traffic (a
 * respawned one at the next check); a worker over its limit at its first reading is reported as a
 * misconfiguration and never causes a rollout (its successor would be over too: a restart loop).
 * With {@code per: child} the same checks read each worker's children instead ({@link ChildMemoryWatch})
 * and never ask for a rollout or a replacement.
 */
final class MemoryWatch {
    private final String group;
    private final MemoryReader reader;
    private final RandomGenerator random;
    private final Consumer<RolloutEvent> events;
    private final LongSupplier clock;

    private volatile Optional<Supervision.Memory> config = Optional.empty();
    /** Each worker's own limit, by pid. */
    private final Map<Long, Long> limits = new HashMap<>();
    /** Pids over their limit right after start, with the reason shown in status. */
    private final Map<Long, String> misconfigured = new HashMap<>();
    /** Pids read at least once. */
    private final Set<Long> read = new HashSet<>();
    /** Pids whose skipped restart was already reported in the current cooldown window. */
    private final Set<Long> skipReported = new HashSet<>();
    /** Pids of a rollout's new set, read by {@link #checked} while the old set is still the one checked periodically. */
    private final Set<Long> incoming = new HashSet<>();
    private OptionalLong lastRolloutNanos = OptionalLong.empty();
    private long nextCheckNanos;

    private final ChildMemoryWatch children;

    /** {@code signaller} signals the children over their limit with {@code per: child}. */
    MemoryWatch(String group, MemoryReader reader, ProcessSignaller signaller, RandomGenerator random, Consumer<RolloutEvent> events,
                LongSupplier clock) {
        this.children = new ChildMemoryWatch(group, reader, signaller, random, events);
        this.group = group;
        this.reader = reader;
        this.random = random;
        this.events = events;
        this.clock = clock;
    }

    /** {@code next} passed its smoke test and gets no traffic yet: the moment for first readings. */
    void checked(WorkerSet next, Optional<Supervision.Memory> memory) {
        if (memory.isEmpty()) {
            return;
        }
        if (memory.get().per() instanceof Supervision.Per.Child per) {
            incoming.addAll(next.pids());
            children.firstReadings(next, memory.get(), per);
            return;
        }
        for (Worker w : next.workers()) {
            incoming.add(w.pid());
            long limit = MemoryLimits.draw(memory.get(), random);
            limits.put(w.pid(), limit);
            firstReading(w, next.generation(), reader.tree(w.handle(), memory.get().metric(), limit), limit);
        }
    }

    /** A rollout made {@code set} the active set; what belongs to other workers is forgotten. */
    void adopt(WorkerSet set, Optional<Supervision.Memory> memory) {
        config = memory;
        incoming.clear();
        forgetAllBut(set);
        memory.ifPresent(m -> nextCheckNanos = clock.getAsLong() + m.checkInterval().toNanos());
    }

    /** Forgets every pid but those of {@code set} and of a rollout's new set, read already, that is not serving yet. */
    private void forgetAllBut(WorkerSet set) {
        Set<Long> pids = new HashSet<>(set.pids());
        pids.addAll(incoming);
        limits.keySet().retainAll(pids);
        misconfigured.keySet().retainAll(pids); // a respawned worker starts afresh
        read.retainAll(pids);
    }

    /** Records the first reading of {@code w}; over the limit, it is a misconfiguration, reported. */
    private void firstReading(Worker w, long generation, MemoryReader.Usage usage, long limit) {
        read.add(w.pid());
        if (usage.bytes() < limit) {
            return;
        }
        String reason = "port " + w.port() + " pid " + w.pid() + " uses " + describe(usage) + " right after start, over its limit "
                + mb(limit) + ": raise memory.limit";
        misconfigured.put(w.pid(), reason);
        events.accept(new RolloutEvent.MemoryExceeded(group, generation, w.port(), w.pid(), usage, limit,
                MemoryAction.MISCONFIGURED, reason));
    }

    /** The next check, or sooner a signalled child's kill deadline. */
    OptionalLong nextCheckNanos() {
        if (config.isEmpty()) {
            return OptionalLong.empty();
        }
        OptionalLong kill = config.get().per() instanceof Supervision.Per.Child per ? children.nextKillNanos(per) : OptionalLong.empty();
        return OptionalLong.of(kill.isPresent() && kill.getAsLong() - nextCheckNanos < 0 ? kill.getAsLong() : nextCheckNanos);
    }

    /** Reasons for a degraded status. */
    List<String> problems() {
        List<String> problems = new ArrayList<>(misconfigured.values());
        if (children().isPresent()) { // a reload to per: worker leaves no child's reason behind
            problems.addAll(children.problems());
        }
        return problems;
    }

    /** With {@code per: child}, the children as last read; safe from any thread. */
    Optional<GroupStatus.Children> children() {
        return config.filter(m -> m.per() instanceof Supervision.Per.Child).map(m -> children.status());
    }

    /** {@code worker} is over its limit, and {@code action} (a rollout, or replacing it alone) is due. */
    record Breach(Worker worker, String reason) {
    }

    /**
     * Reads every live worker of {@code set} if a check is due; returns the first one over its
     * limit when the group was not restarted for memory within the cooldown: {@code action} (a
     * rollout, or in held-socket mode replacing that worker) then counts as that restart.
     */
    Optional<Breach> checkIfDue(WorkerSet set, MemoryAction action) {
        long now = clock.getAsLong();
        if (config.isEmpty() || now - nextCheckNanos().getAsLong() < 0) {
            return Optional.empty();
        }
        Supervision.Memory memory = config.get();
        nextCheckNanos = now + memory.checkInterval().toNanos();
        if (memory.per() instanceof Supervision.Per.Child per) {
            children.check(set, incoming, memory, per, now);
            return Optional.empty();
        }
        boolean coolingDown = lastRolloutNanos.isPresent() && now - lastRolloutNanos.getAsLong() < memory.cooldown().toNanos();
        if (!coolingDown) {
            skipReported.clear();
        }
        forgetAllBut(set);
        for (Worker w : set.workers()) {
            if (!w.isAlive() || misconfigured.containsKey(w.pid())) {
                continue;
            }
            long limit = limits.computeIfAbsent(w.pid(), pid -> MemoryLimits.draw(memory, random));
            MemoryReader.Usage usage = reader.tree(w.handle(), memory.metric(), limit);
            if (!read.contains(w.pid())) {
                firstReading(w, set.generation(), usage, limit);
                continue;
            }
            if (usage.bytes() < limit) {
                continue;
            }
            String over = "port " + w.port() + " pid " + w.pid() + " uses " + describe(usage) + ", over its limit " + mb(limit);
            if (coolingDown) {
                if (skipReported.add(w.pid())) {
                    long leftMs = (lastRolloutNanos.getAsLong() + memory.cooldown().toNanos() - now) / 1_000_000;
                    events.accept(new RolloutEvent.MemoryExceeded(group, set.generation(), w.port(), w.pid(), usage, limit,
                            MemoryAction.SKIPPED_COOLDOWN, over + "; not restarted: last memory restart less than "
                            + memory.cooldown().toMillis() + "ms ago (cooldown ends in " + leftMs + "ms)"));
                }
                continue;
            }
            lastRolloutNanos = OptionalLong.of(now);
            events.accept(new RolloutEvent.MemoryExceeded(group, set.generation(), w.port(), w.pid(), usage, limit,
                    action, over));
            return Optional.of(new Breach(w, "memory: " + over));
        }
        return Optional.empty();
    }

    static String describe(MemoryReader.Usage usage) {
        return mb(usage.bytes()) + " " + usage.metric().label() + " (" + usage.processes() + " process" + (usage.processes() == 1 ? "" : "es") + ")";
    }

    static String mb(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1fMB", bytes / 1e6);
    }
}
