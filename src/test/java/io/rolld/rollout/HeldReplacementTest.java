package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.config.GroupConfig;
import io.rolld.os.Exit;
import io.rolld.process.Worker;
import io.rolld.testing.ProcFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A held worker's replacement runs off the group's loop: supervision goes on while its successor starts. */
class HeldReplacementTest {
    private static final long WAIT_S = 30; // generous: only for what must happen
    private static final long MB = 1_000_000;

    @TempDir
    Path dir;
    private final List<RolloutEvent> events = new CopyOnWriteArrayList<>();

    @Test
    void aCrashOfAnotherSlot_whileAReplacementWaitsForItsSuccessor_isRespawnedAtOnce() throws Exception {
        FakeHost fake = new FakeHost(dir);
        try (FakeGroup group = new FakeGroup(dir, heldGroup(), fake, events, Ticker.SYSTEM)) {
            List<Worker> first = replacingWorker1(group, fake);
            first.get(1).exit().complete(new Exit.Code(1));

            RolloutEvent.WorkerRespawned respawned = (RolloutEvent.WorkerRespawned) await(e -> e instanceof RolloutEvent.WorkerRespawned);
            assertEquals(2, respawned.slot(), "worker 2 respawned while worker 1's successor still starts");
            awaitServing(group, List.of(first.getFirst().pid(), respawned.pid()));
            assertTrue(events.stream().noneMatch(e -> e instanceof RolloutEvent.WorkerReplaced), "the replacement still waits");

            fake.unhold.countDown();

            RolloutEvent.WorkerReplaced replaced = (RolloutEvent.WorkerReplaced) await(e -> e instanceof RolloutEvent.WorkerReplaced);
            assertEquals(List.of(1L, first.getFirst().pid()), List.of((long) replaced.worker(), replaced.oldPid()));
            awaitServing(group, List.of(replaced.newPid(), respawned.pid()));
            assertTrue(fake.stopped.contains(List.of(first.getFirst().pid())), "the old worker was stopped: " + fake.stopped);
            assertTrue(events.stream().noneMatch(e -> e instanceof RolloutEvent.Started s && !s.trigger().equals("first start")),
                    "no rollout");
        }
    }

    @Test
    void aSuccessorReadyAfterARolloutReplacedTheSet_isStopped() throws Exception {
        FakeHost fake = new FakeHost(dir);
        try (FakeGroup group = new FakeGroup(dir, heldGroup(), fake, events, Ticker.SYSTEM)) {
            List<Worker> first = replacingWorker1(group, fake);

            RolloutResult rolled = group.roll("HUP");

            assertInstanceOf(RolloutResult.Succeeded.class, rolled, rolled.toString());
            fake.unhold.countDown();
            RolloutEvent.ReplacementFailed dropped = (RolloutEvent.ReplacementFailed) await(e -> e instanceof RolloutEvent.ReplacementFailed);
            assertEquals("the replacement was stopped", dropped.action());
            List<Long> successor = fake.workers.stream().map(Worker::pid)
                    .filter(p -> !group.activePids().contains(p) && first.stream().noneMatch(w -> w.pid() == p)).toList();
            assertEquals(1, successor.size(), fake.workers.toString());
            assertTrue(fake.stopped.contains(successor), "the successor was stopped: " + fake.stopped);
            assertEquals(((RolloutResult.Succeeded) rolled).pids(), group.activePids(), "the rollout's set serves");
        }
    }

    @Test
    void aReexecsQuiesce_waitsForTheReplacementInFlight() throws Exception {
        FakeHost fake = new FakeHost(dir);
        try (FakeGroup group = new FakeGroup(dir, heldGroup(), fake, events, Ticker.SYSTEM)) {
            List<Worker> first = replacingWorker1(group, fake);

            java.util.concurrent.CompletableFuture<Void> quiet = group.group.quiesce();
            assertInstanceOf(Steering.Answer.NoRollout.class, group.group.steer(Steering.Command.ABORT), "the loop took the quiesce");
            assertFalse(quiet.isDone(), "an exec now would cut the replacement short");

            fake.unhold.countDown();
            quiet.get(WAIT_S, TimeUnit.SECONDS);
            assertTrue(events.stream().anyMatch(e -> e instanceof RolloutEvent.WorkerReplaced), "quiet once the replacement ended");
            group.group.resume();
        }
    }

    /** The first start's workers, once worker 1 is over its memory limit and its successor's start is held. */
    private List<Worker> replacingWorker1(FakeGroup group, FakeHost fake) throws Exception {
        assertInstanceOf(RolloutResult.Succeeded.class, group.roll("first start"));
        List<Worker> first = fake.withPids(group.activePids());
        fake.script.put(1, FakeHost.Spawn.HOLD);
        rss(first.getFirst(), 150);
        assertTrue(fake.holding.await(WAIT_S, TimeUnit.SECONDS), "worker 1's successor is starting");
        return first;
    }

    /** Two held workers, ready at once, each checked for memory every 10 ms. */
    private GroupConfig heldGroup() throws Exception {
        return FakeGroups.app(dir, """
                  listen: 'unix:%s/app.sock'
                  workers: 2
                  ready: alive 1ms
                  respawn: {backoff: 10ms}
                  memory: {limit: 100MB, min_limit: 100MB, metric: rss, check_interval: 10ms, cooldown: 5m}
                """.formatted(dir));
    }

    /** The loop reports a change before it publishes the serving set it makes. */
    private static void awaitServing(FakeGroup group, List<Long> pids) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (!group.activePids().equals(pids)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("serving " + group.activePids() + ", not " + pids);
            }
            Thread.sleep(5); // polling the group's status; the deadline is what bounds the test
        }
    }

    private RolloutEvent await(Predicate<RolloutEvent> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (System.nanoTime() < deadline) {
            var found = events.stream().filter(wanted).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(5); // polling what the group reports; the deadline is what bounds the test
        }
        throw new AssertionError("not reported within " + WAIT_S + "s: " + events);
    }

    private void rss(Worker w, int mb) throws IOException {
        ProcFixture.rss(dir.resolve("proc"), w.pid(), mb * MB);
    }
}
