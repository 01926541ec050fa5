package io.rolld.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.Deployment;
import io.rolld.testing.FreePorts;
import io.rolld.testing.HeldGroupYaml;
import io.rolld.testing.HttpLoad;
import io.rolld.testing.HttpLoadReport;
import io.rolld.testing.Nginx;
import io.rolld.testing.Polling;
import io.rolld.testing.ProcessAssertions;
import io.rolld.testing.Project;
import io.rolld.testing.Rolld;
import io.rolld.testing.UpstreamTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Held-socket mode behind nginx: a generation that fails once it serves (app.py's APP_EXIT_FILE:
 * drain and exit 3) is caught in its bake with no failed request, and {@code batch: 1} replaces one
 * worker at a time, never running more than {@code workers + 1}, restoring the old generation when
 * a batch fails.
 */
class HeldBakeIT {
    private static final Duration ROLLOUT = Duration.ofSeconds(90);
    private static final Duration GONE = Duration.ofSeconds(20);

    /** Adds {@code APP_EXIT_FILE} to the group's env: only generations started after the next re-read see it. */
    private static void failNextGeneration(Path config, Path exitFile) throws Exception {
        Files.writeString(config, "  env:\n    APP_EXIT_FILE: '" + exitFile + "'\n", StandardOpenOption.APPEND);
    }

    /** rolld's own children: its workers (their helpers, such as a pyenv shim's, are grandchildren). */
    private static int workersOf(Rolld rolld) {
        return (int) ProcessHandle.of(rolld.pid()).map(p -> p.children().count()).orElse(0L).longValue();
    }

    private static List<Long> firstStart(Rolld rolld) {
        return Deployment.Outcome.parse(rolld.awaitLineAfter(0, "event=rollout_succeeded group=app ", ROLLOUT)).pids();
    }

    @Test
    void bake_whenTheNewGenerationExitsAfterItWasReady_stopsItAndTheOldOneServesOn() throws Exception {
        int port = FreePorts.one();
        Path dir = Files.createDirectories(Project.scratch("held-bake").resolve("nginx-" + System.nanoTime()));
        Path config = HeldGroupYaml.write("bake", port, Duration.ofSeconds(10),
                "  workers: 2\n  ready: alive 1s\n  bake: {duration: 12s, interval: 500ms}\n");
        try (Nginx nginx = Nginx.inFrontOf(UpstreamTemplate.write(dir.resolve("upstream.conf"), 0, List.of(port))).start();
             Rolld rolld = Rolld.start(config)) {
            Set<Long> old = new HashSet<>(firstStart(rolld));
            try (HttpLoad load = HttpLoad.start(nginx.port(), 4, Duration.ofMinutes(3), 5_000_000)) {
                bakeFails(config, rolld, old, load);
            }
        }
    }

    private static void bakeFails(Path config, Rolld rolld, Set<Long> old, HttpLoad load) throws Exception {
        {
            load.awaitCompleted(200, Duration.ofSeconds(20));
            Path exit = config.resolveSibling("exit");
            failNextGeneration(config, exit);

            int from = rolld.lines().size();
            CompletableFuture<Deployment.Restart> restart = CompletableFuture.supplyAsync(() -> ClientCommand.run(config, "restart", "--wait"));
            rolld.awaitLineAfter(from, "event=rollout_step group=app generation=2 step=bake ", ROLLOUT);
            Files.writeString(exit, ""); // ready, serving, and now going away
            Deployment.Restart result = restart.get();

            assertEquals(1, result.exitCode(), result.output());
            assertTrue(result.output().contains("ROLLED BACK in BAKING"), result.output());
            assertTrue(result.output().contains("exited during the bake (exit status 3)"), result.output());
            assertEquals(old, new HashSet<>(rolld.descendantPids()), "the old generation serves on: " + rolld.tail());
            load.awaitCompleted(load.report().requests() + 200, Duration.ofSeconds(20));
            HttpLoadReport report = load.stop();
            System.out.println("HeldBakeIT bake: " + report);
            assertEquals(0, report.failed(), report.toString());
        }
    }

    @Test
    void batch_ofOne_replacesOneWorkerAtATimeAndRestoresTheOldGenerationWhenABatchFails() throws Exception {
        int port = FreePorts.one();
        int workers = 3;
        Path config = HeldGroupYaml.write("batch", port, Duration.ofSeconds(10),
                "  workers: " + workers + "\n  ready: alive 1s\n  batch: 1\n  bake: {duration: 1s, interval: 500ms}\n");
        try (Rolld rolld = Rolld.start(config)) {
            List<Long> first = firstStart(rolld);
            try (HttpLoad load = HttpLoad.start(port, 4, Duration.ofMinutes(3), 5_000_000)) {
                batches(config, rolld, first, load, workers);
            }
        }
    }

    private static void batches(Path config, Rolld rolld, List<Long> first, HttpLoad load, int workers) throws Exception {
        {
            load.awaitCompleted(200, Duration.ofSeconds(20));
            AtomicInteger most = new AtomicInteger();
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = Thread.ofPlatform().daemon().start(() -> {
                while (sampling.get()) {
                    most.accumulateAndGet(workersOf(rolld), Math::max);
                    java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(5).toNanos()); // a sampling period, not a wait for a state
                }
            });

            // Generation 2 fails in its second batch: generation 1 is whole again.
            Path exit = config.resolveSibling("exit");
            String saved = Files.readString(config);
            failNextGeneration(config, exit);
            int from = rolld.lines().size();
            CompletableFuture<Deployment.Restart> restart = CompletableFuture.supplyAsync(() -> ClientCommand.run(config, "restart", "--wait"));
            rolld.awaitLineAfter(from, "event=rollout_step group=app generation=2 step=\"batch 2/3\" ", ROLLOUT);
            Files.writeString(exit, "");
            Deployment.Restart failed = restart.get();
            assertEquals(1, failed.exitCode(), failed.output());
            assertTrue(failed.output().contains("ROLLED BACK in BAKING"), failed.output());
            List<String> restored = rolld.lines().subList(from, rolld.lines().size()).stream()
                    .filter(l -> l.contains("event=worker_started group=app generation=1 ")).toList();
            assertEquals(2, restored.size(), "the two retired old workers started again: " + rolld.tail());
            Polling.require(() -> workersOf(rolld) == workers, ROLLOUT, workers + " workers of generation 1 again");
            Files.delete(exit);
            Files.writeString(config, saved);

            // Generation 2 again, good this time: three batches, each stopping one old worker.
            from = rolld.lines().size();
            Deployment.Restart good = ClientCommand.run(config, "restart", "--wait");
            assertEquals(0, good.exitCode(), good.output());
            List<String> states = rolld.lines().subList(from, rolld.lines().size()).stream()
                    .filter(l -> l.contains("event=transition group=app generation=2 "))
                    .map(l -> l.replaceAll(".* state=([A-Z_]+) .*", "$1")).toList();
            assertEquals(List.of("STARTING", "CHECKING", "STOPPING", "BAKING", "STARTING", "CHECKING", "STOPPING", "BAKING",
                    "STARTING", "CHECKING", "STOPPING", "SWITCHING", "BAKING", "IDLE"), states, good.output());
            sampling.set(false);
            sampler.join();
            ProcessAssertions.assertGone(first, GONE);
            assertEquals(workers, workersOf(rolld), rolld.tail());
            HttpLoadReport report = load.stop();
            System.out.println("HeldBakeIT batch: at most " + most.get() + " workers alive; " + report);
            assertTrue(most.get() <= workers + 1, "at most workers + 1 alive, saw " + most.get());
            assertEquals(0, report.failed(), report.toString());
        }
    }
}
