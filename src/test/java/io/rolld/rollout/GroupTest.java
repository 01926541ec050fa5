package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.config.GroupConfig;
import io.rolld.os.MemoryReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import io.rolld.testing.Polling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Coalescing: requests made while a rollout runs join exactly one more rollout after it, never a parallel one. */
class GroupTest {
    private static final long WAIT_S = 30; // generous: only for what must happen

    @TempDir
    Path dir;
    private final List<RolloutEvent> events = new CopyOnWriteArrayList<>();

    @ParameterizedTest(name = "{0} requests during a rollout")
    @ValueSource(ints = {0, 1, 3, 20})
    void requestRollout_duringARollout_joinsOneNextRollout(int during) throws Exception {
        FakeHost fake = new FakeHost(dir);
        fake.release = new CountDownLatch(1);
        GroupConfig config = FakeGroups.onePort(dir, "");
        Group group = new Group(config, dir, fake.host(), new MemoryReader(dir.resolve("proc")), List.of(events::add), Ticker.SYSTEM);
        try {
            CompletableFuture<RolloutResult> first = group.requestRollout("first start");
            assertTrue(fake.spawning.await(WAIT_S, TimeUnit.SECONDS), "the first rollout is spawning");
            List<CompletableFuture<RolloutResult>> joined = new ArrayList<>();
            for (int i = 0; i < during; i++) {
                joined.add(group.requestRollout("HUP " + i));
            }
            joined.forEach(f -> assertSame(joined.getFirst(), f, "one future for every request of the next rollout"));
            joined.forEach(f -> assertNotSame(first, f, "the running rollout answers no request made during it"));

            fake.release.countDown();

            assertEquals(1, first.get(WAIT_S, TimeUnit.SECONDS).generation());
            if (during > 0) {
                RolloutResult next = joined.getFirst().get(WAIT_S, TimeUnit.SECONDS);
                assertInstanceOf(RolloutResult.Succeeded.class, next);
                assertEquals(2, next.generation());
            }
            List<String> triggers = events.stream().filter(e -> e instanceof RolloutEvent.Started)
                    .map(e -> ((RolloutEvent.Started) e).trigger()).toList();
            assertEquals(during == 0 ? List.of("first start") : List.of("first start", "HUP 0"), triggers,
                    "one more rollout, triggered by the first request that joined it");
            assertNeverTwoAtOnce();
        } finally {
            group.shutdown();
        }
        assertTrue(fake.stopped.stream().flatMap(List::stream).distinct().count() == fake.spawned.size(),
                "every worker the group started was stopped: " + fake.stopped);
    }

    @Test
    void aListenerThatThrows_isSkipped_andTheRolloutAndTheOtherListenersGoOn() throws Exception {
        FakeHost fake = new FakeHost(dir);
        Consumer<RolloutEvent> broken = event -> {
            throw new IllegalStateException("a bug in a listener");
        };
        Group group = new Group(FakeGroups.onePort(dir, ""), dir, fake.host(), new MemoryReader(dir.resolve("proc")),
                List.of(broken, events::add), Ticker.SYSTEM);
        try {
            List<RolloutEvent> watched = new CopyOnWriteArrayList<>();
            RolloutResult result = group.requestRollout("first start", watched::add).get(WAIT_S, TimeUnit.SECONDS);
            assertInstanceOf(RolloutResult.Succeeded.class, result);
            assertInstanceOf(RolloutEvent.Started.class, events.getFirst());
            assertInstanceOf(RolloutEvent.Finished.class, events.getLast(), "every event reached the next listener before the answer");
            assertEquals(events, watched, "and the request's watcher, in the same order");
        } finally {
            group.shutdown();
        }
    }

    @Test
    void aSlowListener_neverHoldsTheLoop_andTheAnswerWaitsForItsEvents() throws Exception {
        FakeHost fake = new FakeHost(dir);
        CountDownLatch listenerHeld = new CountDownLatch(1);
        Consumer<RolloutEvent> slow = event -> {
            try {
                listenerHeld.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Group group = new Group(FakeGroups.onePort(dir, ""), dir, fake.host(), new MemoryReader(dir.resolve("proc")),
                List.of(slow, events::add), Ticker.SYSTEM);
        try {
            CompletableFuture<RolloutResult> answer = group.requestRollout("first start");
            Polling.require(() -> group.status().lastResult().isPresent(), java.time.Duration.ofSeconds(WAIT_S),
                    "the loop ended the rollout while its first event's listener still runs");
            assertFalse(answer.isDone(), "the answer waits for the rollout's events to be delivered");
            assertTrue(events.isEmpty(), events.toString());
            listenerHeld.countDown();
            assertInstanceOf(RolloutResult.Succeeded.class, answer.get(WAIT_S, TimeUnit.SECONDS));
            assertInstanceOf(RolloutEvent.Finished.class, events.getLast());
        } finally {
            listenerHeld.countDown();
            group.shutdown();
        }
    }

    private void assertNeverTwoAtOnce() {
        int running = 0;
        for (RolloutEvent e : events) {
            if (e instanceof RolloutEvent.Started) {
                running++;
            } else if (e instanceof RolloutEvent.Finished) {
                running--;
            }
            assertTrue(running <= 1, "two rollouts at once: " + events);
        }
        assertEquals(0, running, events.toString());
    }
}
