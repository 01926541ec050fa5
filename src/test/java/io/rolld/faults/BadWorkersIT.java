package io.rolld.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.Deployment;
import io.rolld.testing.HttpLoad;
import io.rolld.testing.HttpLoadReport;
import io.rolld.testing.ProcessAssertions;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Fault matrix, part 1: a next generation that cannot serve, and a port taken by a foreign
 * process. For each fault, under load: the old set keeps serving with no failed request, the
 * log names the cause in one line, {@code rolld restart --wait} exits 1 with that cause, the
 * failed workers are gone, and the next good rollout succeeds.
 */
class BadWorkersIT {
    private static final Duration GONE = Duration.ofSeconds(10);
    private static final Pattern FAILED_PORT = Pattern.compile("smoke test failed on port (\\d+)");

    @Test
    void restart_whenTheNextGenerationCannotServe_refusesEachFaultAndKeepsTheOldSetServing() throws Exception {
        try (Deployment d = Deployment.start("bad-workers", 2, "ready_timeout: 15s", "stop_timeout: 1s");
             HttpLoad load = HttpLoad.start(d.nginx().port(), 4, Duration.ofMinutes(3), 5_000_000)) {
            Set<Long> old = new HashSet<>(d.rolld().descendantPids());
            assertEquals(2, old.size(), d.rolld().tail());
            byte[] upstream = Files.readAllBytes(d.nginx().upstreamFile());
            load.awaitCompleted(100, Duration.ofSeconds(20));

            int port = d.secondPorts().getFirst();
            // Failures that need the app up to show (a 500, an exit, a bind on ::1) keep the
            // generous ready_timeout; a worker that never binds fails however slow the machine is.
            refused(d, load, old, upstream, "APP_FAIL", "1", "smoke test failed on port " + port, "answered 500");
            d.set("ready_timeout", "2s");
            refused(d, load, old, upstream, "APP_NO_BIND", "1", "smoke test failed on port " + port,
                    "nothing listens on port " + port);
            d.set("ready_timeout", "15s");
            // Both workers exit (which ends the wait at once): rolld names whichever it saw first.
            refused(d, load, old, upstream, "APP_EXIT", "3", "smoke test failed on port ",
                    "worker exited during the smoke test (exit status 3)");
            refused(d, load, old, upstream, "APP_BIND", "::1", "smoke test failed on port " + port,
                    "port " + port + " listens only on ::1 but smoke tests connect to 127.0.0.1");

            try (ServerSocket foreign = new ServerSocket(d.secondPorts().getLast(), 10, InetAddress.getLoopbackAddress())) {
                String cause = "port " + foreign.getLocalPort() + " (pid " + ProcessHandle.current().pid() + ": ";
                int from = d.rolld().lines().size();
                refused(d, load, old, upstream, null, null, cause, "of the next workset already in use by another process");
                assertEquals(List.of(), d.stoppedAfter(from, 2), "refused before anything is spawned: " + d.rolld().tail());
            }

            Deployment.Restart good = d.restartWait();
            assertEquals(0, good.exitCode(), good.output());
            ProcessAssertions.assertGone(old, GONE);
            HttpLoadReport report = load.stop();
            System.out.println("BadWorkersIT: " + report);
            assertEquals(0, report.non2xx(), report.toString());
            assertEquals(0, report.errors(), report.toString());
        }
    }

    /** Sets one fault for the next generation (env null: none), restarts with --wait, checks everything, removes the fault. */
    private static void refused(Deployment d, HttpLoad load, Set<Long> old, byte[] upstream, String env, String value,
                                String cause, String detail) throws Exception {
        if (env != null) {
            d.env(env, value);
        }
        int from = d.rolld().lines().size();
        Deployment.Restart restart = d.restartWait();
        if (env != null) {
            d.env(env, null);
        }

        assertEquals(1, restart.exitCode(), restart.output());
        assertTrue(restart.output().contains(cause) && restart.output().contains(detail), restart.output());
        String failed = d.rolld().awaitLineAfter(from, "event=rollout_failed group=app ", Duration.ofSeconds(5));
        assertTrue(failed.contains(cause) && failed.contains(detail), "one log line names the cause: " + failed);
        Matcher named = FAILED_PORT.matcher(failed);
        if (named.find()) {
            assertTrue(d.secondPorts().contains(Integer.parseInt(named.group(1))), "a port of the next workset: " + failed);
        }
        ProcessAssertions.assertGone(d.stoppedAfter(from, 2), GONE);
        assertEquals(old, new HashSet<>(d.rolld().descendantPids()), "only the old set runs: " + d.rolld().tail());
        assertTrue(Arrays.equals(upstream, Files.readAllBytes(d.nginx().upstreamFile())), "front untouched");
        long served = load.report().status2xx();
        load.awaitCompleted(load.report().requests() + 50, Duration.ofSeconds(10));
        assertTrue(load.report().status2xx() > served, "old set serves after: " + env);
    }
}
