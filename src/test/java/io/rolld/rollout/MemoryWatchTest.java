package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.config.Supervision;
import io.rolld.os.MemoryReader;
import io.rolld.process.FakeWorkers;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import io.rolld.testing.ProcFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a memory check decides, reading {@code /proc/PID/status} files the test writes for fake
 * workers, on a hand-turned clock: a limit of 100 MB, a check every 10 s, a 5 min cooldown.
 */
class MemoryWatchTest {
    private static final long MB = 1_000_000;
    private static final Duration CHECK = Duration.ofSeconds(10);
    private static final Supervision.Memory MEMORY = new Supervision.Memory(100 * MB, 100 * MB, Supervision.Metric.RSS, CHECK,
            Duration.ofMinutes(5), new Supervision.Per.Worker());

    @TempDir
    Path proc;
    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final List<RolloutEvent> events = new ArrayList<>();
    private MemoryWatch watch;
    private Worker worker;
    private WorkerSet set;

    @BeforeEach
    void start() {
        watch = new MemoryWatch("app", new MemoryReader(proc), (p, s) -> {
            throw new AssertionError("per worker signals no child: " + p);
        }, new SplittableRandom(1), events::add, now::get);
        worker = FakeWorkers.running(9101);
        set = new WorkerSet(1, List.of(worker));
    }

    /**
     * Each row: the worker's RSS (MB) at the first reading (before traffic), then at each check
     * {@code afterMinutes} later, and the action each check takes (null: none).
     */
    static Stream<Arguments> checks() {
        return Stream.of(
                Arguments.of("under the limit: nothing", 50, List.of(0L), List.of(60), nulls(1)),
                Arguments.of("over the limit later: a rollout", 50, List.of(0L), List.of(150), List.of(MemoryAction.ROLLOUT)),
                Arguments.of("over right after start: misconfigured, never a rollout", 150, List.of(0L, 1L, 10L), List.of(150, 150, 150),
                        nulls(3)),
                Arguments.of("over again within the cooldown: skipped, reported once", 50, List.of(0L, 1L, 2L), List.of(150, 150, 150),
                        List.of(MemoryAction.ROLLOUT, MemoryAction.SKIPPED_COOLDOWN, MemoryAction.SKIPPED_COOLDOWN)),
                Arguments.of("over again after the cooldown: another rollout", 50, List.of(0L, 6L), List.of(150, 150),
                        List.of(MemoryAction.ROLLOUT, MemoryAction.ROLLOUT)));
    }

    private static List<MemoryAction> nulls(int n) {
        List<MemoryAction> none = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            none.add(null);
        }
        return none;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checks")
    void checkIfDue_decides(String name, int firstMb, List<Long> afterMinutes, List<Integer> rssMb, List<MemoryAction> actions)
            throws IOException {
        rss(firstMb);
        watch.checked(set, Optional.of(MEMORY));
        watch.adopt(set, Optional.of(MEMORY));
        boolean misconfigured = firstMb * MB >= MEMORY.limit();
        assertEquals(misconfigured, events.stream().anyMatch(e -> e instanceof RolloutEvent.MemoryExceeded m
                && m.action() == MemoryAction.MISCONFIGURED), events.toString());
        assertEquals(misconfigured, !watch.problems().isEmpty(), "a misconfigured worker degrades the group");
        long start = now.get();
        for (int i = 0; i < afterMinutes.size(); i++) {
            now.set(start + Duration.ofMinutes(afterMinutes.get(i)).plus(CHECK).toNanos());
            rss(rssMb.get(i));
            int before = events.size();

            Optional<MemoryWatch.Breach> breach = watch.checkIfDue(set, MemoryAction.ROLLOUT);

            List<MemoryAction> reported = events.subList(before, events.size()).stream()
                    .map(e -> ((RolloutEvent.MemoryExceeded) e).action()).toList();
            MemoryAction expected = actions.get(i);
            boolean repeatSkip = expected == MemoryAction.SKIPPED_COOLDOWN && i > 0 && actions.get(i - 1) == MemoryAction.SKIPPED_COOLDOWN;
            assertEquals(expected == null || repeatSkip ? List.of() : List.of(expected), reported, name + ", check " + (i + 1));
            assertEquals(expected == MemoryAction.ROLLOUT, breach.isPresent(), name + ", check " + (i + 1));
            breach.ifPresent(b -> assertTrue(b.reason().startsWith("memory: port 9101 pid " + worker.pid() + " uses 150.0MB rss"),
                    b.reason()));
        }
    }

    @org.junit.jupiter.api.Test
    void checkIfDue_beforeTheInterval_readsNothing() throws IOException {
        rss(50);
        watch.adopt(set, Optional.of(MEMORY));
        assertEquals(now.get() + CHECK.toNanos(), watch.nextCheckNanos().orElseThrow());
        now.addAndGet(CHECK.toNanos() - 1);
        rss(500);

        assertTrue(watch.checkIfDue(set, MemoryAction.ROLLOUT).isEmpty());
        assertEquals(List.of(), events);
    }

    @org.junit.jupiter.api.Test
    void checkIfDue_ofTheOldSetDuringARollout_keepsTheNewSetsFirstReadings() throws IOException {
        rss(50);
        watch.adopt(set, Optional.of(MEMORY));
        Worker incoming = FakeWorkers.running(9201);
        WorkerSet next = new WorkerSet(2, List.of(incoming));
        rss(incoming, 50);
        watch.checked(next, Optional.of(MEMORY)); // its smoke test passed; no traffic yet
        now.addAndGet(CHECK.toNanos());
        watch.checkIfDue(set, MemoryAction.ROLLOUT); // supervision of the old set goes on meanwhile
        watch.adopt(next, Optional.of(MEMORY)); // the front lists the new set alone
        now.addAndGet(CHECK.toNanos());
        rss(incoming, 150);

        assertTrue(watch.checkIfDue(next, MemoryAction.ROLLOUT).isPresent(), "over its limit with traffic, not misconfigured: " + events);
    }

    private void rss(int mb) throws IOException {
        rss(worker, mb);
    }

    private void rss(Worker w, int mb) throws IOException {
        ProcFixture.rss(proc, w.pid(), mb * MB);
    }
}
