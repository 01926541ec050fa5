package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.config.GroupConfig;
import io.rolld.front.FrontException;
import io.rolld.process.FakeWorkers;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A group's rollout phase by phase, in both modes, on success and on every failure, with a
 * {@link FakeHost}: no process is started, no port bound (but a held-socket group's Unix socket).
 */
class RolloutTest {
    private static final String WORKSET = """
              workset:
                - numprocs: [9101, 9102]
                - numprocs: [9201, 9202]
              drain_timeout: 1ms
            """;
    private static final String HELD = """
              listen: 'unix:%s/app.sock'
              workers: 2
              ready: alive 1ms
            """;

    @TempDir
    Path dir;
    private final List<RolloutEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    private FakeGroup group;

    @AfterEach
    void shutDown() throws InterruptedException {
        if (group != null) {
            group.close();
        }
    }

    enum Mode { WORKSET, HELD }

    /** One scenario: the mode, a rollout from an old set or a first start, what the fakes do, what must happen. */
    record Case(String name, Mode mode, boolean fromOldSet, Consumer<FakeHost> setup, List<Phase> transitions,
                Phase failedIn, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<Phase> FIRST_START = List.of(Phase.STARTING, Phase.CHECKING, Phase.SWITCHING, Phase.IDLE);

    static Stream<Case> cases() {
        return Stream.of(
                new Case("workset first start", Mode.WORKSET, false, h -> { }, FIRST_START, null, null),
                new Case("workset rollout drains then stops the old set", Mode.WORKSET, true, h -> { },
                        List.of(Phase.STARTING, Phase.CHECKING, Phase.SWITCHING, Phase.DRAINING, Phase.STOPPING, Phase.IDLE), null, null),
                new Case("held first start", Mode.HELD, false, h -> { }, FIRST_START, null, null),
                new Case("held rollout stops the old generation without a drain", Mode.HELD, true, h -> { },
                        List.of(Phase.STARTING, Phase.CHECKING, Phase.SWITCHING, Phase.STOPPING, Phase.IDLE), null, null),

                new Case("workset: a taken port refuses before anything is spawned", Mode.WORKSET, true,
                        h -> h.writeTable(FakeHost.listening(9201, 777)), rolledBack(Phase.STARTING), Phase.STARTING,
                        "port 9201 (owner unknown) of the next workset already in use by another process; refusing to start"),
                new Case("workset: the second spawn fails", Mode.WORKSET, true, h -> h.script.put(9202, FakeHost.Spawn.FAIL),
                        rolledBack(Phase.STARTING), Phase.STARTING, "cannot start the worker (port 9202): no such file: app"),
                new Case("held: the second spawn fails", Mode.HELD, true, h -> h.script.put(2, FakeHost.Spawn.FAIL),
                        rolledBack(Phase.STARTING), Phase.STARTING, "cannot start the worker (worker 2): no such file: app"),
                new Case("held: a spawner bug is a start failure too", Mode.HELD, false, h -> h.script.put(1, FakeHost.Spawn.THROW),
                        rolledBack(Phase.STARTING), Phase.STARTING, "cannot start the worker (worker 1): spawner bug"),
                new Case("workset: a worker exits before its smoke test passes", Mode.WORKSET, true,
                        h -> h.script.put(9201, FakeHost.Spawn.EXIT), rolledBack(Phase.STARTING, Phase.CHECKING), Phase.CHECKING,
                        "worker exited during the smoke test (exit status 3)"),
                new Case("held: a worker exits before it is ready", Mode.HELD, true, h -> h.script.put(2, FakeHost.Spawn.EXIT),
                        rolledBack(Phase.STARTING, Phase.CHECKING), Phase.CHECKING, "not ready: exited after"),
                new Case("workset: the front refuses the switch", Mode.WORKSET, true,
                        h -> h.frontFailure = new FrontException("after_start 'nginx -s reload' exited 1"),
                        rolledBack(Phase.STARTING, Phase.CHECKING, Phase.SWITCHING), Phase.SWITCHING, "after_start 'nginx -s reload' exited 1"),
                new Case("held: the front refuses the switch", Mode.HELD, true,
                        h -> h.frontFailure = new FrontException("after_start 'true' exited 1"),
                        rolledBack(Phase.STARTING, Phase.CHECKING, Phase.SWITCHING), Phase.SWITCHING, "after_start 'true' exited 1"),
                new Case("workset: an unexpected exception in the switch rolls back", Mode.WORKSET, true,
                        h -> h.frontFailure = new IllegalStateException("bug"),
                        rolledBack(Phase.STARTING, Phase.CHECKING, Phase.SWITCHING), Phase.SWITCHING,
                        "internal error: java.lang.IllegalStateException: bug"),
                new Case("held: an unexpected exception in the switch rolls back", Mode.HELD, true,
                        h -> h.frontFailure = new IllegalStateException("bug"),
                        rolledBack(Phase.STARTING, Phase.CHECKING, Phase.SWITCHING), Phase.SWITCHING,
                        "internal error: java.lang.IllegalStateException: bug"));
    }

    private static List<Phase> rolledBack(Phase... reached) {
        List<Phase> all = new ArrayList<>(List.of(reached));
        all.add(Phase.ROLLING_BACK);
        all.add(Phase.IDLE);
        return all;
    }

    /** A rollout from an old set (rolled first, then forgotten by the fake) or a first start; {@code setup} before the one tested. */
    private Rolled roll(GroupConfig config, boolean fromOldSet, FakeHost fake, Consumer<FakeHost> setup) throws Exception {
        group = new FakeGroup(dir, config, fake, events, Ticker.SYSTEM);
        List<Worker> old = List.of();
        if (fromOldSet) {
            RolloutResult.Succeeded first = assertInstanceOf(RolloutResult.Succeeded.class, group.roll("first start"));
            old = fake.withPids(first.pids());
            events.clear();
            fake.forget();
        }
        setup.accept(fake);
        RolloutResult result = group.roll("HUP");
        return new Rolled(result, group.activePids(), old);
    }

    private record Rolled(RolloutResult result, List<Long> active, List<Worker> old) {
        List<Long> oldPids() {
            return old.stream().map(Worker::pid).toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void run_leavesExactlyOneSetRunning(Case c) throws Exception {
        FakeHost fake = new FakeHost(dir);

        Rolled rolled = roll(config(c.mode()), c.fromOldSet(), fake, c.setup());

        assertEquals(c.transitions(), events.stream().filter(e -> e instanceof RolloutEvent.Transition)
                .map(e -> ((RolloutEvent.Transition) e).phase()).toList(), events.toString());
        List<Long> started = events.stream().filter(e -> e instanceof RolloutEvent.WorkerStarted)
                .map(e -> ((RolloutEvent.WorkerStarted) e).pid()).toList();
        if (c.failedIn() == null) {
            RolloutResult.Succeeded s = assertInstanceOf(RolloutResult.Succeeded.class, rolled.result());
            assertEquals(started, s.pids());
            assertEquals(started, rolled.active(), "the new set is the active set");
            assertTrue(fake.withPids(started).stream().allMatch(Worker::isAlive));
            assertEquals(rolled.old().isEmpty() ? List.of() : List.of(rolled.oldPids()), fake.stopped, "only the old set is stopped");
            assertEquals(1, fake.applied.size());
            assertEquals(0, fake.undone);
        } else {
            RolloutResult.Failed f = assertInstanceOf(RolloutResult.Failed.class, rolled.result());
            assertEquals(c.failedIn(), f.failedIn());
            assertTrue(f.reason().contains(c.reason()), f.reason());
            assertEquals(rolled.oldPids(), rolled.active(), "the old set stays active");
            assertTrue(rolled.old().stream().allMatch(Worker::isAlive), "the old set keeps serving");
            assertEquals(started.isEmpty() ? List.of() : List.of(started), fake.stopped.stream().filter(p -> !p.isEmpty()).toList(),
                    "what was started is stopped, nothing else");
            assertEquals(fake.applied.isEmpty() ? 0 : 1, fake.undone, "the front is put back once it was touched");
        }
    }

    @ParameterizedTest
    @MethodSource("modes")
    void run_whenStoppingTheOldSetThrows_theNewSetStillServes(Mode mode) throws Exception {
        FakeHost fake = new FakeHost(dir);

        Rolled rolled = roll(config(mode), true, fake, f -> {
            f.stopFailure = new IllegalStateException("stop bug");
            f.stopFailsOn = f.workers.stream().map(Worker::pid).toList();
        });

        assertInstanceOf(RolloutResult.Succeeded.class, rolled.result(), "past the switch nothing rolls back");
        assertEquals(2, rolled.active().size());
        assertTrue(fake.withPids(rolled.active()).stream().allMatch(Worker::isAlive), "the new set serves");
        assertEquals(0, fake.undone);
    }

    static Stream<Arguments> modes() {
        return Stream.of(Arguments.of(Mode.WORKSET), Arguments.of(Mode.HELD));
    }

    @ParameterizedTest
    @MethodSource("modes")
    void run_givesTheFrontTheNewAndOldPortsOfItsMode(Mode mode) throws Exception {
        FakeHost fake = new FakeHost(dir);

        roll(config(mode), true, fake, f -> { });

        var context = fake.applied.getFirst();
        if (mode == Mode.WORKSET) {
            assertEquals(List.of(9201, 9202), context.ports());
            assertEquals(List.of(9101, 9102), context.oldPorts());
            assertEquals(List.of("9201", "9202"), fake.spawned.stream().map(s -> s.env().get("ROLLD_PORT")).sorted().toList());
        } else {
            assertEquals(context.ports(), context.oldPorts(), "old and new generations share the held sockets");
            assertEquals(List.of("1", "2"), fake.spawned.stream().map(s -> s.env().get("ROLLD_WORKER")).sorted().toList());
            assertTrue(fake.spawned.stream().allMatch(s -> "1".equals(s.env().get("LISTEN_FDS"))), fake.spawned.toString());
        }
    }

    @org.junit.jupiter.api.Test
    void run_whenTheOldSetKeepsConnectionsPastTheDrainTimeout_reportsThemAndStopsItAnyway() throws Exception {
        FakeHost fake = new FakeHost(dir);

        Rolled rolled = roll(config(Mode.WORKSET), true, fake,
                f -> f.writeTable("   1: 0100007F:238D 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 112 1\n"));

        assertInstanceOf(RolloutResult.Succeeded.class, rolled.result());
        RolloutEvent.DrainTimedOut timedOut = events.stream().filter(e -> e instanceof RolloutEvent.DrainTimedOut)
                .map(e -> (RolloutEvent.DrainTimedOut) e).findFirst().orElseThrow(() -> new AssertionError(events));
        assertEquals(java.util.Map.of(9101, 1), timedOut.connectionsByPort());
        assertEquals(List.of(rolled.oldPids()), fake.stopped);
    }

    @org.junit.jupiter.api.Test
    void run_recordsEachStepsIntentBeforeTheStepChangesTheWorld() throws Exception {
        FakeHost fake = new FakeHost(dir);

        roll(config(Mode.WORKSET), true, fake, f -> { });

        assertEquals(List.of("STARTING/OLD 1>2", "CHECKING/OLD 1>2", "SWITCHING/EITHER 1>2", "DRAINING/NEW 1>2", "STOPPING/NEW 1>2", "-"),
                fake.intents.stream().map(i -> i.map(x -> x.phase() + "/" + x.front() + " " + x.from() + ">" + x.to()).orElse("-")).toList());
        assertEquals(List.of("apply after SWITCHING/EITHER", "stop after STOPPING/NEW"), fake.effectsAfter);
    }

    @org.junit.jupiter.api.Test
    void run_whenTheFrontRefuses_recordsTheRollbackBeforeItPutsTheFrontBack() throws Exception {
        FakeHost fake = new FakeHost(dir);

        roll(config(Mode.WORKSET), true, fake, f -> f.frontFailure = new FrontException("after_start 'nginx -s reload' exited 1"));

        assertEquals(List.of("apply after SWITCHING/EITHER", "undo after ROLLING_BACK/EITHER", "stop after ROLLING_BACK/EITHER"),
                fake.effectsAfter);
        assertEquals(java.util.Optional.empty(), fake.intents.getLast(), "the rollout's end clears the intent");
    }

    @org.junit.jupiter.api.Test
    void run_whenTheSwitchFailsWhileTheFrontHasConnectionsOnTheNewSet_drainsThemBeforeStoppingIt() throws Exception {
        FakeHost fake = new FakeHost(dir);

        roll(config(Mode.WORKSET), true, fake, f -> {
            f.frontFailure = new FrontException("after_start 'nginx -s reload' exited 1");
            f.writeTable("   1: 0100007F:23F1 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 112 1\n");
        });

        List<String> order = events.stream().filter(e -> e instanceof RolloutEvent.DrainTimedOut || e instanceof RolloutEvent.WorkerStopped)
                .map(e -> e instanceof RolloutEvent.DrainTimedOut d ? "drain " + d.connectionsByPort() : "stopped").toList();
        assertEquals(List.of("drain {9201=1}", "stopped", "stopped"), order, "the new set drains after the front is put back, then stops");
    }

    private GroupConfig config(Mode mode) throws Exception {
        return FakeGroups.app(dir, mode == Mode.WORKSET ? WORKSET : HELD.formatted(dir));
    }
}
