package io.rolld.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.Deployment;
import io.rolld.testing.HttpLoad;
import io.rolld.testing.HttpLoadReport;
import io.rolld.testing.ListeningSockets;
import io.rolld.testing.ProcessAssertions;
import io.rolld.testing.RolldClient;
import io.rolld.testing.RolldStatus;
import io.rolld.testing.Signals;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Supervision while a rollout pauses, under load through nginx: a new worker SIGKILLed in a
 * 10-minute bake (after a 10-minute canary pause, promoted) fails the bake, and the old set serves
 * alone again with no failed request.
 */
class SupervisionDuringRolloutIT {
    private static final Duration LONG = Duration.ofSeconds(90);
    private static final Duration GONE = Duration.ofSeconds(30);
    private static final String[] GROUP = {"stop_timeout: 2s", "drain_timeout: 1s", "respawn:", "  backoff: 1s",
        "canary:", "  - {weight: 25, pause: 10m}", "bake: {duration: 10m, interval: 500ms}"};

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
}
