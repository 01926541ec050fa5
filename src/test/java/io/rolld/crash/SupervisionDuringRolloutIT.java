package io.rolld.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.Deployment;
import io.rolld.testing.HttpLoad;
import io.rolld.testing.HttpLoadReport;
import io.rolld.testing.ListeningSockets;
import io.rolld.testing.Polling;
import io.rolld.testing.ProcessAssertions;
import io.rolld.testing.RolldClient;
import io.rolld.testing.RolldStatus;
import io.rolld.testing.Signals;
import io.rolld.testing.WebClient;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Supervision never pauses for a rollout, under load through nginx: during a 10-minute canary
 * pause and a 10-minute bake, an old worker (which still carries traffic) SIGKILLed is back on its
 * port within its backoff of 1 s, the rollout going on; a new worker SIGKILLed in the bake fails
 * the bake, and the old set serves alone again.
 */
class SupervisionDuringRolloutIT {
    private static final Duration LONG = Duration.ofSeconds(90);
    /** The backoff is 1 s: ten times that, for a busy machine, and still far below the 10-minute pause. */
    private static final Duration BACK = Duration.ofSeconds(10);
    private static final Duration GONE = Duration.ofSeconds(30);
    private static final String[] GROUP = {"stop_timeout: 2s", "drain_timeout: 1s", "respawn:", "  backoff: 1s",
        "canary:", "  - {weight: 25, pause: 10m}", "bake: {duration: 10m, interval: 500ms}"};

    @Test
    void canaryPauseAndBake_anOldWorkerSigkilled_isBackOnItsPortWithinItsBackoff() throws Exception {
        try (Deployment d = Deployment.start("supervise-old", 2, GROUP);
                HttpLoad load = HttpLoad.start(d.nginx().port(), 2, Duration.ofMinutes(3), 5_000_000)) {
            load.awaitCompleted(200, LONG);
            int from = d.rolld().lines().size();
            CompletableFuture<Deployment.Restart> restart = CompletableFuture.supplyAsync(d::restartWait);
            WholeService.underLoad(load, () -> {
                d.rolld().awaitLineAfter(from, "event=rollout_step group=app generation=2 step=\"canary 1/1\" ", LONG);
                killedAndBack(d, d.firstPorts().get(0));
                assertEquals(0, RolldClient.run(d.config(), "promote", "app").exitCode());
                d.rolld().awaitLineAfter(from, "event=rollout_step group=app generation=2 step=bake ", LONG);
                killedAndBack(d, d.firstPorts().get(1));
                assertEquals(0, RolldClient.run(d.config(), "promote", "app").exitCode());
                Deployment.Restart promoted = restart.get();
                assertEquals(0, promoted.exitCode(), promoted.output());
            });
            load.awaitCompleted(load.report().requests() + 200, LONG);
            HttpLoadReport report = load.stop();
            System.out.println("SupervisionDuringRolloutIT old worker: " + report);
            assertEquals(0, report.failed(), report.toString());
        }
    }

    @Test
    void bake_aNewWorkerSigkilled_failsTheBakeAndTheOldSetServesAlone() throws Exception {
        try (Deployment d = Deployment.start("supervise-new", 2, GROUP);
                HttpLoad load = HttpLoad.start(d.nginx().port(), 2, Duration.ofMinutes(3), 5_000_000)) {
            load.awaitCompleted(200, LONG);
            RolldStatus before = RolldStatus.of(d.config());
            int from = d.rolld().lines().size();
            CompletableFuture<Deployment.Restart> restart = CompletableFuture.supplyAsync(d::restartWait);
            d.rolld().awaitLineAfter(from, "event=rollout_step group=app generation=2 step=\"canary 1/1\" ", LONG);
            assertEquals(0, RolldClient.run(d.config(), "promote", "app").exitCode());
            d.rolld().awaitLineAfter(from, "event=rollout_step group=app generation=2 step=bake ", LONG);
            List<Long> fresh = d.secondPorts().stream().map(p -> ListeningSockets.pidListeningOn(p).orElseThrow()).toList();
            assertTrue(Signals.send(fresh.get(0), "KILL"));

            Deployment.Restart failed = restart.get();
            assertEquals(1, failed.exitCode(), failed.output());
            // Its exit, or the next check of its port, whichever rolld sees first.
            assertTrue(failed.output().contains("ROLLED BACK in BAKING") && failed.output().contains("port " + d.secondPorts().get(0)),
                    failed.output());
            ProcessAssertions.assertGone(fresh, GONE);
            RolldStatus after = WholeService.await(d.config(), 2, () -> WholeService.apps(d.rolld().descendants()),
                    Optional.of(d.nginx().upstreamFile()));
            assertEquals(new HashSet<>(before.pids("app")), new HashSet<>(after.pids("app")), "the old set serves: " + after.output());
            assertEquals(new HashSet<>(d.firstPorts()), WholeService.servers(d.nginx().upstreamFile()));
            load.awaitCompleted(load.report().requests() + 200, LONG);
            HttpLoadReport report = load.stop();
            System.out.println("SupervisionDuringRolloutIT new worker: " + report);
            assertEquals(0, report.failed(), report.toString());
        }
    }

    /**
     * SIGKILLs the old worker on {@code port}; within {@link #BACK} a new worker of rolld's answers
     * there, and the rollout still runs.
     */
    private static void killedAndBack(Deployment d, int port) {
        long victim = ListeningSockets.pidListeningOn(port).orElseThrow();
        assertTrue(Signals.send(victim, "KILL"));
        ProcessAssertions.assertGone(List.of(victim), GONE);
        long[] successor = new long[1];
        boolean back = Polling.await(() -> {
            successor[0] = ListeningSockets.pidListeningOn(port).orElse(0L);
            return successor[0] != 0 && successor[0] != victim;
        }, BACK, Duration.ofMillis(50));
        assertTrue(back, "old worker on port " + port + " (pid " + victim + ") SIGKILLed during the pause: not respawned within "
                + BACK.toSeconds() + " s (backoff 1 s)\n" + d.rolld().tail());
        assertTrue(d.rolld().descendantPids().contains(successor[0]), "pid " + successor[0] + " on port " + port + " is rolld's");
        assertTrue(new WebClient(port).body("/").contains("pid " + successor[0] + " "));
        RolldStatus status = RolldStatus.of(d.config());
        assertTrue(status.rolloutRunning("app"), "the rollout goes on: " + status.output());
    }
}
