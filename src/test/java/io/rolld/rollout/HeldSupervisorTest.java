package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.config.GroupConfig;
import io.rolld.config.HeldSockets;
import io.rolld.os.HeldSocketSet;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Held-socket mode: a worker over its memory limit is replaced alone, the group is not rolled, its successor swapped in once ready. */
class HeldSupervisorTest {
    private static final long MB = 1_000_000;

    @TempDir
    Path dir;
    private final AtomicLong now = new AtomicLong(Duration.ofDays(1).toNanos());
    private final List<RolloutEvent> events = new ArrayList<>();

    @Test
    void runDue_whenAHeldWorkerGrowsOverItsLimit_asksToReplaceItAloneWithoutARollout() throws Exception {
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
                new SplittableRandom(1));
        Worker over = FakeWorkers.running(8080);
        Worker other = FakeWorkers.running(8080);
        WorkerSet active = new WorkerSet(1, List.of(over, other));
        try (HeldSocketSet sockets = HeldSocketSet.open(held.listen())) {
            rss(over, 50);
            rss(other, 50);
            supervisor.checked(active, config);
            supervisor.adopt(active, WorkerSpecs.load(config, new Slots.Held(held, sockets), host.spawner()));
            rss(over, 150);
            now.addAndGet(Duration.ofSeconds(10).toNanos());

            Supervisor.Due due = supervisor.runDue(active);

            assertEquals(Optional.empty(), due.rolloutTrigger(), "the group is not rolled");
            assertSame(active, due.active(), "nothing changes before the successor is ready");
            Supervisor.Replacement r = due.replacements().getFirst();
            assertEquals(List.of(1, RestartReason.MEMORY), List.of(r.slot(), r.reason()));
            assertSame(over, r.old());
            assertTrue(events.stream().anyMatch(e -> e instanceof RolloutEvent.MemoryExceeded m && m.action() == MemoryAction.REPLACE));
            now.addAndGet(Duration.ofSeconds(10).toNanos());
            assertEquals(List.of(), supervisor.runDue(active).replacements(), "one replacement per slot at a time");

            HeldReplacement replacement = new HeldReplacement(r, events::add, host.stopper(), new HeldSocketKeeper(pid -> { }));
            Worker successor = replacement.start().orElseThrow();
            assertEquals("1", fake.spawned.getFirst().env().get("ROLLD_WORKER"));
            WorkerSet swapped = supervisor.replaced(r, successor, active).orElseThrow();
            replacement.retire(successor);

            assertEquals(List.of(successor, other), swapped.workers(), "worker 1 was replaced, worker 2 kept serving");
            assertEquals(List.of(List.of(over.pid())), fake.stopped, "only the worker over its limit was stopped");
            RolloutEvent.WorkerReplaced replaced = events.stream().filter(e -> e instanceof RolloutEvent.WorkerReplaced)
                    .map(e -> (RolloutEvent.WorkerReplaced) e).findFirst().orElseThrow(() -> new AssertionError(events));
            assertEquals(List.of(1L, over.pid(), successor.pid()), List.of((long) replaced.worker(), replaced.oldPid(), replaced.newPid()));
            assertEquals("memory", replaced.reason());
        }
    }

    @Test
    void replaced_whenARolloutRetiredTheSlotMeanwhile_isRefusedSoTheSuccessorIsStopped() throws Exception {
        GroupConfig config = FakeGroups.app(dir, """
                  listen: 'unix:%s/app.sock'
                  workers: 1
                  ready: alive 1ms
                  memory: {limit: 100MB, min_limit: 100MB, metric: rss, check_interval: 10s, cooldown: 5m}
                """.formatted(dir));
        HeldSockets held = (HeldSockets) config.mode();
        Host host = new FakeHost(dir).host();
        Supervisor supervisor = new Supervisor("app", events::add, w -> { }, new MemoryReader(dir.resolve("proc")), now::get,
                new SplittableRandom(1));
        Worker over = FakeWorkers.running(8080);
        WorkerSet active = new WorkerSet(1, List.of(over));
        try (HeldSocketSet sockets = HeldSocketSet.open(held.listen())) {
            WorkerSpecs specs = WorkerSpecs.load(config, new Slots.Held(held, sockets), host.spawner());
            supervisor.checked(active, config);
            supervisor.adopt(active, specs);
            rss(over, 150);
            now.addAndGet(Duration.ofSeconds(10).toNanos());
            Supervisor.Replacement r = supervisor.runDue(active).replacements().getFirst();
            WorkerSet next = new WorkerSet(2, List.of(FakeWorkers.running(8080)));

            supervisor.adopt(next, specs);

            assertEquals(Optional.empty(), supervisor.replaced(r, FakeWorkers.running(8080), next));
        }
    }

    @Test
    void checked_aHeldWorkerFailingItsLivenessChecks_isReplacedAlone_checkedOnItsOwnPortNotTheSharedOne() throws Exception {
        GroupConfig config = FakeGroups.app(dir, """
                  listen: 'unix:%s/app.sock'
                  workers: 2
                  ready: alive 1ms
                  liveness: {http: {path: /health}, interval: 1s, failures: 2, grace: 1s}
                """.formatted(dir));
        HeldSockets held = (HeldSockets) config.mode();
        Host host = new FakeHost(dir).host();
        Supervisor supervisor = new Supervisor("app", events::add, w -> { }, new MemoryReader(dir.resolve("proc")), now::get,
                new SplittableRandom(1));
        Worker hung = FakeWorkers.running(8080);
        Worker other = FakeWorkers.running(8080);
        WorkerSet active = new WorkerSet(1, List.of(hung, other));
        try (HeldSocketSet sockets = HeldSocketSet.open(held.listen())) {
            supervisor.adopt(active, WorkerSpecs.load(config, new Slots.Held(held, sockets), host.spawner()));
            List<Supervisor.Replacement> asked = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                now.addAndGet(Duration.ofSeconds(1).toNanos());
                List<LivenessWatch.Check> checks = supervisor.runDue(active).checks();
                assertEquals(List.of(Optional.empty(), Optional.empty()), checks.stream().map(LivenessWatch.Check::port).toList(),
                        "each on the port it listens on by itself, found off the loop");
                supervisor.checked(other, Optional.empty(), active);
                asked.addAll(supervisor.checked(hung, Optional.of("timed out after 2000ms"), active).replacements());
            }

            assertEquals(1, asked.size(), asked.toString());
            assertEquals(List.of(1, RestartReason.LIVENESS), List.of(asked.getFirst().slot(), asked.getFirst().reason()));
            assertSame(hung, asked.getFirst().old());
        }
    }

    private void rss(Worker w, int mb) throws IOException {
        ProcFixture.rss(dir.resolve("proc"), w.pid(), mb * MB);
    }
}
