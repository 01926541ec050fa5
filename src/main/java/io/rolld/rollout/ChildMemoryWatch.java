package io.rolld.rollout;

import io.rolld.config.PosixSignal;
import io.rolld.config.Supervision;
import io.rolld.os.MemoryReader;
import io.rolld.os.ProcessSignaller;
import io.rolld.os.ProcessTable;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * Memory limits per child ({@code memory: {per: child}}), as stalin keeps them for unicorn and
 * puma: each child a worker's process forked (a preforking server's master forks them) is read
 * with its own descendants against its own limit, and one over it is sent the server's graceful
 * signal for one child, so its master forks a fresh one while the master and its other children
 * keep serving: no rollout. One child per worker at a time: the next one over its limit waits
 * until the signalled one is gone, so a master is never left without children by one check. A
 * signalled child still running {@code killAfter} later gets SIGKILL. A child over its limit at its
 * first reading is a misconfiguration (every child its master forks would be too): reported, never
 * signalled. Part of {@link MemoryWatch}, on the group's thread; {@link #status} is safe from any.
 */
final class ChildMemoryWatch {
    private final String group;
    private final MemoryReader reader;
    private final ProcessSignaller signaller;
    private final RandomGenerator random;
    private final Consumer<RolloutEvent> events;

    /** A child sent the signal, not seen gone yet. */
    private record Signalled(Worker worker, long generation, long atNanos, boolean killed) {
    }

    /** Each child's own limit; a child without one was never read. */
    private final Map<ProcessTable.Entry, Long> limits = new HashMap<>();
    /** Children over their limit at their first reading, with the reason shown in status. */
    private final Map<ProcessTable.Entry, String> misconfigured = new HashMap<>();
    /** Children whose skipped signal was already reported in the current cooldown window. */
    private final Set<ProcessTable.Entry> skipReported = new HashSet<>();
    private final Map<ProcessTable.Entry, Signalled> signalled = new HashMap<>();
    private OptionalLong lastSignalNanos = OptionalLong.empty();
    private long signalledTotal;
    private long killedTotal;
    private volatile GroupStatus.Children status = new GroupStatus.Children(List.of(), 0, 0);

    ChildMemoryWatch(String group, MemoryReader reader, ProcessSignaller signaller, RandomGenerator random, Consumer<RolloutEvent> events) {
        this.group = group;
        this.reader = reader;
        this.signaller = signaller;
        this.random = random;
        this.events = events;
    }

    /** The children of {@code next}, a rollout's new set that gets no traffic yet, read for the first time. */
    void firstReadings(WorkerSet next, Supervision.Memory memory, Supervision.Per.Child per) {
        ProcessTable table = reader.processes();
        for (Worker w : next.workers()) {
            for (ProcessTable.Entry c : table.children(w.pid())) {
                if (!limits.containsKey(c)) {
                    firstReading(w, next.generation(), c, reading(table, c, memory), per);
                }
            }
        }
    }

    /**
     * Reads every child of the live workers of {@code set} (children of {@code keptParents}, a
     * rollout's new set, are kept but not checked); signals the ones over their limit, kills the
     * ones that ignored their signal for {@code killAfter}, and forgets children that are gone.
     */
    void check(WorkerSet set, Collection<Long> keptParents, Supervision.Memory memory, Supervision.Per.Child per, long now) {
        ProcessTable table = reader.processes();
        Set<ProcessTable.Entry> known = new HashSet<>();
        set.workers().forEach(w -> known.addAll(table.children(w.pid())));
        keptParents.forEach(p -> known.addAll(table.children(p)));
        signalled.keySet().retainAll(known);
        limits.keySet().retainAll(known);
        misconfigured.keySet().retainAll(known);
        skipReported.retainAll(known);
        killStubborn(per, now);
        List<GroupStatus.Child> readings = new ArrayList<>();
        for (Worker w : set.workers()) {
            if (!w.isAlive()) {
                continue;
            }
            for (ProcessTable.Entry c : table.children(w.pid())) {
                if (signalled.containsKey(c)) {
                    continue; // on its way out
                }
                boolean first = !limits.containsKey(c);
                MemoryReader.Usage usage = reading(table, c, memory);
                long limit = limits.get(c);
                readings.add(new GroupStatus.Child(w.pid(), c.pid(), label(usage), usage.bytes(), limit));
                if (first) {
                    firstReading(w, set.generation(), c, usage, per);
                } else if (usage.bytes() >= limit && !misconfigured.containsKey(c)) {
                    over(w, set.generation(), c, usage, limit, memory, per, now);
                }
            }
        }
        status = new GroupStatus.Children(readings, signalledTotal, killedTotal);
    }

    private MemoryReader.Usage reading(ProcessTable table, ProcessTable.Entry child, Supervision.Memory memory) {
        long limit = limits.computeIfAbsent(child, c -> MemoryLimits.draw(memory, random));
        return reader.sum(table.subtree(child.pid()), memory.metric(), limit);
    }

    private void firstReading(Worker w, long generation, ProcessTable.Entry child, MemoryReader.Usage usage, Supervision.Per.Child per) {
        long limit = limits.get(child);
        if (usage.bytes() < limit) {
            return;
        }
        String reason = "port " + w.port() + " pid " + w.pid() + " child " + child.pid() + " uses " + MemoryWatch.describe(usage)
                + " at its first reading, over its limit " + MemoryWatch.mb(limit) + ": raise memory.limit (every child its master"
                + " forks would be over too)";
        misconfigured.put(child, reason);
        events.accept(new RolloutEvent.ChildOverMemory(group, generation, w.port(), w.pid(), child.pid(), usage, limit,
                MemoryAction.MISCONFIGURED, per.signal(), reason));
    }

    private void over(Worker w, long generation, ProcessTable.Entry child, MemoryReader.Usage usage, long limit,
                      Supervision.Memory memory, Supervision.Per.Child per, long now) {
        String over = "port " + w.port() + " pid " + w.pid() + " child " + child.pid() + " uses " + MemoryWatch.describe(usage)
                + ", over its limit " + MemoryWatch.mb(limit);
        if (lastSignalNanos.isPresent() && now - lastSignalNanos.getAsLong() < memory.cooldown().toNanos()) {
            if (skipReported.add(child)) {
                long leftMs = (lastSignalNanos.getAsLong() + memory.cooldown().toNanos() - now) / 1_000_000;
                events.accept(new RolloutEvent.ChildOverMemory(group, generation, w.port(), w.pid(), child.pid(), usage, limit,
                        MemoryAction.SKIPPED_COOLDOWN, per.signal(), over + "; not signalled: last child signalled less than "
                        + memory.cooldown().toMillis() + "ms ago (cooldown ends in " + leftMs + "ms)"));
            }
            return;
        }
        if (signalled.values().stream().anyMatch(s -> s.worker() == w)) {
            return; // its sibling signalled earlier is still on its way out: the next check sees this one again
        }
        if (!signaller.send(child, per.signal())) {
            return; // gone meanwhile
        }
        lastSignalNanos = OptionalLong.of(now);
        skipReported.clear();
        signalled.put(child, new Signalled(w, generation, now, false));
        signalledTotal++;
        events.accept(new RolloutEvent.ChildOverMemory(group, generation, w.port(), w.pid(), child.pid(), usage, limit,
                MemoryAction.SIGNAL, per.signal(), over + "; sent SIG" + per.signal().name() + ", its master forks the next one"));
    }

    /** Children still running {@code killAfter} after their signal get SIGKILL, once. */
    private void killStubborn(Supervision.Per.Child per, long now) {
        for (Map.Entry<ProcessTable.Entry, Signalled> e : signalled.entrySet()) {
            Signalled s = e.getValue();
            if (!s.killed() && now - s.atNanos() >= per.killAfter().toNanos() && signaller.send(e.getKey(), PosixSignal.KILL)) {
                e.setValue(new Signalled(s.worker(), s.generation(), s.atNanos(), true));
                killedTotal++;
                events.accept(new RolloutEvent.ChildKilled(group, s.generation(), s.worker().port(), s.worker().pid(), e.getKey().pid(),
                        per.signal(), (now - s.atNanos()) / 1_000_000));
            }
        }
    }

    /** When the first signalled child still running must be killed; empty when none waits. */
    OptionalLong nextKillNanos(Supervision.Per.Child per) {
        return signalled.values().stream().filter(s -> !s.killed()).mapToLong(s -> s.atNanos() + per.killAfter().toNanos()).min();
    }

    /** Reasons for a degraded status. */
    List<String> problems() {
        return new ArrayList<>(misconfigured.values());
    }

    /** The children as last read, and how many were signalled and killed; safe from any thread. */
    GroupStatus.Children status() {
        return status;
    }

    private static String label(MemoryReader.Usage usage) {
        return usage.exact() ? usage.metric().label() : Supervision.Metric.RSS.label();
    }

}
