package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.FreePorts;
import io.rolld.testing.HttpLoad;
import io.rolld.testing.HttpLoadReport;
import io.rolld.testing.Polling;
import io.rolld.testing.Rolld;
import io.rolld.testing.RolldStatus;
import io.rolld.testing.WebClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code memory: {per: child}} with a real preforking server, Debian's gunicorn (scripts/test
 * installs it): one rolld worker, a master with two children, one of which is made to leak under
 * load straight at gunicorn's port. That child alone gets SIGTERM (gunicorn's graceful stop for
 * one child), the master forks a new one, and no request fails: no rollout, the master unchanged.
 */
class ChildMemoryLimitIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** A gunicorn sync child of this app uses about 20-25MB rss; /grow adds 80MB to the one that serves it. */
    private static final String APP = """
            import os
            held = []

            def app(environ, start_response):
                if environ['PATH_INFO'] == '/grow':
                    held.append(b'\\x01' * (80 << 20))
                body = ('%d\\n' % os.getpid()).encode()
                start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
                return [body]
            """;

    @TempDir
    Path dir;

    @Test
    void leakingChild_underLoad_isSignalledAlone_andItsMasterForksANewOne_losingNoRequest() throws IOException {
        Files.writeString(dir.resolve("leaky.py"), APP);
        List<Integer> ports = FreePorts.distinct(3);
        int port = ports.get(0);
        int http = ports.get(2);
        Path config = Files.writeString(dir.resolve("rolld.yml"), """
                rolld:
                  http: 127.0.0.1:%d
                app:
                  cmd: 'gunicorn --workers 2 --bind 127.0.0.1:{numproc} --chdir %s leaky:app'
                  stdout: '%s/gunicorn-{numproc}.log'
                  stderr: '%s/gunicorn-{numproc}.err'
                  stop_timeout: 5s
                  workset:
                    - numprocs: [%d]
                    - numprocs: [%d]
                  smoke_test:
                    - check_all_http_ports: numprocs
                  memory: {per: child, signal: TERM, limit: 60MB, metric: rss, check_interval: 300ms}
                """.formatted(http, dir, dir, dir, port, ports.get(1)));
        try (Rolld rolld = Rolld.start(config)) {
            rolld.awaitLine("event=ready", WAIT);
            long master = RolldStatus.of(config).pids("app").getFirst();
            Polling.require(() -> children(master).size() == 2, WAIT, "gunicorn's master forked its 2 children");
            Set<Long> before = children(master);
            HttpLoadReport report;
            long leaking;
            String signalled;
            try (HttpLoad load = HttpLoad.start(port, 2, WAIT, 1_000_000)) {
                load.awaitCompleted(200, WAIT);
                leaking = Long.parseLong(new WebClient(port).body("/grow").strip());
                signalled = rolld.awaitLine("event=child_over_memory .*action=signal", WAIT);
                assertTrue(signalled.contains("pid=" + master + " child_pid=" + leaking + " "), signalled);
                assertTrue(signalled.contains("signal=SIGTERM"), signalled);
                Polling.require(() -> children(master).size() == 2 && !children(master).contains(leaking), WAIT,
                        "a new child in place of " + leaking + ": " + children(master));
                long served = load.report().requests();
                load.awaitCompleted(served + 200, WAIT); // the new child serves along with the other
                report = load.stop();
            }
            Set<Long> after = children(master);
            System.out.println(signalled + "\nmaster " + master + ": children before " + before + ", leaking " + leaking + ", after "
                    + after + "; " + report);
            Set<Long> kept = before.stream().filter(c -> c != leaking).collect(Collectors.toSet());
            assertTrue(after.containsAll(kept), "the other child is untouched: before " + before + ", after " + after);
            assertEquals(List.of(master), RolldStatus.of(config).pids("app"), "the master still serves as the group's worker");
            assertEquals(1, rolld.lines().stream().filter(l -> l.contains("event=child_over_memory")).count(), rolld.tail());
            assertFalse(rolld.lines().stream().anyMatch(l -> l.contains("event=rollout_started") && l.contains("generation=2")),
                    "no rollout:\n" + rolld.tail());
            assertEquals(0, report.failed(), report.toString());
            assertTrue(report.status2xx() > 400, report.toString());

            Map<String, Object> group = RolldStatus.of(config).group("app");
            assertEquals(1, ((Number) group.get("children_signalled")).intValue(), group.toString());
            String metrics = new WebClient(http).body("/metrics");
            assertTrue(metrics.contains("rolld_child_restarts_total{group=\"app\",reason=\"memory\"} 1"), metrics);
            String page = new WebClient(http).body("/");
            assertTrue(page.contains("1 signalled for memory, 0 killed"), page);
        }
    }

    private static Set<Long> children(long pid) {
        return ProcessHandle.of(pid).map(p -> p.children().map(ProcessHandle::pid).collect(Collectors.toSet())).orElse(Set.of());
    }
}
