package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.config.GroupConfig;
import io.rolld.os.Exit;
import io.rolld.os.MemoryReader;
import io.rolld.process.FakeWorkers;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Respawn with backoff between rollouts, on a hand-turned clock with fake workers. */
class SupervisorTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @TempDir
    Path dir;
    private final AtomicLong now = new AtomicLong(1_000_000 * MS);
    private final List<RolloutEvent> events = new ArrayList<>();
    private final List<Worker> watched = new ArrayList<>();
    private FakeHost fake;
    private Supervisor supervisor;
    private WorkerSet active;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeHost(dir);
        GroupConfig config = FakeGroups.onePort(dir, "  respawn: {backoff: 1s, max_backoff: 8s, reset_after: 10s}\n");
        supervisor = new Supervisor("app", events::add, watched::add, new MemoryReader(dir.resolve("proc")), now::get,
                new SplittableRandom(1));
        active = new WorkerSet(1, List.of(FakeWorkers.running(9101)));
        supervisor.adopt(active, WorkerSpecs.load(config, new Slots.Ports(), fake.host().spawner()));
    }

    /** Each row: how long the worker stays up before each crash (ms), and the (crashes in a row, delay ms) each crash gets. */
    static Stream<Arguments> crashSeries() {
        return Stream.of(
                Arguments.of("one crash waits the initial backoff", List.of(0L), List.of(List.of(1L, 1000L))),
                Arguments.of("each crash in a row doubles the wait", List.of(0L, 0L, 0L),
                        List.of(List.of(1L, 1000L), List.of(2L, 2000L), List.of(3L, 4000L))),
                Arguments.of("the wait stops at max_backoff", List.of(0L, 0L, 0L, 0L, 0L),
                        List.of(List.of(1L, 1000L), List.of(2L, 2000L), List.of(3L, 4000L), List.of(4L, 8000L), List.of(5L, 8000L))),
                Arguments.of("a worker up for reset_after starts a new series", List.of(0L, 0L, 10_000L),
                        List.of(List.of(1L, 1000L), List.of(2L, 2000L), List.of(1L, 1000L))),
                Arguments.of("just under reset_after still counts", List.of(0L, 9_999L),
                        List.of(List.of(1L, 1000L), List.of(2L, 2000L))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("crashSeries")
    void exited_thenRunDue_respawnsAfterTheBackoffAndNotBefore(String name, List<Long> uptimesMs, List<List<Long>> expected) {
        for (int i = 0; i < uptimesMs.size(); i++) {
            now.addAndGet(uptimesMs.get(i) * MS);
            Worker crashed = active.workers().getFirst();
            crashed.exit().complete(new Exit.Code(1));
            supervisor.exited(crashed, crashed.exit().join(), 1);

            RolloutEvent.WorkerCrashed event = last(RolloutEvent.WorkerCrashed.class);
            assertEquals(expected.get(i), List.of((long) event.crashesInARow(), event.respawnInMs()), name + ", crash " + (i + 1));
            long delay = expected.get(i).get(1) * MS;
            assertEquals(delay, supervisor.nanosUntilDue().orElseThrow(), "the group's thread wakes when the respawn is due");

            now.addAndGet(delay - 1);
            assertSame(crashed, supervisor.runDue(active).active().workers().getFirst(), "not respawned before its time");
            now.addAndGet(1);
            active = supervisor.runDue(active).active();
            assertNotSame(crashed, active.workers().getFirst(), "respawned on time");
            assertTrue(watched.contains(active.workers().getFirst()), "its exit is watched");
        }
        assertEquals(uptimesMs.size(), fake.spawned.size());
    }

    @Test
    void runDue_whenTheRespawnItselfFails_retriesWithTheNextBackoff() {
        fake.script.put(9101, FakeHost.Spawn.FAIL);
        Worker crashed = active.workers().getFirst();
        crashed.exit().complete(new Exit.Code(1));
        supervisor.exited(crashed, crashed.exit().join(), 1);
        now.addAndGet(1000 * MS);

        active = supervisor.runDue(active).active();

        RolloutEvent.RespawnFailed failed = last(RolloutEvent.RespawnFailed.class);
        assertEquals(List.of(2L, 2000L), List.of((long) failed.crashesInARow(), failed.retryInMs()));
        assertSame(crashed, active.workers().getFirst(), "the slot stays down");
        now.addAndGet(2000 * MS);
        active = supervisor.runDue(active).active();
        assertNotSame(crashed, active.workers().getFirst());
        assertEquals(2, last(RolloutEvent.WorkerRespawned.class).crashesInARow());
    }

    @Test
    void exited_ofAWorkerNotInTheActiveSet_isNotACrash() {
        Worker stranger = FakeWorkers.exited(9201, new Exit.Code(0));

        supervisor.exited(stranger, stranger.exit().join(), 1);

        assertTrue(events.stream().noneMatch(e -> e instanceof RolloutEvent.WorkerCrashed), events.toString());
        assertTrue(supervisor.nanosUntilDue().isEmpty(), "nothing scheduled");
    }

    private <T extends RolloutEvent> T last(Class<T> type) {
        return events.reversed().stream().filter(type::isInstance).map(type::cast).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " in " + events));
    }
}
