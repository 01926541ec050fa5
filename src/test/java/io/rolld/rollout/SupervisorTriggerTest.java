package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.config.GroupConfig;
import io.rolld.os.MemoryReader;
import io.rolld.process.FakeWorkers;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
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

    private void rss(int mb) throws IOException {
        Path status = Files.createDirectories(dir.resolve("proc").resolve(Long.toString(worker.pid()))).resolve("status");
        Files.writeString(status, "VmRSS:\t" + (mb * MB / 1024) + " kB\n");
    }
}
