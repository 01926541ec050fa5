package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A re-exec's quiesce, answered by the group's loop: an idle group agrees at once, a group mid-rollout
 * as that rollout ends, and neither starts a rollout until it resumes. A steer is the probe that the
 * loop has handled what was asked before it: the inbox is first in, first out.
 */
class GroupQuiesceTest {
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
    void quiesce_whileIdle_agreesAtOnceAndHoldsNewRolloutsUntilResumed() throws Exception {
        group = new FakeGroup(dir, FakeGroups.onePort(dir, ""), new FakeHost(dir), events, Ticker.SYSTEM);
        assertInstanceOf(RolloutResult.Succeeded.class, group.roll("first start"));

        group.group.quiesce().get(WAIT_S, TimeUnit.SECONDS);
        CompletableFuture<RolloutResult> held = group.group.requestRollout("HUP");

        assertInstanceOf(Steering.Answer.NoRollout.class, group.group.steer(Steering.Command.ABORT), "the HUP waits");
        assertFalse(held.isDone());
        group.group.resume();
        RolloutResult next = held.get(WAIT_S, TimeUnit.SECONDS);
        assertInstanceOf(RolloutResult.Succeeded.class, next);
        assertEquals(2, next.generation());
    }

    @Test
    void quiesce_duringARollout_agreesWhenItEndsAndHoldsTheRolloutQueuedBehindIt() throws Exception {
        FakeHost fake = new FakeHost(dir);
        fake.release = new CountDownLatch(1);
        group = new FakeGroup(dir, FakeGroups.onePort(dir, ""), fake, events, Ticker.SYSTEM);
        CompletableFuture<RolloutResult> first = group.group.requestRollout("first start");
        assertTrue(fake.spawning.await(WAIT_S, TimeUnit.SECONDS), "the first rollout is spawning");

        CompletableFuture<Void> quiet = group.group.quiesce();
        CompletableFuture<RolloutResult> queued = group.group.requestRollout("HUP");
        assertInstanceOf(Steering.Answer.NotHolding.class, group.group.steer(Steering.Command.PROMOTE));
        assertFalse(quiet.isDone(), "a group mid-rollout is not quiet");

        fake.release.countDown();
        quiet.get(WAIT_S, TimeUnit.SECONDS);
        assertInstanceOf(RolloutResult.Succeeded.class, first.getNow(null), "quiet once the rollout ended");
        assertInstanceOf(Steering.Answer.NoRollout.class, group.group.steer(Steering.Command.ABORT), "the queued HUP waits");

        group.group.resume();
        assertEquals(2, queued.get(WAIT_S, TimeUnit.SECONDS).generation());
    }

    @Test
    void quiesce_ofAGroupShutDown_agreesAtOnce() throws Exception {
        group = new FakeGroup(dir, FakeGroups.onePort(dir, ""), new FakeHost(dir), events, Ticker.SYSTEM);
        assertInstanceOf(RolloutResult.Succeeded.class, group.roll("first start"));
        group.close();

        assertTrue(group.group.quiesce().isDone());
        group = null;
    }
}
