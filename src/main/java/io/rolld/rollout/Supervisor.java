package io.rolld.rollout;

import io.rolld.config.GroupConfig;
import io.rolld.config.HeldSockets;
import io.rolld.config.HeldSocketConfig;
import io.rolld.config.Supervision;
import io.rolld.os.MemoryReader;
import io.rolld.os.ProcessSignaller;
import io.rolld.os.Exit;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import java.util.stream.LongStream;

/**
 * Keeps a group's serving set running, in every state of its rollouts: respawns crashed workers in their slot
 * with backoff, watches memory, and asks for periodic rollouts. A slot is a worker's port in
 * load-balancer mode and its worker number in held-socket mode (where every worker shares the held
 * port); there a worker over its memory limit is replaced alone instead of rolling the group: the
 * supervisor asks for a {@link Replacement}, the loop runs it off the loop ({@link HeldReplacement})
 * and hands the ready successor back ({@link #replaced}), one replacement per slot at a time.
 * Confined to the group's loop:
 * exits arrive as events posted there ({@link Machine} hands a serving worker's exit to {@link #exited}),
 * and everything due is done by {@link #runDue}. A worker
 * counts only while it belongs to the set adopted last, so workers a rollout stopped, or that
 * crashed while a rollout retired them, are never respawned nor counted.
 */
final class Supervisor {
    private static final int STDERR_TAIL_LINES = 10;

    /** What one slot of the active set is doing. */
    private sealed interface Slot {
        int crashesInARow();

        record Up(Worker worker, long sinceNanos, int crashesInARow) implements Slot {
        }

        /**
         * {@code crashed} stays in the active set until its successor replaces it; empty for a slot
         * whose leftover worker was not adopted. {@code cause} is the crash's exit, for health.
         */
        record Down(Optional<Worker> crashed, String cause, long respawnAtNanos, int crashesInARow) implements Slot {
        }
    }

    /**
     * The active set after the due work, the trigger of a rollout it asks for, if any, the held
     * workers to replace, and the liveness checks to run (off the loop, answered through {@link #checked}).
     */
    record Due(WorkerSet active, Optional<String> rolloutTrigger, List<Replacement> replacements, List<LivenessWatch.Check> checks) {
        Due {
            replacements = List.copyOf(replacements);
            checks = List.copyOf(checks);
        }
    }

    /**
     * Held-socket mode: {@code old}, serving in {@code slot} of {@code generation}, is to be replaced
     * alone for {@code reason}, its successor started from {@code specs} and ready by {@code held}'s rule.
     */
    record Replacement(int slot, Worker old, RestartReason reason, WorkerSpecs specs, HeldSockets held, long generation) {
    }

    private final String group;
    private final Consumer<RolloutEvent> events;
    private final Consumer<Worker> watchExit;
    private final LongSupplier clock;
    private final RandomGenerator random;
    private final MemoryWatch memory;
    private final LivenessWatch liveness;
    private final Map<Integer, Slot> slots = new HashMap<>();
    /**
     * The slots that are down or in a crash series: the only ones with work due or a health line.
     * The loop asks at every step, so a thousand healthy slots must cost nothing there.
     */
    private final Map<Integer, Slot> unsettled = new HashMap<>();
    /** The slot each worker that is up runs in. */
    private final Map<Worker, Integer> slotOfWorker = new HashMap<>();
    /** Held-socket mode: the worker each slot's replacement in flight replaces. */
    private final Map<Integer, Worker> replacing = new HashMap<>();
    private Optional<WorkerSpecs> specs = Optional.empty();
    private OptionalLong autoRestartAtNanos = OptionalLong.empty();
    private volatile Health health = new Health.Healthy();
    private volatile List<GroupStatus.Failing> failing = List.of();

    Supervisor(String group, Consumer<RolloutEvent> events, Consumer<Worker> watchExit, MemoryReader reader,
               LongSupplier clock, RandomGenerator random) {
        this.group = group;
        this.events = events;
        this.watchExit = watchExit;
        this.clock = clock;
        this.random = random;
        this.memory = new MemoryWatch(group, reader, ProcessSignaller.OS, random, events, clock);
        this.liveness = new LivenessWatch(group, events, clock);
    }

    /** What the active set was started from (its respawns use it too); empty before the first start. */
    Optional<WorkerSpecs> specs() {
        return specs;
    }

    /** Safe from any thread. */
    Health health() {
        return health;
    }

    /** The serving workers failing their liveness checks; safe from any thread. */
    List<GroupStatus.Failing> failing() {
        return failing;
    }

    /** With memory per child, the serving workers' children; safe from any thread. */
    Optional<GroupStatus.Children> children() {
        return memory.children();
    }

    /** A rollout made {@code set}, started from {@code launched}, the active set. */
    void adopt(WorkerSet set, WorkerSpecs launched) {
        Map<Integer, Worker> bySlot = new HashMap<>();
        for (int i = 0; i < set.workers().size(); i++) {
            bySlot.put(launched.slotOf(i, set.workers().get(i)), set.workers().get(i));
        }
        supervise(set, launched, bySlot, List.of());
    }

    /**
     * Adoption made {@code set} (workers a previous rolld left, see {@link Adoption}) the active set;
     * each {@code empty} slot, whose worker was not adopted, is respawned at once by the usual path.
     */
    void adoptLeftovers(WorkerSet set, WorkerSpecs specs, Map<Integer, Worker> bySlot, List<Integer> empty) {
        supervise(set, specs, bySlot, empty);
        liveness.adopted(set);
    }

    private void supervise(WorkerSet set, WorkerSpecs launched, Map<Integer, Worker> bySlot, List<Integer> empty) {
        specs = Optional.of(launched);
        slots.clear();
        unsettled.clear();
        slotOfWorker.clear();
        replacing.clear(); // a replacement still in flight finds its slot retired, and its successor is stopped
        long now = clock.getAsLong();
        bySlot.forEach((slot, w) -> {
            put(slot, new Slot.Up(w, now, 0));
            watchExit.accept(w);
        });
        empty.forEach(slot -> put(slot, new Slot.Down(Optional.empty(), "its leftover worker was not adopted", now, 0)));
        memory.adopt(set, launched.group().supervision().memory());
        liveness.configure(launched.group().supervision().liveness(), launched.group().supervision().watchdog());
        liveness.track(set);
        publishHealth();
    }

    /** A rollout's new set passed its smoke test (or is ready, in held-socket mode), before it gets traffic. */
    void checked(WorkerSet next, GroupConfig config) {
        memory.checked(next, config.supervision().memory());
    }

    /** Any rollout ended, whatever its outcome: the periodic restart counts from here. */
    void rolloutEnded() {
        liveness.retry(Optional.empty());
        autoRestartAtNanos = specs.flatMap(s -> s.group().supervision().autoRestart())
                .map(a -> OptionalLong.of(clock.getAsLong() + a.every().toNanos() + jitterNanos(a.jitter())))
                .orElse(OptionalLong.empty());
    }

    private long jitterNanos(Duration jitter) {
        return jitter.isZero() ? 0 : random.nextLong(jitter.toNanos() + 1);
    }

    /** A worker rolld watches exited; a crash if it is still the one running its slot of the active set. */
    void exited(Worker worker, Exit exit, long generation) {
        Optional<Integer> running = slotRunning(worker);
        if (running.isEmpty()) {
            return; // stopped by a rollout, or replaced already
        }
        int slot = running.get();
        Slot.Up up = (Slot.Up) slots.get(slot);
        long now = clock.getAsLong();
        Supervision.Respawn respawn = specs.orElseThrow().group().supervision().respawn();
        Duration uptime = Duration.ofNanos(now - up.sinceNanos());
        int crashes = Backoff.crashesInARow(up.crashesInARow(), uptime, respawn.resetAfter());
        Duration delay = new Backoff(respawn.backoff(), respawn.maxBackoff()).delay(crashes);
        put(slot, new Slot.Down(Optional.of(worker), exit.toString(), now + delay.toNanos(), crashes));
        events.accept(new RolloutEvent.WorkerCrashed(group, generation, worker.port(), worker.pid(), exit, uptime.toMillis(),
                crashes, delay.toMillis(), worker.stderrTail(STDERR_TAIL_LINES)));
        publishHealth();
    }

    /** How long the group's thread may wait before something is due (0: now); empty when nothing is scheduled. */
    OptionalLong nanosUntilDue() {
        LongStream.Builder due = LongStream.builder();
        Duration resetAfter = specs.map(s -> s.group().supervision().respawn().resetAfter()).orElse(Duration.ZERO);
        for (Slot p : unsettled.values()) {
            switch (p) {
                case Slot.Down d -> due.add(d.respawnAtNanos());
                case Slot.Up u when u.crashesInARow() > 0 -> due.add(u.sinceNanos() + resetAfter.toNanos());
                case Slot.Up u -> { }
            }
        }
        memory.nextCheckNanos().ifPresent(due::add);
        liveness.nextDueNanos().ifPresent(due::add);
        autoRestartAtNanos.ifPresent(due::add);
        long now = clock.getAsLong();
        return due.build().map(t -> Math.max(0, t - now)).min();
    }

    /**
     * Respawns what is due, resets crash series of workers that stayed up, checks memory (replacing
     * a worker over its limit in held-socket mode) and the periodic restart.
     */
    Due runDue(WorkerSet active) {
        WorkerSet current = active;
        long now = clock.getAsLong();
        for (Map.Entry<Integer, Slot> e : new ArrayList<>(unsettled.entrySet())) {
            switch (e.getValue()) {
                case Slot.Down d when now - d.respawnAtNanos() >= 0 -> current = respawn(current, e.getKey(), d);
                case Slot.Up u when u.crashesInARow() > 0 && now - u.sinceNanos()
                        >= specs.orElseThrow().group().supervision().respawn().resetAfter().toNanos() ->
                        put(e.getKey(), new Slot.Up(u.worker(), u.sinceNanos(), 0));
                default -> { } // nothing due for this slot yet
            }
        }
        Optional<String> trigger = Optional.empty();
        List<Replacement> replacements = new ArrayList<>();
        switch (specs.map(WorkerSpecs::slots).orElse(new Slots.Ports())) {
            case Slots.Ports p -> trigger = memory.checkIfDue(current, MemoryAction.ROLLOUT).map(MemoryWatch.Breach::reason);
            case Slots.Held h -> {
                long generation = current.generation();
                memory.checkIfDue(current, MemoryAction.REPLACE)
                        .flatMap(breach -> replacement(breach.worker(), RestartReason.MEMORY, h.config(), generation))
                        .ifPresent(replacements::add);
            }
        }
        liveness.track(current);
        for (LivenessWatch.Unresponsive u : liveness.watchdogExpired(current.generation())) {
            Due replaced = unresponsive(u, current);
            trigger = trigger.or(replaced::rolloutTrigger);
            replacements.addAll(replaced.replacements());
        }
        List<LivenessWatch.Check> checks = liveness.due(heldPorts());
        publishHealth();
        if (trigger.isEmpty() && autoRestartAtNanos.isPresent() && now - autoRestartAtNanos.getAsLong() >= 0) {
            autoRestartAtNanos = OptionalLong.empty();
            trigger = Optional.of("auto_restart: every " + specs.orElseThrow().group().supervision().autoRestart().orElseThrow().every());
        }
        return new Due(current, trigger, replacements, checks);
    }

    /** Held-socket mode: the TCP ports every worker shares, where none can be checked alone; empty in workset mode. */
    private Optional<Set<Integer>> heldPorts() {
        return switch (specs.map(WorkerSpecs::slots).orElse(new Slots.Ports())) {
            case Slots.Ports p -> Optional.empty();
            case Slots.Held h -> Optional.of(h.config().listen().stream().flatMap(l -> l.address() instanceof HeldSocketConfig.Inet inet
                    ? java.util.stream.Stream.of(inet.port()) : java.util.stream.Stream.empty()).collect(java.util.stream.Collectors.toSet()));
        };
    }

    /** A liveness check of {@code worker} answered ({@code failure}: why it failed; empty: it passed), with what that asks for. */
    Due checked(Worker worker, Optional<String> failure, WorkerSet serving) {
        Due unchanged = new Due(serving, Optional.empty(), List.of(), List.of());
        Due due = liveness.checked(worker, failure, serving.generation()).map(u -> unresponsive(u, serving)).orElse(unchanged);
        publishHealth();
        return due;
    }

    /** A worker sent WATCHDOG=1. */
    void pinged(long pid) {
        liveness.pinged(pid);
    }

    /** Workset mode: the group rolls; held-socket mode: the worker alone is replaced, its successor ready first. */
    private Due unresponsive(LivenessWatch.Unresponsive u, WorkerSet serving) {
        Due none = new Due(serving, Optional.empty(), List.of(), List.of());
        return switch (specs.map(WorkerSpecs::slots).orElse(new Slots.Ports())) {
            case Slots.Ports p -> {
                liveness.report(u, serving.generation(), LivenessAction.ROLLOUT);
                yield new Due(serving, Optional.of(u.reason()), List.of(), List.of());
            }
            case Slots.Held h -> {
                liveness.report(u, serving.generation(), LivenessAction.REPLACE);
                yield replacement(u.worker(), RestartReason.LIVENESS, h.config(), serving.generation())
                        .map(r -> new Due(serving, Optional.empty(), List.of(r), List.of())).orElse(none);
            }
        };
    }

    /** The replacement of {@code old}, unless it no longer runs its slot or its slot is being replaced already. */
    private Optional<Replacement> replacement(Worker old, RestartReason reason, HeldSockets held, long generation) {
        Optional<Integer> slot = slotRunning(old);
        if (slot.isEmpty() || replacing.containsKey(slot.get())) {
            return Optional.empty();
        }
        replacing.put(slot.get(), old);
        return Optional.of(new Replacement(slot.get(), old, reason, specs.orElseThrow(), held, generation));
    }

    /**
     * The successor of {@code r} is ready: it takes its slot, keeping the slot's crash series, and
     * the serving set it makes of {@code serving} is returned; the caller then stops the old worker.
     * Empty when the slot no longer holds the old worker (running, or crashed and waiting for its
     * respawn): a rollout retired it meanwhile, and the caller stops the successor.
     */
    Optional<WorkerSet> replaced(Replacement r, Worker successor, WorkerSet serving) {
        replacing.remove(r.slot(), r.old());
        Slot now = slots.get(r.slot());
        boolean holdsOld = switch (now) {
            case Slot.Up u -> u.worker() == r.old();
            case Slot.Down d -> d.crashed().filter(w -> w == r.old()).isPresent();
            case null -> false;
        };
        if (!holdsOld || !serving.workers().contains(r.old())) {
            return Optional.empty();
        }
        long since = now instanceof Slot.Up u ? u.sinceNanos() : clock.getAsLong();
        put(r.slot(), new Slot.Up(successor, since, now.crashesInARow()));
        watchExit.accept(successor);
        memory.checked(new WorkerSet(serving.generation(), List.of(successor)), specs.orElseThrow().group().supervision().memory());
        publishHealth();
        return Optional.of(swap(serving, Optional.of(r.old()), successor));
    }

    /** The successor of {@code r} did not become ready (reported): the slot may be replaced again. */
    void replacementFailed(Replacement r) {
        replacing.remove(r.slot(), r.old());
        liveness.retry(Optional.of(r.old().pid()));
    }

    /** A respawned worker of a held group gets no NOTIFY_SOCKET: nobody waits for it (as in load-balancer mode). */
    private WorkerSet respawn(WorkerSet active, int slot, Slot.Down down) {
        Supervision.Respawn respawn = specs.orElseThrow().group().supervision().respawn();
        Worker started;
        try {
            started = specs.orElseThrow().spawn(slot, active.generation(), Optional.empty());
        } catch (IOException | RuntimeException e) {
            int crashes = down.crashesInARow() + 1;
            Duration delay = new Backoff(respawn.backoff(), respawn.maxBackoff()).delay(crashes);
            put(slot, new Slot.Down(down.crashed(), down.cause(), clock.getAsLong() + delay.toNanos(), crashes));
            events.accept(new RolloutEvent.RespawnFailed(group, active.generation(), specs.orElseThrow().portOf(slot), e.getMessage(),
                    crashes, delay.toMillis()));
            return active;
        }
        put(slot, new Slot.Up(started, clock.getAsLong(), down.crashesInARow()));
        events.accept(new RolloutEvent.WorkerRespawned(group, active.generation(), slot, started.port(), started.pid(),
                down.crashesInARow(), specs.orElseThrow().heldFds()));
        watchExit.accept(started);
        // Its first reading, like a rollout's new worker's: over the limit right after start is a misconfiguration, never a rollout.
        memory.checked(new WorkerSet(active.generation(), List.of(started)), specs.orElseThrow().group().supervision().memory());
        return swap(active, down.crashed(), started);
    }

    /** The slot {@code w} runs in, if it is up there. */
    private Optional<Integer> slotRunning(Worker w) {
        return Optional.ofNullable(slotOfWorker.get(w));
    }

    private void put(int slot, Slot state) {
        Slot before = slots.put(slot, state);
        if (before instanceof Slot.Up up) {
            slotOfWorker.remove(up.worker());
        }
        if (state instanceof Slot.Up up) {
            slotOfWorker.put(up.worker(), slot);
        }
        if (state.crashesInARow() > 0 || state instanceof Slot.Down) {
            unsettled.put(slot, state);
        } else {
            unsettled.remove(slot);
        }
    }

    /** {@code successor} takes {@code gone}'s place, or joins the set when its slot was empty. */
    private static WorkerSet swap(WorkerSet active, Optional<Worker> gone, Worker successor) {
        List<Worker> workers = new ArrayList<>(active.workers());
        if (gone.isPresent()) {
            workers.replaceAll(w -> w == gone.get() ? successor : w);
        } else {
            workers.add(successor);
        }
        return new WorkerSet(active.generation(), workers);
    }

    private void publishHealth() {
        List<String> reasons = new ArrayList<>();
        unsettled.entrySet().stream().filter(e -> e.getValue() instanceof Slot.Down || e.getValue() instanceof Slot.Up u && u.crashesInARow() > 1)
                .sorted(Map.Entry.comparingByKey()).forEach(e -> {
            String slot = specs.orElseThrow().describe(e.getKey());
            switch (e.getValue()) {
                case Slot.Down d -> reasons.add(slot + " down after " + d.cause()
                        + (d.crashesInARow() > 0 ? " (" + crashes(d.crashesInARow()) + ")" : "") + ", respawn pending");
                case Slot.Up u when u.crashesInARow() > 1 -> reasons.add(slot + " crash-looping ("
                        + crashes(u.crashesInARow()) + "), up again since the last respawn");
                case Slot.Up u -> { }
            }
        });
        reasons.addAll(memory.problems());
        reasons.addAll(liveness.problems());
        failing = liveness.failing();
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
