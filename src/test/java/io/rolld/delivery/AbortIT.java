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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@code rolld abort} outside a bake, through a real nginx under load: a new generation that never
 * becomes ready ({@code ready_timeout: 10m}) is rolled back as soon as the operator aborts it in
 * CHECKING, not when the timeout runs out, and nobody sees a failed request.
 */
class AbortIT {
    private static final Duration STEP = Duration.ofSeconds(60);
    private static final Duration GONE = Duration.ofSeconds(15);
    /** Far below the 10-minute ready_timeout: the abort cut the wait short (a bound, not a measurement). */
    private static final Duration LONG_BEFORE_THE_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void abort_duringChecking_rollsBackAtOnceUnderLoad() throws Exception {
        try (Deployment d = Deployment.start("abort-checking", 2, "ready_timeout: 10m", "stop_timeout: 2s");
             HttpLoad load = HttpLoad.start(d.nginx().port(), 4, Duration.ofMinutes(3), 5_000_000)) {
            load.awaitCompleted(100, Duration.ofSeconds(20));
            Set<Long> serving = new HashSet<>(d.rolld().descendantPids());
            byte[] before = Files.readAllBytes(d.nginx().upstreamFile());
            d.env("APP_NO_BIND", "1"); // the next generation never becomes ready: the rollout stays in CHECKING
            int from = d.rolld().lines().size();
            CompletableFuture<Deployment.Restart> restart = CompletableFuture.supplyAsync(d::restartWait);
            d.rolld().awaitLineAfter(from, "event=transition group=app generation=2 state=CHECKING", STEP);

            long start = System.nanoTime();
            Deployment.Restart abort = ClientCommand.run(d, "abort", "app");
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            System.out.println("AbortIT: abort in CHECKING answered after " + took.toMillis() + " ms");
            assertEquals(0, abort.exitCode(), abort.output());
            assertTrue(abort.output().contains("app: abort accepted during CHECKING"), abort.output());
            assertTrue(abort.output().contains("app ROLLED BACK in CHECKING: generation 2"), abort.output());
            assertTrue(took.compareTo(LONG_BEFORE_THE_TIMEOUT) < 0, "the rollback waited " + took.toMillis() + " ms");
            Deployment.Restart aborted = restart.get();
            assertEquals(1, aborted.exitCode(), aborted.output());
            assertTrue(aborted.output().contains("aborted by rolld abort during CHECKING"), aborted.output());
            ProcessAssertions.assertGone(d.stoppedAfter(from, 2), GONE);
            assertEquals(serving, new HashSet<>(d.rolld().descendantPids()), d.rolld().tail());
            assertTrue(Arrays.equals(before, Files.readAllBytes(d.nginx().upstreamFile())), "the front was never touched");

            load.awaitCompleted(load.report().requests() + 200, Duration.ofSeconds(20));
            HttpLoadReport report = load.stop();
            System.out.println("AbortIT: abort in CHECKING under load " + report);
            assertEquals(0, report.failed(), report.toString());
            assertEquals(0, report.errors(), report.toString());
        }
    }
}
