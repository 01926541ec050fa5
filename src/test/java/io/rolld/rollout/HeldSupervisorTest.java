package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.config.GroupConfig;
import io.rolld.config.HeldSockets;
import io.rolld.os.InheritedSockets;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Held-socket mode: a worker over its memory limit is replaced alone, the group is not rolled. */
class HeldSupervisorTest {
    private static final long MB = 1_000_000;

    @TempDir
    Path dir;
    private final AtomicLong now = new AtomicLong(Duration.ofDays(1).toNanos());
    private final List<RolloutEvent> events = new ArrayList<>();

    @Test
    void runDue_whenAHeldWorkerGrowsOverItsLimit_replacesItAloneWithoutARollout() throws Exception {
        GroupConfig config = FakeGroups.app(dir, """
                  listen: 'unix:%s/app.sock'
                  workers: 2
                  ready: alive 1ms
                  memory: {limit: 100MB, min_limit: 100MB, metric: rss, check_interval: 10s, cooldown: 5m}
                """.formatted(dir));
        HeldSockets held = (HeldSockets) config.mode();
        FakeHost fake = new FakeHost(dir);
        Host host = fake.host();
        Supervisor supervisor = new Supervisor("app", events::add, w -> { }, new MemoryReader(dir.resolve("proc")), now::get,
                new SplittableRandom(1), host.stopper());
        Worker over = FakeWorkers.running(8080);
        Worker other = FakeWorkers.running(8080);
        WorkerSet active = new WorkerSet(1, List.of(over, other));
        try (InheritedSockets sockets = InheritedSockets.open(held.listen())) {
            rss(over, 50);
            rss(other, 50);
            supervisor.checked(active, config);
            supervisor.adopt(active, WorkerSpecs.load(config, new Slots.Held(held, sockets), host.spawner()));
            rss(over, 150);
            now.addAndGet(Duration.ofSeconds(10).toNanos());

            Supervisor.Due due = supervisor.runDue(active);

            assertEquals(Optional.empty(), due.rolloutTrigger(), "the group is not rolled");
            assertNotSame(over, due.active().workers().getFirst(), "worker 1 was replaced");
            assertSame(other, due.active().workers().get(1), "worker 2 kept serving");
            assertEquals(List.of(List.of(over.pid())), fake.stopped, "only the worker over its limit was stopped");
            assertEquals("1", fake.spawned.getFirst().env().get("ROLLD_WORKER"));
            RolloutEvent.WorkerReplaced replaced = events.stream().filter(e -> e instanceof RolloutEvent.WorkerReplaced)
                    .map(e -> (RolloutEvent.WorkerReplaced) e).findFirst().orElseThrow(() -> new AssertionError(events));
            assertEquals(List.of(1L, over.pid(), due.active().pids().getFirst()),
                    List.of((long) replaced.worker(), replaced.oldPid(), replaced.newPid()));
            assertTrue(events.stream().anyMatch(e -> e instanceof RolloutEvent.MemoryExceeded m && m.action() == MemoryAction.REPLACE));
        }
    }

    private void rss(Worker w, int mb) throws IOException {
        Path status = Files.createDirectories(dir.resolve("proc").resolve(Long.toString(w.pid()))).resolve("status");
        Files.writeString(status, "VmRSS:\t" + (mb * MB / 1024) + " kB\n");
    }
}
