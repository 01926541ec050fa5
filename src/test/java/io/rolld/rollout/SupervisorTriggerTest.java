package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.config.GroupConfig;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rollouts the supervisor asks for between rollouts (memory, auto_restart), on a hand-turned clock. */
class SupervisorTriggerTest {
    private static final long MB = 1_000_000;
    private static final Duration CHECK = Duration.ofSeconds(10);
    private static final Duration EVERY = Duration.ofHours(1);

    @TempDir
    Path dir;
    private final AtomicLong now = new AtomicLong(Duration.ofDays(1).toNanos());
    private final List<RolloutEvent> events = new ArrayList<>();
    private Supervisor supervisor;
    private Worker worker;
    private WorkerSet active;

    @BeforeEach
    void start() throws Exception {
        GroupConfig config = FakeGroups.onePort(dir, """
                  memory: {limit: 100MB, min_limit: 100MB, metric: rss, check_interval: 10s, cooldown: 5m}
                  auto_restart: {every: 1h}
                """);
        supervisor = new Supervisor("app", events::add, w -> { }, new MemoryReader(dir.resolve("proc")), now::get,
                new SplittableRandom(1));
        worker = FakeWorkers.running(9101);
        active = new WorkerSet(1, List.of(worker));
        rss(50);
        supervisor.checked(active, config);
        supervisor.adopt(active, WorkerSpecs.load(config, new Slots.Ports(), new FakeHost(dir).host().spawner()));
        supervisor.rolloutEnded();
    }

    @Test
    void runDue_whenAWorkerGrowsOverItsLimit_asksForARollout() throws IOException {
        now.addAndGet(CHECK.toNanos());
        assertEquals(Optional.empty(), supervisor.runDue(active).rolloutTrigger(), "under the limit");
        rss(150);
        now.addAndGet(CHECK.toNanos());

        Optional<String> trigger = supervisor.runDue(active).rolloutTrigger();

        assertTrue(trigger.orElseThrow().startsWith("memory: port 9101 pid " + worker.pid() + " uses 150.0MB rss"), trigger.toString());
    }

    @Test
    void runDue_onceAutoRestartIsDue_asksForOneRollout() {
        now.addAndGet(EVERY.toNanos() - 1);
        assertEquals(Optional.empty(), supervisor.runDue(active).rolloutTrigger(), "not before 'every'");
        now.addAndGet(EVERY.dividedBy(10).toNanos() + 1); // past the largest jitter

        assertEquals(Optional.of("auto_restart: every " + EVERY), supervisor.runDue(active).rolloutTrigger());
        assertEquals(Optional.empty(), supervisor.runDue(active).rolloutTrigger(), "asked once, until the rollout ends");
        supervisor.rolloutEnded();
        assertTrue(supervisor.nanosUntilDue().orElseThrow() >= 0);
        assertEquals(Optional.empty(), supervisor.runDue(active).rolloutTrigger(), "the next one counts from the rollout's end");
    }

    @Test
    void checked_thirdFailedLivenessCheck_asksForARolloutNamingTheWorker_andTheNextOneWaitsForTheCooldown() throws Exception {
        GroupConfig config = FakeGroups.onePort(dir,
                "  liveness: {http: {path: /health, timeout: 2s}, interval: 10s, failures: 3, grace: 30s, cooldown: 5m}\n");
        Supervisor live = new Supervisor("app", events::add, w -> { }, new MemoryReader(dir.resolve("proc")), now::get,
                new SplittableRandom(1));
        live.adopt(active, WorkerSpecs.load(config, new Slots.Ports(), new FakeHost(dir).host().spawner()));
        now.addAndGet(Duration.ofSeconds(30).toNanos());
        List<Optional<String>> triggers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            List<LivenessWatch.Check> checks = live.runDue(active).checks();
            assertEquals(List.of(Optional.of(9101)), checks.stream().map(LivenessWatch.Check::port).toList(), "checked on its port");
            triggers.add(live.checked(worker, Optional.of("timed out after 2000ms"), active).rolloutTrigger());
            now.addAndGet(Duration.ofSeconds(10).toNanos());
        }

        assertEquals(List.of(Optional.empty(), Optional.empty(), Optional.of("liveness: port 9101 pid " + worker.pid()
                + " unresponsive (3 failed: timed out after 2000ms)")), triggers);
        assertTrue(events.stream().anyMatch(e -> e instanceof RolloutEvent.WorkerUnresponsive u && u.action() == LivenessAction.ROLLOUT));

        Worker successor = FakeWorkers.running(9201);
        WorkerSet next = new WorkerSet(2, List.of(successor));
        live.adopt(next, WorkerSpecs.load(config, new Slots.Ports(), new FakeHost(dir).host().spawner()));
        live.rolloutEnded();
        now.addAndGet(Duration.ofSeconds(30).toNanos());
        for (int i = 0; i < 3; i++) {
            live.runDue(next);
            assertEquals(Optional.empty(), live.checked(successor, Optional.of("timed out after 2000ms"), next).rolloutTrigger());
            now.addAndGet(Duration.ofSeconds(10).toNanos());
        }
        assertInstanceOfDegraded(live.health());
    }

    private static void assertInstanceOfDegraded(Health health) {
        assertTrue(health instanceof Health.Degraded d && d.reasons().getFirst().contains("not replaced"), health.toString());
    }

    private void rss(int mb) throws IOException {
        ProcFixture.rss(dir.resolve("proc"), worker.pid(), mb * MB);
    }
}
