package io.rolld.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real nginx from example/nginx.conf in front of example/app.py, as rolld runs them. */
class NginxIT {
    private static final Duration LOAD = Duration.ofSeconds(2);
    private static final int CLIENTS = 8;

    @TempDir
    Path dir;

    @Test
    void start_servesTheAppWithoutErrors() {
        Path upstream = dir.resolve("nginx-upstream.conf");
        try (ExampleApp app = ExampleApp.start(FreePorts.one());
                Nginx nginx = startNginx(upstream, List.of(app.port()));
                HttpLoad load = HttpLoad.start(nginx.port(), CLIENTS, LOAD, 1_000_000)) {
            HttpLoadReport report = load.awaitDone(LOAD.plusSeconds(10));
            System.out.println(report);

            assertTrue(report.status2xx() > 0, report.toString());
            assertEquals(0, report.failed(), report.toString());
            assertEquals(Set.of(app.pid()), report.pids(), report.toString());
        }
    }

    @Test
    void reload_underLoad_losesNoRequest() {
        Path upstream = dir.resolve("nginx-upstream.conf");
        try (ExampleApp app = ExampleApp.start(FreePorts.one());
                Nginx nginx = startNginx(upstream, List.of(app.port()));
                HttpLoad load = HttpLoad.start(nginx.port(), CLIENTS, Duration.ofSeconds(10), 1_000_000)) {
            for (int i = 1; i <= 3; i++) {
                load.awaitCompleted(300L * i, Duration.ofSeconds(5));
                assertFalse(nginx.reload().isEmpty());
            }
            load.awaitCompleted(load.report().requests() + 300, Duration.ofSeconds(5));
            HttpLoadReport report = load.stop();
            System.out.println(report);

            assertEquals(0, report.failed(), report.toString() + "\n" + nginx.diagnostics());
            // Each reload retires nginx's workers, which close their client connections: either
            // idle (the client's next request meets a closed socket and is retried) or after a
            // response marked "Connection: close".
            assertTrue(report.idleClosed() + report.serverClosed() > 0, report.toString());
        }
    }

    @Test
    void switchToNewWorker_thenTermOldWorker_losesNoRequest() {
        Path upstream = dir.resolve("nginx-upstream.conf");
        List<Integer> ports = FreePorts.distinct(2);
        try (ExampleApp old = ExampleApp.start(ports.get(0));
                ExampleApp next = ExampleApp.start(ports.get(1));
                Nginx nginx = startNginx(upstream, List.of(old.port()));
                HttpLoad load = HttpLoad.start(nginx.port(), CLIENTS, Duration.ofSeconds(10), 1_000_000)) {
            load.awaitCompleted(300, Duration.ofSeconds(5));

            UpstreamTemplate.write(upstream, 2, List.of(next.port()));
            Set<Long> newWorkers = nginx.reload();
            // The drain: nginx's retiring workers close their connections to the old app.
            ProcessAssertions.assertGone(nginx.workerPids().stream().filter(p -> !newWorkers.contains(p)).toList(),
                    Duration.ofSeconds(12));
            int exit = old.stop("TERM", Duration.ofSeconds(10));
            long before = load.report().requests();
            load.awaitCompleted(before + 300, Duration.ofSeconds(5));
            HttpLoadReport report = load.stop();
            System.out.println(report);

            assertEquals(0, exit, old.output());
            assertEquals(0, report.failed(), report.toString() + "\n" + nginx.diagnostics());
            assertEquals(Set.of(old.pid(), next.pid()), report.pids(), report.toString());
        }
    }

    private static Nginx startNginx(Path upstream, List<Integer> appPorts) {
        UpstreamTemplate.write(upstream, 1, appPorts);
        return Nginx.inFrontOf(upstream).start();
    }
}
