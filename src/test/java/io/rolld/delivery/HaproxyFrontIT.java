package io.rolld.delivery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.haproxy.AdminState;
import io.rolld.haproxy.RuntimeApi;
import io.rolld.haproxy.Server;
import io.rolld.testing.Deployment;
import io.rolld.testing.GroupYaml;
import io.rolld.testing.Haproxy;
import io.rolld.testing.HaproxyBackend;
import io.rolld.testing.HttpLoad;
import io.rolld.testing.HttpLoadReport;
import io.rolld.testing.Project;
import io.rolld.testing.Rolld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Debian's HAProxy in front of a group with {@code front: {haproxy: ...}} on its Unix admin socket,
 * under a keep-alive load: rollouts and a 25 % canary step change servers through the runtime API
 * only (HAProxy's master and worker keep their pids: nothing is reloaded, so no client connection
 * is closed), and a refused command rolls the rollout back with HAProxy's answer in the log.
 */
class HaproxyFrontIT {
    private static final Duration ROLLOUT = Duration.ofSeconds(90);
    private static final Duration PROGRESS = Duration.ofSeconds(30);
    private static final String OUTCOME = "event=rollout_(succeeded|failed) group=app ";
    private static final int ROLLOUTS = 5;
    private static final int SAMPLE = 400;

    @Test
    void rolloutsAndACanaryStep_underKeepAliveLoad_failNothingAndNeverReloadHaproxy() throws Exception {
        try (Setup s = new Setup("rollouts")) {
            long master = s.haproxy.pid();
            Optional<Long> worker = s.haproxy.workerPid();
            assertTrue(worker.isPresent());
            try (HttpLoad load = HttpLoad.start(s.haproxy.port(), 4, Duration.ofMinutes(5), 50_000_000)) {
                load.awaitCompleted(200, PROGRESS);
                for (int i = 0; i < ROLLOUTS; i++) {
                    int from = s.rolld.lines().size();
                    s.rolld.signal("HUP");
                    String outcome = s.rolld.awaitLineAfter(from, OUTCOME, ROLLOUT);
                    assertTrue(outcome.contains("event=rollout_succeeded"), s.rolld.tail());
                    load.awaitCompleted(load.report().requests() + 200, PROGRESS);
                }
                // Generation 7, on the first ports, with a 25 % step.
                s.yaml.with("canary:", "  - {weight: 25, pause: 10m}");
                s.yaml.write(s.dir);
                int from = s.rolld.lines().size();
                CompletableFuture<Deployment.Restart> restart = CompletableFuture.supplyAsync(
                        () -> ClientCommand.run(s.config(), "restart", "--wait", "--timeout", "80s"));
                s.rolld.awaitLineAfter(from, "event=rollout_step group=app generation=7 step=\"canary 1/1\" weight=25 ", ROLLOUT);
                String backend = Files.readString(s.haproxy.backendFile());
                for (int port : s.yaml.secondPorts()) {
                    assertTrue(backend.contains("server w" + port + " 127.0.0.1:" + port + " weight 3\n"), backend);
                }
                for (int port : s.yaml.firstPorts()) {
                    assertTrue(backend.contains("server w" + port + " 127.0.0.1:" + port + " weight 1\n"), backend);
                }
                GenerationSample split = GenerationSample.take(s.haproxy.port(), SAMPLE);
                System.out.println("HaproxyFrontIT: during the 25 % step " + split);
                assertEquals(0, split.failed(), split.toString());
                assertTrue(Math.abs(split.percentOf(7) - 25) <= 10, split.toString());

                Deployment.Restart promote = ClientCommand.run(s.config(), "promote", "app");
                assertEquals(0, promote.exitCode(), promote.output());
                Deployment.Restart promoted = restart.get();
                assertEquals(0, promoted.exitCode(), promoted.output());
                load.awaitCompleted(load.report().requests() + 200, PROGRESS);
                HttpLoadReport report = load.stop();
                System.out.println("HaproxyFrontIT: " + ROLLOUTS + " rollouts and a canary step " + report);
                assertEquals(0, report.failed(), report.toString());
                assertEquals(0, report.idleClosed(), "no keep-alive connection closed by the front: " + report);
            }
            assertEquals(master, s.haproxy.pid(), "HAProxy's master");
            assertEquals(worker, s.haproxy.workerPid(), "HAProxy's worker: never reloaded");
            List<Server> servers = RuntimeApi.at(s.haproxy.adminSocket()).servers(HaproxyBackend.NAME);
            for (int port : s.yaml.firstPorts()) {
                assertTrue(servers.stream().anyMatch(v -> v.isWorker(port) && v.state() == AdminState.READY && v.weight() == 1), servers.toString());
            }
            for (int port : s.yaml.secondPorts()) {
                assertTrue(servers.stream().filter(v -> v.isWorker(port)).allMatch(v -> v.state() == AdminState.MAINT), servers.toString());
            }
            String backend = Files.readString(s.haproxy.backendFile());
            assertTrue(s.yaml.secondPorts().stream().noneMatch(p -> backend.contains("127.0.0.1:" + p)), backend);
            // An HAProxy started later from the rendered file serves the set that serves now.
            try (Haproxy restarted = Haproxy.inFrontOf(s.haproxy.backendFile()).start()) {
                GenerationSample fresh = GenerationSample.take(restarted.port(), 20);
                assertEquals(java.util.Map.of(7L, 20), fresh.byGeneration(), fresh.toString());
            }
        }
    }

    @Test
    void aRefusedCommand_rollsBackWithHaproxysAnswer_andFailsNoRequest() throws Exception {
        try (Setup s = new Setup("refused")) {
            long master = s.haproxy.pid();
            Optional<Long> worker = s.haproxy.workerPid();
            byte[] backend = Files.readAllBytes(s.haproxy.backendFile());
            Set<Long> serving = new HashSet<>(s.rolld.descendantPids());
            try (HttpLoad load = HttpLoad.start(s.haproxy.port(), 4, Duration.ofMinutes(3), 50_000_000)) {
                load.awaitCompleted(200, PROGRESS);
                s.yaml.with("front: {haproxy: {socket: '" + s.haproxy.socket() + "', backend: nosuch}}");
                s.yaml.write(s.dir);
                int from = s.rolld.lines().size();
                s.rolld.signal("HUP");
                String outcome = s.rolld.awaitLineAfter(from, OUTCOME, ROLLOUT);

                assertTrue(outcome.contains("event=rollout_failed"), s.rolld.tail());
                assertTrue(outcome.contains("refused 'show servers state nosuch': Can't find backend."), outcome);
                assertTrue(s.rolld.lines().subList(from, s.rolld.lines().size()).stream().noneMatch(l -> l.contains("event=drain_timeout")),
                        "the rollback's drain of the new set falls back to the kernel's count: " + s.rolld.tail());
                load.awaitCompleted(load.report().requests() + 200, PROGRESS);
                HttpLoadReport report = load.stop();
                System.out.println("HaproxyFrontIT: refused rollout " + report);
                assertEquals(0, report.failed(), report.toString());
                assertEquals(0, report.idleClosed(), report.toString());
            }
            assertEquals(serving, new HashSet<>(s.rolld.descendantPids()), "the old set serves, the new one is gone: " + s.rolld.tail());
            assertArrayEquals(backend, Files.readAllBytes(s.haproxy.backendFile()), "the backend file as before");
            assertEquals(master, s.haproxy.pid());
            assertEquals(worker, s.haproxy.workerPid());
        }
    }

    /** HAProxy (its backend file with free slots only), then rolld with group {@code app} of 2 workers a set in front of it. */
    private static final class Setup implements AutoCloseable {
        final Path dir;
        final Haproxy haproxy;
        final GroupYaml yaml;
        Rolld rolld;

        Setup(String name) throws Exception {
            dir = Files.createDirectories(Project.scratch("haproxy-front").resolve(name + "-" + System.nanoTime()));
            haproxy = Haproxy.inFrontOf(dir.resolve("backend.cfg"));
            yaml = GroupYaml.workers(2).withHaproxy(haproxy);
            try {
                haproxy.start();
                yaml.write(dir);
                rolld = Rolld.start(config());
                rolld.awaitLine("event=ready ", ROLLOUT);
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
        }

        Path config() {
            return dir.resolve("rolld.yml");
        }

        @Override
        public void close() {
            try {
                if (rolld != null) {
                    rolld.close();
                }
            } finally {
                haproxy.close();
            }
        }
    }
}
