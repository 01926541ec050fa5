package io.rolld.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.Deployment;
import io.rolld.testing.HttpLoad;
import io.rolld.testing.HttpLoadReport;
import io.rolld.testing.ProcessAssertions;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A 25 % canary step through a real nginx: the rendered upstream weights, the traffic split during
 * the pause, {@code rolld promote} ending the pause, {@code rolld abort} restoring the old set with
 * no failed request, and the answers when there is nothing to act on. The pause is 10 minutes: only
 * promote and abort end it, so nothing here waits for time to pass.
 */
class CanaryIT {
    private static final Duration STEP = Duration.ofSeconds(60);
    private static final Duration GONE = Duration.ofSeconds(15);
    private static final int SAMPLE = 200;

    @Test
    void canary_atAQuarter_splitsTheTrafficAndObeysPromoteAndAbort() throws Exception {
        try (Deployment d = Deployment.start("canary", 2, "stop_timeout: 2s", "canary:", "  - {weight: 25, pause: 10m}")) {
            Deployment.Restart idle = ClientCommand.run(d, "promote", "app");
            assertEquals(10, idle.exitCode(), idle.output());
            assertTrue(idle.output().contains("group app has no rollout in progress"), idle.output());
            Deployment.Restart unknown = ClientCommand.run(d, "abort", "nosuch");
            assertEquals(5, unknown.exitCode(), unknown.output());
            assertTrue(unknown.output().contains("no such group: nosuch"), unknown.output());

            // Generation 2: promoted out of its pause.
            int from = d.rolld().lines().size();
            CompletableFuture<Deployment.Restart> restart = CompletableFuture.supplyAsync(d::restartWait);
            d.rolld().awaitLineAfter(from, "event=rollout_step group=app generation=2 step=\"canary 1/1\" weight=25 ", STEP);
            String upstream = Files.readString(d.nginx().upstreamFile());
            for (int port : d.firstPorts()) {
                assertTrue(upstream.contains("server 127.0.0.1:" + port + " weight=3 "), upstream);
            }
            for (int port : d.secondPorts()) {
                assertTrue(upstream.contains("server 127.0.0.1:" + port + " weight=1 "), upstream);
            }
            GenerationSample split = GenerationSample.take(d.nginx().port(), SAMPLE);
            System.out.println("CanaryIT: during the 25 % step " + split);
            assertEquals(0, split.failed(), split.toString());
            assertTrue(Math.abs(split.percentOf(2) - 25) <= 10, split.toString());
            Deployment.Restart status = ClientCommand.run(d, "status");
            assertTrue(status.output().contains("canary 1/1: new set at 25% of the weight, "), status.output());
            assertTrue(status.output().matches("(?s).*canary 1/1: new set at 25% of the weight, \\d+\\.\\ds left.*"), status.output());

            Deployment.Restart promote = ClientCommand.run(d, "promote", "app");
            assertEquals(0, promote.exitCode(), promote.output());
            assertTrue(promote.output().contains("app: promote accepted during canary 1/1"), promote.output());
            Deployment.Restart promoted = restart.get();
            assertEquals(0, promoted.exitCode(), promoted.output());
            assertTrue(promoted.output().contains("app gen 2 canary 1/1: new set at 25% of the weight"), promoted.output());
            GenerationSample after = GenerationSample.take(d.nginx().port(), 50);
            assertEquals(java.util.Map.of(2L, 50), after.byGeneration(), after.toString());

            // Generation 3: aborted in its pause, under load.
            try (HttpLoad load = HttpLoad.start(d.nginx().port(), 4, Duration.ofMinutes(3), 5_000_000)) {
                Set<Long> serving = new HashSet<>(d.rolld().descendantPids());
                byte[] before = Files.readAllBytes(d.nginx().upstreamFile());
                load.awaitCompleted(100, Duration.ofSeconds(20));
                from = d.rolld().lines().size();
                restart = CompletableFuture.supplyAsync(d::restartWait);
                d.rolld().awaitLineAfter(from, "event=rollout_step group=app generation=3 step=\"canary 1/1\" ", STEP);
                long atStep = load.report().requests();
                load.awaitCompleted(atStep + 200, Duration.ofSeconds(20));

                Deployment.Restart abort = ClientCommand.run(d, "abort", "app");

                assertEquals(0, abort.exitCode(), abort.output());
                assertTrue(abort.output().contains("app ROLLED BACK in BAKING: generation 3"), abort.output());
                assertTrue(abort.output().contains("aborted by rolld abort during the canary 1/1"), abort.output());
                Deployment.Restart aborted = restart.get();
                assertEquals(1, aborted.exitCode(), aborted.output());
                assertTrue(Arrays.equals(before, Files.readAllBytes(d.nginx().upstreamFile())), "front byte-identical");
                ProcessAssertions.assertGone(d.stoppedAfter(from, 3), GONE);
                assertEquals(serving, new HashSet<>(d.rolld().descendantPids()), d.rolld().tail());
                load.awaitCompleted(load.report().requests() + 200, Duration.ofSeconds(20));
                HttpLoadReport report = load.stop();
                System.out.println("CanaryIT: abort under load " + report);
                assertEquals(0, report.failed(), report.toString());
            }
            Deployment.Restart none = ClientCommand.run(d, "abort", "app");
            assertEquals(10, none.exitCode(), none.output());
        }
    }
}
