package io.rolld.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.Deployment;
import io.rolld.testing.HttpLoad;
import io.rolld.testing.HttpLoadReport;
import io.rolld.testing.ProcessAssertions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A version that passes its smoke tests and fails once it serves is caught during its bake, under
 * load through nginx: the front file byte-identical to before, the old pids serving on, the new set
 * gone, {@code rolld restart --wait} exiting 1 naming BAKING and the port.
 */
class BakeIT {
    private static final Duration GONE = Duration.ofSeconds(15);
    private static final Duration STEP = Duration.ofSeconds(60);

    @Test
    void bake_whenTheNewVersionStartsAnswering500_switchesBackToTheOldSet() throws Exception {
        try (Deployment d = Deployment.start("bake", 2, "stop_timeout: 2s", "bake:", "  duration: 12s", "  interval: 1s");
             HttpLoad load = HttpLoad.start(d.nginx().port(), 4, Duration.ofMinutes(3), 5_000_000)) {
            Set<Long> old = new HashSet<>(d.rolld().descendantPids());
            byte[] upstream = Files.readAllBytes(d.nginx().upstreamFile());
            load.awaitCompleted(100, Duration.ofSeconds(20));
            Path fail = d.dir().resolve("fail");
            d.env("APP_FAIL_FILE", fail.toString()); // only the next generation is told to look for it

            int from = d.rolld().lines().size();
            CompletableFuture<Deployment.Restart> restart = CompletableFuture.supplyAsync(d::restartWait);
            d.rolld().awaitLineAfter(from, "event=rollout_step group=app generation=2 step=bake ", STEP);
            HttpLoadReport atFailure = load.report();
            long failedAtNanos = System.nanoTime();
            Files.writeString(fail, ""); // the new set passed its smoke tests, serves, and now fails
            String rolledBack = d.rolld().awaitLineAfter(from, "event=transition group=app generation=2 state=ROLLING_BACK ", STEP);
            long windowMs = (System.nanoTime() - failedAtNanos) / 1_000_000;
            Deployment.Restart result = restart.get();

            assertEquals(1, result.exitCode(), result.output());
            assertTrue(result.output().contains("ROLLED BACK in BAKING"), result.output());
            String failed = d.rolld().awaitLineAfter(from, "event=rollout_failed group=app ", Duration.ofSeconds(5));
            assertTrue(failed.contains("state=BAKING") && failed.contains("smoke test failed on port ")
                    && failed.contains("during the bake") && failed.contains("answered 500"), failed);
            assertTrue(d.secondPorts().stream().anyMatch(p -> failed.contains("port " + p + " ")), failed);
            ProcessAssertions.assertGone(d.stoppedAfter(from, 2), GONE);
            assertEquals(old, new HashSet<>(d.rolld().descendantPids()), "the old set serves on: " + d.rolld().tail());
            assertTrue(java.util.Arrays.equals(upstream, Files.readAllBytes(d.nginx().upstreamFile())), "front byte-identical");
            HttpLoadReport atRollback = load.report();
            load.awaitCompleted(atRollback.requests() + 200, Duration.ofSeconds(20));
            HttpLoadReport report = load.stop();
            long failedRequests = report.failed() - atFailure.failed();
            System.out.printf("BakeIT: %d requests failed between the failure and the switch back (%d ms, %.0f req/s; %s); %s%n",
                    failedRequests, windowMs, report.requestsPerSecond(), rolledBack, report);
            assertEquals(atRollback.failed(), report.failed(), "nothing fails once the old set serves again: " + report);
            assertEquals(0, report.errors(), report.toString());
            assertEquals(0, atFailure.failed(), "nothing failed before the new version did: " + atFailure);
            d.env("APP_FAIL_FILE", null);
            Files.delete(fail);
        }
    }

    @Test
    void bake_whenClean_drainsAndStopsTheOldSetAfterTheWholeDuration() throws Exception {
        try (Deployment d = Deployment.start("bake-clean", 2, "stop_timeout: 2s", "bake: {duration: 2s, interval: 500ms}")) {
            List<Long> old = d.rolld().descendantPids();
            int from = d.rolld().lines().size();

            Deployment.Restart result = d.restartWait();

            assertEquals(0, result.exitCode(), result.output());
            String step = d.rolld().awaitLineAfter(from, "event=rollout_step group=app generation=2 step=bake ", Duration.ofSeconds(5));
            assertTrue(step.contains("duration_ms=2000"), step);
            List<String> states = d.rolld().lines().subList(from, d.rolld().lines().size()).stream()
                    .filter(l -> l.contains("event=transition group=app generation=2 "))
                    .map(l -> l.replaceAll(".* state=([A-Z_]+) .*", "$1")).toList();
            assertEquals(List.of("STARTING", "CHECKING", "SWITCHING", "BAKING", "DRAINING", "STOPPING", "IDLE"), states);
            ProcessAssertions.assertGone(old, GONE);
        }
    }
}
