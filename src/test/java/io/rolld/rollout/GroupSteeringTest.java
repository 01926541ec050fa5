package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.config.GroupConfig;
import io.rolld.os.Exit;
import io.rolld.process.Worker;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group's loop while a rollout waits: {@code abort} in CHECKING cuts the wait short, in
 * DRAINING it is too late, and supervision goes on during a bake.
 */
class GroupSteeringTest {
    private static final long WAIT_S = 30; // generous: only for what must happen

    @TempDir
    Path dir;
    private final List<RolloutEvent> events = new CopyOnWriteArrayList<>();
    private FakeGroup group;

    @AfterEach
    void shutDown() throws InterruptedException {
        if (group != null) {
            group.close();
        }
    }

    @Test
    void abort_duringChecking_rollsBackWithoutWaitingForTheReadyTimeout() throws Exception {
        FakeHost fake = new FakeHost(dir);
        GroupConfig config = FakeGroups.app(dir, "  listen: 'unix:" + dir + "/app.sock'\n  workers: 2\n  ready: notify\n  ready_timeout: 10m\n");
        group = new FakeGroup(dir, config, fake, events, Ticker.SYSTEM);
        CompletableFuture<RolloutResult> rolling = group.group.requestRollout("first start");
        awaitEvent(e -> e instanceof RolloutEvent.Transition t && t.phase() == Phase.CHECKING);

        Steering.Answer answer = group.group.steer(Steering.Command.ABORT);

        assertEquals("CHECKING", assertInstanceOf(Steering.Answer.Taken.class, answer).step());
        RolloutResult.Failed failed = assertInstanceOf(RolloutResult.Failed.class, rolling.get(WAIT_S, TimeUnit.SECONDS));
        assertEquals(Phase.CHECKING, failed.failedIn());
        assertEquals("aborted by rolld abort during CHECKING", failed.reason());
        assertEquals(1, fake.stopped.size(), "the new set stopped: " + fake.stopped);
        assertTrue(fake.workers.stream().noneMatch(Worker::isAlive));
    }

    @Test
    void steer_duringDraining_isTooLateToAbortAndNothingToPromote() throws Exception {
        FakeHost fake = new FakeHost(dir);
        group = new FakeGroup(dir, FakeGroups.onePort(dir, "  drain_timeout: 10m\n"), fake, events, Ticker.SYSTEM);
        assertInstanceOf(RolloutResult.Succeeded.class, group.roll("first start"));
        fake.writeTable("   1: 0100007F:238D 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 112 1\n");
        CompletableFuture<RolloutResult> rolling = group.group.requestRollout("HUP");
        awaitEvent(e -> e instanceof RolloutEvent.Transition t && t.phase() == Phase.DRAINING);

        assertEquals(new Steering.Answer.TooLate(Phase.DRAINING), group.group.steer(Steering.Command.ABORT));
        assertInstanceOf(Steering.Answer.NotHolding.class, group.group.steer(Steering.Command.PROMOTE));

        fake.writeTable(""); // the last client left
        assertInstanceOf(RolloutResult.Succeeded.class, rolling.get(WAIT_S, TimeUnit.SECONDS));
        assertInstanceOf(Steering.Answer.NoRollout.class, group.group.steer(Steering.Command.ABORT));
    }

    @Test
    void workerExit_ofTheOldSetDuringALongBake_isRespawnedWhileTheRolloutWaits() throws Exception {
        FakeHost fake = new FakeHost(dir);
        GroupConfig config = FakeGroups.onePort(dir, "  bake: {duration: 1h}\n  respawn: {backoff: 10ms}\n");
        group = new FakeGroup(dir, config, fake, events, Ticker.SYSTEM);
        Worker old = fake.withPids(assertInstanceOf(RolloutResult.Succeeded.class, group.roll("first start")).pids()).getFirst();
        CompletableFuture<RolloutResult> rolling = group.group.requestRollout("HUP");
        awaitEvent(e -> e instanceof RolloutEvent.StepStarted);

        old.exit().complete(new Exit.Signaled(9));

        RolloutEvent.WorkerRespawned respawned = (RolloutEvent.WorkerRespawned) awaitEvent(e -> e instanceof RolloutEvent.WorkerRespawned);
        assertEquals(9101, respawned.port());
        assertEquals(Phase.BAKING, group.group.status().phase(), "the rollout still pauses");
        assertInstanceOf(Steering.Answer.Taken.class, group.group.steer(Steering.Command.ABORT));
        assertInstanceOf(RolloutResult.Failed.class, rolling.get(WAIT_S, TimeUnit.SECONDS));
        assertEquals(List.of(respawned.pid()), group.activePids(), "the respawned old worker serves on");
    }

    private RolloutEvent awaitEvent(Predicate<RolloutEvent> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (System.nanoTime() < deadline) {
            for (RolloutEvent e : events) {
                if (wanted.test(e)) {
                    return e;
                }
            }
            Thread.sleep(5); // polling what the group reported, within a generous deadline
        }
        throw new AssertionError("never reported: " + events);
    }
}
