package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.rolld.config.Delivery;
import io.rolld.os.Exit;
import io.rolld.process.FakeWorkers;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Machine#next} against a small fake world, by seeded random sequences: effects resolve in
 * any order and may fail, workers crash, HUPs, promotes, aborts and memory readings arrive at any
 * moment, and rolld itself dies and is started again, reconciling from the intent it recorded by
 * the policy of {@code notes/STATE-MACHINE.md}. Invariants are checked after every step.
 *
 * <p>A failing sequence prints its seed; {@code -Drolld.sim.seed=N} replays that one alone
 * ({@code -Drolld.sim.runs=N} changes how many run).
 */
class MachineSimulationTest {
    private static final int RUNS = Integer.getInteger("rolld.sim.runs", 2000);
    private static final int STEPS = 120;

    @Test
    void next_inRandomWorlds_keepsEveryInvariant() {
        Long only = Long.getLong("rolld.sim.seed");
        long base = 0x5eed_0019L;
        for (int i = 0; i < (only == null ? RUNS : 1); i++) {
            long seed = only != null ? only : base + i;
            try {
                new World(seed).run();
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + " (replay: -Drolld.sim.seed=" + seed + "): " + e.getMessage(), e);
            }
        }
    }

    /** Ports by generation: odd generations on 91xx, even ones on 92xx, two workers each. */
    private static List<Integer> ports(long generation) {
        return generation % 2 == 1 ? List.of(9101, 9102) : List.of(9201, 9202);
    }

    private static final class World {
        private final SplittableRandom random;
        /** The last steps, rendered only when an invariant fails. */
        private final ArrayDeque<Object> trace = new ArrayDeque<>();
        /** The effects in flight, by ticket. */
        private final Map<Long, Action> pending = new HashMap<>();
        private final Set<Long> cancelled = new HashSet<>();
        /** Supervisor respawns due (the crashed workers). */
        private final List<Worker> respawns = new ArrayList<>();
        private final ArrayDeque<Event> inbox = new ArrayDeque<>();
        /** The latest worker on each port, and which generation it belongs to. */
        private final Map<Integer, Worker> onPort = new HashMap<>();
        private final Map<Worker, Long> generationOf = new HashMap<>();
        private final Set<Worker> stoppedByRolld = new HashSet<>();
        /** The ports the front lists. */
        private Set<Integer> listed = new HashSet<>();
        private Optional<Intent> intent = Optional.empty();
        private State state;
        private long now = 1_000_000_000L;
        private boolean queued;
        private boolean closing;
        private int rollouts;
        private final RolloutPlan.Retirement retirement;
        private final List<Delivery.CanaryStep> canary;
        private final Optional<Duration> bake;

        World(long seed) {
            random = new SplittableRandom(seed);
            retirement = random.nextBoolean() ? RolloutPlan.Retirement.DRAIN_THEN_STOP : RolloutPlan.Retirement.STOP;
            canary = random.nextInt(3) == 0 ? List.of() : List.of(new Delivery.CanaryStep(25, Duration.ofSeconds(30)));
            bake = random.nextBoolean() ? Optional.of(Duration.ofSeconds(5)) : Optional.empty();
            if (random.nextInt(4) == 0) {
                state = new State.Idle(0, WorkerSet.empty()); // a first start
                queued = true;
            } else {
                WorkerSet first = spawn(1, ports(1));
                state = new State.Idle(0, first);
                listed = new HashSet<>(ports(1));
            }
        }

        void run() {
            for (int i = 0; i < STEPS; i++) {
                if (queued && state instanceof State.Idle idle && !closing) {
                    queued = false;
                    feed(new Event.RolloutRequested(plan(idle.serving())));
                }
                if (!inbox.isEmpty()) {
                    feed(inbox.poll());
                    continue;
                }
                int dice = random.nextInt(100);
                if (dice < 55 && !pending.isEmpty()) {
                    resolve(pick(new ArrayList<>(pending.keySet())));
                } else if (dice < 62 && !respawns.isEmpty()) {
                    respawn(respawns.remove(random.nextInt(respawns.size())));
                } else if (dice < 68) {
                    crashOne();
                } else if (dice < 73) {
                    queued = true; // HUP, or a memory reading asking for a rollout: coalesced
                } else if (dice < 77) {
                    feed(new Event.Promote());
                } else if (dice < 80) {
                    feed(new Event.Abort());
                } else if (dice < 88) {
                    feed(new Event.SupervisionTick(now));
                } else if (dice < 90) {
                    dieAndReconcile();
                } else if (dice < 91 && !closing) {
                    closing = true;
                    feed(new Event.Shutdown());
                }
            }
            // Let everything in flight finish: the group must come to rest, whole.
            for (int i = 0; i < 500 && !(pending.isEmpty() && inbox.isEmpty() && state instanceof State.Idle); i++) {
                if (!inbox.isEmpty()) {
                    feed(inbox.poll());
                } else {
                    resolve(pick(new ArrayList<>(pending.keySet())));
                }
            }
            assertTrue(state instanceof State.Idle, () -> "at rest: " + state + trace());
            assertEquals(0, rollouts, () -> "every rollout finished" + trace());
        }

        private RolloutPlan plan(WorkerSet serving) {
            long from = serving.generation();
            boolean first = serving.workers().isEmpty();
            return new RolloutPlan("app", from, "HUP", ports(from + 1), List.of(ports(from + 1)), RolloutPlan.Batching.ALL_AT_ONCE,
                    first ? List.of() : canary, first ? Optional.empty() : bake, Duration.ofSeconds(1), retirement);
        }

        private long pick(List<Long> tickets) {
            tickets.sort(null);
            return tickets.get(random.nextInt(tickets.size()));
        }

        private WorkerSet spawn(long generation, List<Integer> slots) {
            List<Worker> workers = new ArrayList<>();
            for (int port : slots) {
                Worker w = FakeWorkers.running(port);
                onPort.put(port, w);
                generationOf.put(w, generation);
                workers.add(w);
            }
            return new WorkerSet(generation, workers);
        }

        private void feed(Event e) {
            State before = state;
            if (e instanceof Event.RolloutRequested) {
                assertTrue(before instanceof State.Idle, () -> "a rollout is requested only while idle" + trace());
            }
            Step step = Machine.next(before, e);
            remember(new Traced(e, before.phase(), step));
            if (before instanceof State.Idle && !(step.state() instanceof State.Idle)) {
                rollouts++;
            }
            state = step.state();
            for (Action a : step.actions()) {
                act(a);
            }
            checkInvariants();
        }

        private void act(Action a) {
            switch (a) {
                case Action.Record r -> intent = r.intent();
                case Action.Enter _, Action.FirstReadings _, Action.Report _ -> { }
                case Action.Spawn s -> {
                    assertEquals(Optional.of(Phase.STARTING), intent.map(Intent::phase), () -> "intent before spawning" + trace());
                    pending.put(s.ticket(), s);
                }
                case Action.AwaitReady r -> pending.put(r.ticket(), r);
                case Action.ApplyFront f -> {
                    assertEquals(Optional.of(Intent.FrontTarget.EITHER), intent.map(Intent::front), () -> "intent before a hook" + trace());
                    pending.put(f.ticket(), f);
                }
                case Action.UndoFront u -> {
                    assertEquals(Optional.of(Phase.ROLLING_BACK), intent.map(Intent::phase), () -> "intent before the undo" + trace());
                    assertEquals(Intent.FrontTarget.EITHER, intent.get().front(), () -> trace());
                    pending.put(u.ticket(), u);
                }
                case Action.Recheck r -> pending.put(r.ticket(), r);
                case Action.StartTimer t -> pending.put(t.ticket(), t);
                case Action.Drain d -> {
                    assertTrue(intent.map(i -> i.front() == Intent.FrontTarget.NEW || i.phase() == Phase.ROLLING_BACK).orElse(false),
                            () -> "intent before the drain" + trace());
                    pending.put(d.ticket(), d);
                }
                case Action.StopSet s -> {
                    for (Worker w : s.set().workers()) {
                        assertTrue(!listed.contains(w.port()) || onPort.get(w.port()) != w,
                                () -> "stops " + w.port() + " while the front lists it" + trace());
                        if (intent.isPresent() && generationOf.get(w) == intent.get().from()) {
                            assertEquals(Intent.FrontTarget.NEW, intent.get().front(), () -> "intent before stopping the old set" + trace());
                        }
                    }
                    stoppedByRolld.addAll(s.set().workers());
                    if (s.ticket() != 0) {
                        pending.put(s.ticket(), s);
                    }
                }
                case Action.RestoreOld r -> fail("no batches in a workset group" + trace());
                case Action.Cancel c -> cancelled.add(c.ticket());
                case Action.Supervise s -> {
                    assertTrue(!stoppedByRolld.contains(s.worker()), () -> "a worker rolld stops is no crash" + trace());
                    respawns.add(s.worker());
                }
                case Action.SuperviseDue _ -> {
                    if (random.nextInt(10) == 0) {
                        queued = true; // a memory reading over the limit, or auto_restart
                    }
                }
                case Action.Serve s -> assertTrue(s.set().ports().containsAll(listed), () -> "serves what the front lists" + trace());
                case Action.Finish f -> finish(f.outcome());
            }
        }

        private void finish(Action.Outcome outcome) {
            rollouts--;
            switch (outcome) {
                case Action.Outcome.Succeeded ok -> assertEquals(new HashSet<>(ok.next().ports()), listed, () -> "the front lists the new set" + trace());
                case Action.Outcome.Failed no -> {
                    assertEquals(new HashSet<>(no.old().ports()), listed, () -> "a failed rollout leaves the front on the old set" + trace());
                    for (Worker w : no.old().workers()) {
                        assertTrue(!stoppedByRolld.contains(w), () -> "the old set serves" + trace());
                    }
                }
            }
        }

        private void resolve(long ticket) {
            Action a = pending.remove(ticket);
            boolean wasCancelled = cancelled.remove(ticket);
            if (wasCancelled && !(a instanceof Action.Spawn) && random.nextBoolean()) {
                return; // cut short: no result at all
            }
            switch (a) {
                case Action.Spawn s -> {
                    long generation = ((RolloutRunHolder) () -> state).run().map(r -> r.plan().to()).orElse(0L);
                    List<Integer> slots = s.slots();
                    int failAt = random.nextInt(12) == 0 ? random.nextInt(slots.size()) : -1;
                    WorkerSet started = spawn(generation, failAt < 0 ? slots : slots.subList(0, failAt));
                    inbox.add(failAt < 0 && !wasCancelled ? new Event.Spawned(ticket, started.workers(), slots)
                            : new Event.SpawnFailed(ticket, started.workers(), "cannot start the worker"));
                }
                case Action.AwaitReady r -> {
                    boolean dead = r.workers().workers().stream().anyMatch(w -> !w.isAlive());
                    inbox.add(dead || random.nextInt(8) == 0 ? new Event.NotReady(ticket, "not ready", "") : new Event.Ready(ticket, now));
                }
                case Action.ApplyFront f -> {
                    RolloutRun run = ((RolloutRunHolder) () -> state).run().orElseThrow();
                    Set<Integer> to = new HashSet<>(run.ports());
                    if (f.weight() < 100) {
                        to.addAll(run.serving().ports());
                    }
                    listed = to; // a failing hook may have reloaded the front already
                    inbox.add(random.nextInt(10) == 0 ? new Event.FrontFailed(ticket, "hook failed", "") : new Event.FrontApplied(ticket, now));
                }
                case Action.UndoFront u -> {
                    RolloutRun run = ((RolloutRunHolder) () -> state).run().orElseThrow();
                    listed = new HashSet<>(run.serving().ports());
                    inbox.add(new Event.RolledBack(ticket, List.of()));
                }
                case Action.Recheck r -> inbox.add(random.nextInt(20) == 0 ? new Event.CheckFailed(ticket, "check failed", "")
                        : new Event.Checked(ticket, now));
                case Action.StartTimer t -> {
                    now = Math.max(now, t.deadline());
                    inbox.add(new Event.Timer(ticket, now));
                }
                case Action.Drain d -> inbox.add(new Event.Drained(ticket));
                case Action.StopSet s -> {
                    s.set().workers().forEach(w -> w.exit().complete(new Exit.Code(0)));
                    inbox.add(new Event.Stopped(ticket, now));
                }
                default -> fail("not an effect with a result: " + a);
            }
        }

        private void crashOne() {
            List<Worker> alive = onPort.values().stream().filter(Worker::isAlive).toList();
            if (alive.isEmpty()) {
                return;
            }
            Worker w = alive.get(random.nextInt(alive.size()));
            w.exit().complete(new Exit.Signaled(9));
            feed(new Event.WorkerExited(w, new Exit.Signaled(9), ""));
        }

        /** The supervisor's respawn of {@code crashed}, if it still belongs to the serving set. */
        private void respawn(Worker crashed) {
            WorkerSet serving = Machine.serving(state);
            if (!serving.workers().contains(crashed) || closing) {
                return;
            }
            Worker w = spawn(serving.generation(), List.of(crashed.port())).workers().getFirst();
            feed(new Event.Supervised(new WorkerSet(serving.generation(), serving.workers().stream().map(x -> x == crashed ? w : x).toList())));
        }

        /**
         * rolld is SIGKILLed: effects in flight may or may not have happened; the next rolld reads
         * the intent and what runs, and makes the service whole (STATE-MACHINE.md), then idles.
         */
        private void dieAndReconcile() {
            Optional<RolloutRun> run = ((RolloutRunHolder) () -> state).run();
            for (Map.Entry<Long, Action> e : pending.entrySet()) {
                if (random.nextBoolean()) {
                    switch (e.getValue()) {
                        case Action.Spawn s -> spawn(run.orElseThrow().plan().to(), s.slots());
                        case Action.ApplyFront f -> listed = new HashSet<>(run.orElseThrow().ports());
                        case Action.UndoFront u -> listed = new HashSet<>(run.orElseThrow().serving().ports());
                        case Action.StopSet s -> s.set().workers().forEach(w -> w.exit().complete(new Exit.Code(0)));
                        default -> { } // nothing the world keeps
                    }
                }
            }
            pending.clear();
            cancelled.clear();
            respawns.clear();
            inbox.clear();
            long servingGeneration = Machine.serving(state).generation();
            long adopt;
            if (intent.isEmpty() || intent.get().front() == Intent.FrontTarget.OLD) {
                adopt = intent.map(Intent::from).orElse(servingGeneration);
            } else if (intent.get().front() == Intent.FrontTarget.NEW) {
                adopt = intent.get().to();
            } else {
                long to = intent.get().to();
                boolean verifies = intent.get().phase() != Phase.ROLLING_BACK && random.nextInt(4) != 0
                        && ports(to).stream().allMatch(p -> onPort.get(p) != null && onPort.get(p).isAlive() && generationOf.get(onPort.get(p)) == to);
                adopt = verifies ? to : intent.get().from();
                listed = adopt == 0 ? new HashSet<>() : new HashSet<>(ports(adopt)); // the front re-applied for the adopted set
            }
            remember("died; reconciled " + intent + " adopting generation " + adopt);
            List<Worker> adopted = new ArrayList<>();
            for (Worker w : List.copyOf(onPort.values())) {
                if (w.isAlive() && generationOf.get(w) == adopt) {
                    adopted.add(w);
                } else if (w.isAlive()) {
                    w.exit().complete(new Exit.Code(0)); // a leftover of the other set
                    stoppedByRolld.add(w);
                }
            }
            if (adopt != 0) {
                for (int port : ports(adopt)) {
                    if (adopted.stream().noneMatch(w -> w.port() == port)) {
                        adopted.add(spawn(adopt, List.of(port)).workers().getFirst()); // an empty slot, respawned
                    }
                }
            }
            adopted.sort(java.util.Comparator.comparingInt(Worker::port));
            for (int port : listed) {
                Worker w = onPort.get(port);
                assertTrue(w != null && w.isAlive(), () -> "after the reconcile the front lists port " + port + " whose worker does not run" + trace());
            }
            intent = Optional.empty();
            rollouts = 0;
            closing = false;
            state = new State.Idle(0, adopt == 0 ? WorkerSet.empty() : new WorkerSet(adopt, adopted));
            if (adopt == 0) {
                queued = true; // no generation ever finished: the first start again
            }
        }

        private void checkInvariants() {
            assertTrue(rollouts >= 0 && rollouts <= 1, () -> "at most one rollout: " + rollouts + trace());
            for (int port : listed) {
                Worker w = onPort.get(port);
                assertTrue(w != null && !stoppedByRolld.contains(w), () -> "the front lists port " + port + " whose worker rolld stopped" + trace());
            }
            Set<Worker> accounted = new HashSet<>(Machine.serving(state).workers());
            ((RolloutRunHolder) () -> state).run().ifPresent(r -> accounted.addAll(r.started()));
            if (state instanceof State.Draining d) {
                accounted.addAll(d.run().serving().workers()); // drained, then stopped
            }
            pending.values().forEach(a -> {
                if (a instanceof Action.StopSet s) {
                    accounted.addAll(s.set().workers());
                }
            });
            inbox.forEach(e -> {
                if (e instanceof Event.Spawned s) {
                    accounted.addAll(s.workers());
                } else if (e instanceof Event.SpawnFailed s) {
                    accounted.addAll(s.workers());
                }
            });
            for (Worker w : onPort.values()) {
                if (w.isAlive() && !stoppedByRolld.contains(w)) {
                    assertTrue(accounted.contains(w), "worker on port " + w.port() + " runs but is neither serving, () -> checked nor stopped" + trace());
                }
            }
        }

        private void remember(Object step) {
            if (trace.size() == 25) {
                trace.poll();
            }
            trace.add(step);
        }

        private String trace() {
            StringBuilder out = new StringBuilder();
            trace.forEach(t -> out.append("\n  ").append(t));
            return out.toString();
        }
    }

    private record Traced(Event event, Phase before, Step step) {
        @Override
        public String toString() {
            return event.getClass().getSimpleName() + ": " + before + " -> " + step.state().phase() + " "
                    + step.actions().stream().map(a -> a.getClass().getSimpleName()).toList();
        }
    }

    /** The run of the state a lambda returns, if it is a rollout's. */
    @FunctionalInterface
    private interface RolloutRunHolder {
        State state();

        default Optional<RolloutRun> run() {
            return switch (state()) {
                case State.Idle _ -> Optional.empty();
                case State.Starting s -> Optional.of(s.run());
                case State.Checking c -> Optional.of(c.run());
                case State.Switching s -> Optional.of(s.run());
                case State.Baking b -> Optional.of(b.run());
                case State.Draining d -> Optional.of(d.run());
                case State.Stopping s -> Optional.of(s.run());
                case State.RollingBack r -> Optional.of(r.run());
            };
        }
    }
}
