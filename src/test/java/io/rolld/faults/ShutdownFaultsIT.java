package io.rolld.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.Deployment;
import io.rolld.testing.HttpLoad;
import io.rolld.testing.HttpLoadReport;
import io.rolld.testing.Polling;
import io.rolld.testing.ProcessAssertions;
import io.rolld.testing.Rolld;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fault matrix, parts 4 and 6: workers that ignore TERM or fork children, and rolld itself
 * stopped (TERM) in the middle of things. Nothing may be left behind. (rolld SIGKILLed and started
 * again: {@code io.rolld.adoption}.)
 */
class ShutdownFaultsIT {
    private static final Duration GONE = Duration.ofSeconds(10);

    @Test
    void restart_whenOldWorkersIgnoreTermAndFork_killsTheWholeTreeAfterStopTimeout() throws Exception {
        try (Deployment d = Deployment.start("stubborn", 2, "env: {APP_IGNORE_TERM: '1', APP_CHILDREN: '2'}", "stop_timeout: 1s", "drain_timeout: 2s");
             HttpLoad load = HttpLoad.start(d.nginx().port(), 4, Duration.ofMinutes(2), 5_000_000)) {
            List<ProcessHandle> oldTree = d.rolld().descendants();
            assertEquals(6, oldTree.size(), "2 workers with 2 children each: " + ProcessAssertions.describe(oldTree));
            load.awaitCompleted(100, Duration.ofSeconds(20));

            int from = d.rolld().lines().size();
            Deployment.Restart restart = d.restartWait();
            assertEquals(0, restart.exitCode(), restart.output());
            ProcessAssertions.assertHandlesGone(oldTree, GONE);
            List<String> stopped = d.rolld().lines().subList(from, d.rolld().lines().size()).stream()
                    .filter(l -> l.contains("event=worker_stopped group=app generation=1 ")).toList();
            assertEquals(2, stopped.size(), d.rolld().tail());
            stopped.forEach(l -> assertTrue(l.contains("killed by signal SIGKILL"), l));
            assertEquals(6, d.rolld().descendants().size(), "only the new generation's tree runs");

            HttpLoadReport report = load.stop();
            System.out.println("ShutdownFaultsIT stubborn: " + report);
            assertEquals(0, report.non2xx(), report.toString());
            assertEquals(0, report.errors(), report.toString());
        }
    }

    @Test
    void term_inTheMiddleOfARollout_stopsBothSetsAndExits0() throws Exception {
        try (Deployment d = Deployment.start("term-mid-rollout", 2, "ready_timeout: 30s", "stop_timeout: 1s")) {
            d.env("APP_NO_BIND", "1"); // the next generation never becomes ready: the rollout stays in CHECKING
            int from = d.rolld().lines().size();
            d.rolld().signal("HUP");
            d.rolld().awaitLineAfter(from, "event=transition group=app generation=2 state=CHECKING", Duration.ofSeconds(30));
            // Both sets run (a launcher shim such as pyenv's may still be exec'ing the new workers).
            Polling.require(() -> d.rolld().descendants().size() == 4
                    && d.rolld().descendants().stream().allMatch(p -> p.info().commandLine().orElse("").contains("app.py")
                    && !p.info().commandLine().orElse("").contains("libexec/pyenv")), Duration.ofSeconds(20), "both sets running");
            List<ProcessHandle> both = d.rolld().descendants();

            Rolld.Shutdown shutdown = d.rolld().stop(Duration.ofSeconds(20));
            assertTrue(shutdown.clean(), shutdown + "\n" + d.rolld().tail());
            assertEquals(0, shutdown.exitCode().orElseThrow(), d.rolld().tail());
            ProcessAssertions.assertHandlesGone(both, GONE);
            assertTrue(d.rolld().lines().stream().anyMatch(l -> l.contains("event=rollout_failed group=app generation=2 ")
                    && l.contains("shutting down")), d.rolld().tail());
        }
    }
}
