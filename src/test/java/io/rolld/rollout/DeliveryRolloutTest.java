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
 * Bakes, canary steps and batches in a group's rollouts, with a {@link FakeHost} and a clock that
 * a wait advances at once: the pauses are minutes long and no test waits for them.
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
    private final List<RolloutEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final long[] now = {0};
    /** Called with the fake time after each wait: a test's way to act in the middle of a pause. */
    private volatile LongConsumer afterWait = t -> { };
    /** The wait that blocks until it is cancelled, as a shutdown in the middle of a pause finds it (0: none). */
    private volatile int blockedWait;
    private final java.util.concurrent.CountDownLatch blocked = new java.util.concurrent.CountDownLatch(1);
    private int waits;
    /** A clock that a wait advances at once: the pauses are minutes long and no test waits for them. */
    private final Ticker ticker = new Ticker() {
        @Override
        public synchronized long nanoTime() {
            return now[0];
        }

        @Override
        public void sleepUntil(long deadline) throws InterruptedException {
            if (++waits == blockedWait) {
                blocked.countDown();
                new java.util.concurrent.CountDownLatch(1).await();
            }
            synchronized (this) {
                now[0] = Math.max(now[0], deadline);
            }
            afterWait.accept(now[0]);
        }
    };
    private FakeGroup group;

    @AfterEach
    void shutDown() throws InterruptedException {
        if (group != null) {
            group.close();
        }
    }

    private GroupConfig config(String group) throws Exception {
        Files.writeString(dir.resolve("up.mustache"), "{{#servers}}{{port}} {{weight}}\n{{/servers}}");
        return ConfigLoader.parse("app:\n  cmd: 'app {numproc}'\n  directory: '" + dir + "'\n" + group, dir.resolve("rolld.yml"))
                .group("app").orElseThrow();
    }

    /** The group's first start, forgotten by the fake and the events; returns the old set it started. */
    private List<Worker> firstStart(GroupConfig config, FakeHost fake) throws Exception {
        group = new FakeGroup(dir, config, fake, events, ticker);
        RolloutResult.Succeeded first = assertInstanceOf(RolloutResult.Succeeded.class, group.roll("first start"));
        events.clear();
        fake.forget();
        return fake.withPids(first.pids());
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

        firstStart(config, fake);

        assertInstanceOf(RolloutResult.Succeeded.class, group.roll("HUP"));
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
        List<Worker> old = firstStart(config, fake);

        RolloutResult.Failed failed = assertInstanceOf(RolloutResult.Failed.class, group.roll("HUP"));
        assertEquals(Phase.BAKING, failed.failedIn());
        assertEquals("bake check 'test ! -e fail' exited 1 during the bake", failed.reason());
        assertEquals(java.time.Duration.ofSeconds(3).toNanos(), now[0], "caught at the first check after the failure");
        assertEquals(1, fake.undone);
        assertEquals(1, fake.stopped.size(), "only the new set is stopped: " + fake.stopped);
        assertTrue(fake.stopped.getFirst().stream().noneMatch(pids(old)::contains));
        assertEquals(pids(old), group.activePids());
        assertTrue(old.stream().allMatch(Worker::isAlive));
    }

    @Test
    void run_whenAbortedDuringACanaryPause_rollsBackInBaking() throws Exception {
        FakeHost fake = new FakeHost(dir);
        GroupConfig config = config(WORKSET + "  canary: [{weight: 10, pause: 1h}]\n");
        List<Steering.Answer> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
        firstStart(config, fake);
        afterWait = t -> answers.add(group.group.steer(Steering.Command.ABORT));

        RolloutResult.Failed failed = assertInstanceOf(RolloutResult.Failed.class, group.roll("HUP"));
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
        firstStart(config, fake);
        afterWait = t -> group.group.steer(Steering.Command.PROMOTE);

        assertInstanceOf(RolloutResult.Succeeded.class, group.roll("HUP"));
        assertEquals(List.of(10, 100), fake.applied.stream().map(FrontContext::canaryWeight).toList());
        assertTrue(now[0] < java.time.Duration.ofMinutes(1).toNanos(), "the hour's pause ended at the promote");
    }

    @Test
    void run_whenRolldShutsDownDuringTheBake_switchesBackAsAFailureWould() throws Exception {
        FakeHost fake = new FakeHost(dir);
        GroupConfig config = config(WORKSET + "  bake: {duration: 1h}\n");
        List<Worker> old = firstStart(config, fake);
        blockedWait = 3;
        var rolling = group.group.requestRollout("HUP");
        assertTrue(blocked.await(30, java.util.concurrent.TimeUnit.SECONDS), "the bake waits");

        group.close();

        RolloutResult.Failed failed = assertInstanceOf(RolloutResult.Failed.class, rolling.get(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(Phase.BAKING, failed.failedIn());
        assertEquals("interrupted: rolld is shutting down", failed.reason());
        assertEquals(1, fake.undone);
        assertEquals(2, fake.stopped.size(), "the new set stopped, then at shutdown the old one: " + fake.stopped);
        assertTrue(fake.stopped.getFirst().stream().noneMatch(pids(old)::contains), "the new set first: " + fake.stopped);
        assertEquals(new java.util.HashSet<>(pids(old)), new java.util.HashSet<>(fake.stopped.get(1)));
        group = null;
    }

    @Test
    void run_firstStart_neitherStepsNorBakes() throws Exception {
        FakeHost fake = new FakeHost(dir);
        GroupConfig config = config(WORKSET + "  canary: [{weight: 10, pause: 1h}]\n  bake: {duration: 1h}\n");

        group = new FakeGroup(dir, config, fake, events, ticker);

        assertInstanceOf(RolloutResult.Succeeded.class, group.roll("first start"));
        assertEquals(List.of(Phase.STARTING, Phase.CHECKING, Phase.SWITCHING, Phase.IDLE), transitions());
        assertEquals(List.of(100), fake.applied.stream().map(FrontContext::canaryWeight).toList());
    }

    @Test
    void run_inBatchesOfOne_neverRunsMoreThanWorkersPlusOneAndRestoresTheOldGenerationOnFailure() throws Exception {
        FakeHost fake = new FakeHost(dir);
        GroupConfig config = config("  listen: 'unix:" + dir + "/app.sock'\n  workers: 3\n  ready: alive 1ms\n  batch: 1\n"
                + "  bake: {duration: 1m, interval: 1s, check: 'test ! -e fail'}\n");
        List<Worker> first = firstStart(config, fake);
        afterWait = t -> {
            if (steps().size() == 2) {
                touch("fail"); // during the second batch's checks
            }
        };

        RolloutResult.Failed f = assertInstanceOf(RolloutResult.Failed.class, group.roll("HUP"));
        assertEquals(Phase.BAKING, f.failedIn());
        assertEquals(List.of("batch 1/3", "batch 2/3"), steps());
        assertEquals(List.of(Phase.STARTING, Phase.CHECKING, Phase.STOPPING, Phase.BAKING, Phase.STARTING, Phase.CHECKING,
                Phase.STOPPING, Phase.BAKING, Phase.ROLLING_BACK, Phase.IDLE), transitions());
        assertTrue(mostAlive(3) <= 4, "at most workers + 1 alive: " + mostAlive(3));
        List<Long> active = group.activePids();
        assertEquals(3, active.size());
        assertTrue(fake.withPids(active).stream().allMatch(Worker::isAlive), "the old generation is whole again");
        assertEquals(1, group.group.status().generation());
        assertTrue(active.containsAll(pids(first.subList(2, 3))), "the old worker no batch retired serves on");
        assertEquals(3, fake.stopped.size(), "two old workers retired, then the new batch stopped");
    }

    private static List<Long> pids(List<Worker> workers) {
        return workers.stream().map(Worker::pid).toList();
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
