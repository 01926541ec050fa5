package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.config.ConfigLoader;
import io.rolld.config.GroupConfig;
import io.rolld.front.FrontContext;
import io.rolld.process.FakeWorkers;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bakes, canary steps and batches in the rollout procedure, with a {@link FakeHost} and a clock
 * that a wait advances at once: the pauses are minutes long and no test waits for them.
 */
class DeliveryRolloutTest {
    private static final String WORKSET = """
              workset:
                - numprocs: [9101, 9102]
                - numprocs: [9201, 9202]
              drain_timeout: 1ms
              after_start:
                - replace_file: [numprocs, up.mustache, up.conf]
            """;

    @TempDir
    Path dir;
    private final HeldSocketKeeper sockets = new HeldSocketKeeper();
    private final List<RolloutEvent> events = new ArrayList<>();
    private final long[] now = {0};
    /** Called with the fake time after each wait: a test's way to act in the middle of a pause. */
    private LongConsumer afterWait = t -> { };
    /** The wait that throws InterruptedException, as rolld's shutdown interrupts the group's thread (0: none). */
    private int interruptedWait;
    private int waits;
    private final Steering steering = new Steering(new Steering.Clock() {
        @Override
        public long nanoTime() {
            return now[0];
        }

        @Override
        public void waitOn(Object monitor, long nanos) throws InterruptedException {
            if (++waits == interruptedWait) {
                throw new InterruptedException();
            }
            now[0] += nanos;
            afterWait.accept(now[0]);
        }
    });

    @AfterEach
    void closeSockets() {
        sockets.close();
    }

    private GroupConfig config(String group) throws Exception {
        Files.writeString(dir.resolve("up.mustache"), "{{#servers}}{{port}} {{weight}}\n{{/servers}}");
        return ConfigLoader.parse("app:\n  cmd: 'app {numproc}'\n  directory: '" + dir + "'\n" + group, dir.resolve("rolld.yml"))
                .group("app").orElseThrow();
    }

    private Rollout.Outcome roll(GroupConfig config, WorkerSet old, Optional<WorkerSpecs> oldSpecs, FakeHost fake) {
        Host host = fake.host();
        steering.begin(new java.util.concurrent.CompletableFuture<>()); // as the group does for each rollout
        return new Rollout(config, dir, RolloutMode.of(config, old.generation() + 1, host, sockets), old, host, events::add,
                next -> { }, steering, oldSpecs).run();
    }

    private static WorkerSet oldSet() {
        return new WorkerSet(1, List.of(FakeWorkers.running(9101), FakeWorkers.running(9102)));
    }

    private List<Phase> transitions() {
        return events.stream().filter(e -> e instanceof RolloutEvent.Transition).map(e -> ((RolloutEvent.Transition) e).phase()).toList();
    }

    private List<String> steps() {
        return events.stream().filter(e -> e instanceof RolloutEvent.StepStarted).map(e -> ((RolloutEvent.StepStarted) e).step()).toList();
    }

    @Test
    void run_withCanaryStepsAndABake_switchesStepByStepThenDrains() throws Exception {
        FakeHost fake = new FakeHost(dir);
        GroupConfig config = config(WORKSET + "  canary: [{weight: 25, pause: 10m}, {weight: 50, pause: 10m}]\n  bake: {duration: 2m}\n");

        Rollout.Outcome outcome = roll(config, oldSet(), Optional.empty(), fake);

        assertInstanceOf(RolloutResult.Succeeded.class, outcome.result());
        assertEquals(List.of(Phase.STARTING, Phase.CHECKING, Phase.SWITCHING, Phase.BAKING, Phase.SWITCHING, Phase.BAKING,
                Phase.SWITCHING, Phase.BAKING, Phase.DRAINING, Phase.STOPPING, Phase.IDLE), transitions());
        assertEquals(List.of("canary 1/2", "canary 2/2", "bake"), steps());
        assertEquals(List.of(25, 50, 100), fake.applied.stream().map(FrontContext::canaryWeight).toList());
        assertEquals(List.of(new io.rolld.front.ServerWeights.Server(9101, 3), new io.rolld.front.ServerWeights.Server(9102, 3),
                new io.rolld.front.ServerWeights.Server(9201, 1), new io.rolld.front.ServerWeights.Server(9202, 1)),
                fake.applied.getFirst().servers());
        assertEquals(java.time.Duration.ofMinutes(22).toNanos(), now[0], "each pause and the bake waited out in full");
    }

    @Test
    void run_whenTheCheckFailsDuringTheBake_putsTheFrontBackAndStopsOnlyTheNewSet() throws Exception {
        FakeHost fake = new FakeHost(dir);
        GroupConfig config = config(WORKSET + "  bake: {duration: 2m, interval: 1s, check: 'test ! -e fail'}\n");
        afterWait = t -> {
            if (t >= java.time.Duration.ofSeconds(3).toNanos()) {
                touch("fail");
            }
        };
        WorkerSet old = oldSet();

        Rollout.Outcome outcome = roll(config, old, Optional.empty(), fake);

        RolloutResult.Failed failed = assertInstanceOf(RolloutResult.Failed.class, outcome.result());
        assertEquals(Phase.BAKING, failed.failedIn());
        assertEquals("bake check 'test ! -e fail' exited 1 during the bake", failed.reason());
        assertEquals(java.time.Duration.ofSeconds(3).toNanos(), now[0], "caught at the first check after the failure");
        assertEquals(1, fake.undone);
        assertEquals(1, fake.stopped.size(), "only the new set is stopped: " + fake.stopped);
        assertTrue(fake.stopped.getFirst().stream().noneMatch(old.pids()::contains));
        assertEquals(old, outcome.active());
        assertTrue(old.workers().stream().allMatch(Worker::isAlive));
    }

    @Test
    void run_whenAbortedDuringACanaryPause_rollsBackInBaking() throws Exception {
        FakeHost fake = new FakeHost(dir);
        GroupConfig config = config(WORKSET + "  canary: [{weight: 10, pause: 1h}]\n");
        List<Steering.Answer> answers = new ArrayList<>();
        afterWait = t -> answers.add(steering.request(Steering.Command.ABORT));

        Rollout.Outcome outcome = roll(config, oldSet(), Optional.empty(), fake);

        RolloutResult.Failed failed = assertInstanceOf(RolloutResult.Failed.class, outcome.result());
        assertEquals(Phase.BAKING, failed.failedIn());
        assertEquals("aborted by rolld abort during the canary 1/1", failed.reason());
        assertInstanceOf(Steering.Answer.Taken.class, answers.getFirst());
        assertEquals(List.of(10), fake.applied.stream().map(FrontContext::canaryWeight).toList(), "never switched in full");
        assertEquals(1, fake.undone);
    }

    @Test
    void run_whenPromotedDuringACanaryPause_goesOnToTheFullSwitch() throws Exception {
        FakeHost fake = new FakeHost(dir);
        GroupConfig config = config(WORKSET + "  canary: [{weight: 10, pause: 1h}]\n");
        afterWait = t -> steering.request(Steering.Command.PROMOTE);

        Rollout.Outcome outcome = roll(config, oldSet(), Optional.empty(), fake);

        assertInstanceOf(RolloutResult.Succeeded.class, outcome.result());
        assertEquals(List.of(10, 100), fake.applied.stream().map(FrontContext::canaryWeight).toList());
        assertTrue(now[0] < java.time.Duration.ofMinutes(1).toNanos(), "the hour's pause ended at the promote");
    }

    @Test
    void run_whenRolldShutsDownDuringTheBake_switchesBackAsAFailureWould() throws Exception {
        FakeHost fake = new FakeHost(dir);
        GroupConfig config = config(WORKSET + "  bake: {duration: 1h}\n");
        interruptedWait = 3;
        WorkerSet old = oldSet();

        Rollout.Outcome outcome = roll(config, old, Optional.empty(), fake);

        RolloutResult.Failed failed = assertInstanceOf(RolloutResult.Failed.class, outcome.result());
        assertEquals(Phase.BAKING, failed.failedIn());
        assertEquals("interrupted: rolld is shutting down", failed.reason());
        assertEquals(1, fake.undone);
        assertEquals(old, outcome.active());
    }

    @Test
    void run_firstStart_neitherStepsNorBakes() throws Exception {
        FakeHost fake = new FakeHost(dir);
        GroupConfig config = config(WORKSET + "  canary: [{weight: 10, pause: 1h}]\n  bake: {duration: 1h}\n");

        Rollout.Outcome outcome = roll(config, WorkerSet.empty(), Optional.empty(), fake);

        assertInstanceOf(RolloutResult.Succeeded.class, outcome.result());
        assertEquals(List.of(Phase.STARTING, Phase.CHECKING, Phase.SWITCHING, Phase.IDLE), transitions());
        assertEquals(List.of(100), fake.applied.stream().map(FrontContext::canaryWeight).toList());
    }

    @Test
    void run_inBatchesOfOne_neverRunsMoreThanWorkersPlusOneAndRestoresTheOldGenerationOnFailure() throws Exception {
        FakeHost fake = new FakeHost(dir);
        GroupConfig config = config("  listen: 'unix:" + dir + "/app.sock'\n  workers: 3\n  ready: alive 1ms\n  batch: 1\n"
                + "  bake: {duration: 1m, interval: 1s, check: 'test ! -e fail'}\n");
        Rollout.Outcome first = roll(config, WorkerSet.empty(), Optional.empty(), fake);
        events.clear();
        int oldStopsBefore = fake.stopped.size();
        afterWait = t -> {
            if (steps().size() == 2) {
                touch("fail"); // during the second batch's checks
            }
        };

        Rollout.Outcome failed = roll(config, first.active(), first.specs(), fake);

        RolloutResult.Failed f = assertInstanceOf(RolloutResult.Failed.class, failed.result());
        assertEquals(Phase.BAKING, f.failedIn());
        assertEquals(List.of("batch 1/3", "batch 2/3"), steps());
        assertEquals(List.of(Phase.STARTING, Phase.CHECKING, Phase.STOPPING, Phase.BAKING, Phase.STARTING, Phase.CHECKING,
                Phase.STOPPING, Phase.BAKING, Phase.ROLLING_BACK, Phase.IDLE), transitions());
        assertTrue(mostAlive(3) <= 4, "at most workers + 1 alive: " + mostAlive(3));
        assertEquals(3, failed.active().workers().size());
        assertTrue(failed.active().workers().stream().allMatch(Worker::isAlive), "the old generation is whole again");
        assertEquals(1, failed.active().generation());
        assertEquals(first.specs(), failed.specs(), "supervised again from the specs it was started from");
        assertEquals(3, fake.stopped.size() - oldStopsBefore, "two old workers retired, then the new batch stopped");
    }

    /** The most workers alive at once, from the events, starting from {@code initially}. */
    private int mostAlive(int initially) {
        int alive = initially;
        int most = alive;
        for (RolloutEvent e : events) {
            if (e instanceof RolloutEvent.WorkerStarted) {
                most = Math.max(most, ++alive);
            } else if (e instanceof RolloutEvent.WorkerStopped) {
                alive--;
            }
        }
        return most;
    }

    private void touch(String name) {
        try {
            Files.writeString(dir.resolve(name), "");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
