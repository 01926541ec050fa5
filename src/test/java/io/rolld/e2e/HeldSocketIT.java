package io.rolld.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.Deployment;
import io.rolld.testing.FreePorts;
import io.rolld.testing.HeldGroupYaml;
import io.rolld.testing.HttpLoad;
import io.rolld.testing.HttpLoadReport;
import io.rolld.testing.Nginx;
import io.rolld.testing.ProcessAssertions;
import io.rolld.testing.Project;
import io.rolld.testing.Rolld;
import io.rolld.testing.UpstreamTemplate;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Held-socket mode end to end: rolld binds the port, generations of app.py workers inherit it,
 * and rollouts under keep-alive load lose nothing, with clients on the port itself or behind an
 * nginx that is never reloaded.
 */
class HeldSocketIT {
    private static final Duration ROLLOUT = Duration.ofSeconds(90);
    private static final Duration GONE = Duration.ofSeconds(20);
    private static final int WORKERS = 4;

    /** rolld.yml of one held-socket group {@code app} of app.py workers on 127.0.0.1:{@code port}. */
    private static Path config(String name, int port, String extra) {
        return HeldGroupYaml.write(name, port, Duration.ofSeconds(20), extra);
    }

    private static Deployment.Outcome awaitOutcome(Rolld rolld, int from) {
        return Deployment.Outcome.parse(rolld.awaitLineAfter(from,
                "event=rollout_(succeeded|failed) group=" + Deployment.GROUP + " ", ROLLOUT));
    }

    private static Deployment.Outcome hup(Rolld rolld) {
        int from = rolld.lines().size();
        rolld.signal("HUP");
        return awaitOutcome(rolld, from);
    }

    /** Five rollouts under {@code load}; each must replace every pid; returns one line per round. */
    private static List<String> fiveRollouts(Rolld rolld, List<Long> first, HttpLoad load) {
        List<Long> current = first;
        List<String> rounds = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long before = load.report().requests();
            Deployment.Outcome outcome = hup(rolld);
            assertTrue(outcome.succeeded(), outcome.line());
            assertEquals(new HashSet<>(current), new HashSet<>(outcome.oldPids()), outcome.line());
            assertEquals(WORKERS, outcome.pids().size(), outcome.line());
            List<Long> previous = current;
            assertTrue(outcome.pids().stream().noneMatch(previous::contains), "every worker replaced: " + outcome.line());
            ProcessAssertions.assertGone(current, GONE);
            current = outcome.pids();
            load.awaitCompleted(before + 200, Duration.ofSeconds(20));
            rounds.add("rollout " + (i + 1) + ": " + load.report());
        }
        return rounds;
    }

    @Test
    void hup_fiveTimesUnderKeepAliveLoadOnTheHeldPort_replacesEveryPidWithoutAnyError() {
        int port = FreePorts.one();
        try (Rolld rolld = Rolld.start(config("direct", port, "  workers: " + WORKERS + "\n  ready: alive 1s\n"))) {
            List<Long> first = awaitOutcome(rolld, 0).pids();
            try (HttpLoad load = HttpLoad.start(port, 8, Duration.ofMinutes(3), 5_000_000)) {
                load.awaitCompleted(200, Duration.ofSeconds(20));
                List<String> rounds = fiveRollouts(rolld, first, load);
                HttpLoadReport report = load.stop();
                System.out.println("HeldSocketIT direct: " + report + "\n  " + String.join("\n  ", rounds));
                assertEquals(0, report.non2xx(), report.toString());
                assertEquals(0, report.errors(), report.toString());
                assertTrue(report.status2xx() > 1000, report.toString());
            }
        }
    }

    @Test
    void hup_fiveTimesBehindNginxOnTheHeldPort_neverReloadsNginxAndLosesNothing() throws IOException {
        int port = FreePorts.one();
        Path dir = Files.createDirectories(Project.scratch("held").resolve("nginx-" + System.nanoTime()));
        try (Nginx nginx = Nginx.inFrontOf(UpstreamTemplate.write(dir.resolve("upstream.conf"), 0, List.of(port))).start();
             Rolld rolld = Rolld.start(config("nginx", port, "  workers: " + WORKERS + "\n"))) {
            long master = nginx.pid();
            Set<Long> nginxWorkers = nginx.workerPids();
            List<Long> first = awaitOutcome(rolld, 0).pids();
            try (HttpLoad load = HttpLoad.start(nginx.port(), 8, Duration.ofMinutes(3), 5_000_000)) {
                load.awaitCompleted(200, Duration.ofSeconds(20));
                List<String> rounds = fiveRollouts(rolld, first, load);
                HttpLoadReport report = load.stop();
                System.out.println("HeldSocketIT behind nginx: " + report + "\n  " + String.join("\n  ", rounds));
                assertEquals(0, report.non2xx(), report.toString());
                assertEquals(0, report.errors(), report.toString());
                assertEquals(0, report.idleClosed(), "nginx closed no client keep-alive connection: " + report);
                assertTrue(report.status2xx() > 1000, report.toString());
            }
            assertEquals(master, nginx.pid());
            assertEquals(nginxWorkers, nginx.workerPids(), "nginx was never reloaded");
        }
    }

    @Test
    void serverStarterAndSystemdWorkers_eachServeTheHeldSocketWithOnlyStdioAndItInherited() throws Exception {
        for (String protocol : List.of("server-starter", "systemd")) {
            int port = FreePorts.one();
            try (Rolld rolld = Rolld.start(config(protocol, port, "  workers: 2\n  env:\n    APP_PROTOCOL: " + protocol + "\n"))) {
                Deployment.Outcome started = awaitOutcome(rolld, 0);
                assertTrue(started.succeeded(), started.line());
                Set<Long> answered = new HashSet<>();
                // Which worker accepts a new connection is the kernel's choice (often the same one
                // many times in a row): ask on new connections until both answered, or 30 s passed.
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (answered.size() < 2 && System.nanoTime() < deadline) {
                    answered.add(pidIn(get(port)));
                }
                assertEquals(new HashSet<>(started.pids()), answered, protocol + ": both workers answer on the held port");
                for (long pid : started.pids()) {
                    Path fds = Path.of("/proc/" + pid + "/fd");
                    Set<String> open = new TreeSet<>();
                    try (var list = Files.list(fds)) {
                        list.forEach(p -> open.add(p.getFileName().toString()));
                    }
                    // app.py itself opens nothing long-lived beyond its (inherited) listening socket.
                    assertEquals(Set.of("0", "1", "2", "3"), open.stream().filter(fd -> !isAcceptedConnection(fds, fd))
                            .collect(java.util.stream.Collectors.toSet()), protocol + " worker " + pid + " fds " + open);
                    assertTrue(Files.readSymbolicLink(fds.resolve("3")).toString().startsWith("socket:"), protocol);
                }
            }
        }
    }

    /** A socket other than fd 3 is a connection app.py accepted (a keep-alive from {@link #get}), not an inherited fd. */
    private static boolean isAcceptedConnection(Path fds, String fd) {
        try {
            return Integer.parseInt(fd) > 3 && Files.readSymbolicLink(fds.resolve(fd)).toString().startsWith("socket:");
        } catch (IOException e) {
            return true; // closed meanwhile: it was a connection
        }
    }

    @Test
    void hup_whenTheNewWorkersNeverSendReady_rollsBackAndTheOldOnesKeepServing() throws Exception {
        int port = FreePorts.one();
        Path config = config("notify", port, "  workers: 2\n  ready: notify\n  ready_timeout: 20s\n  env:\n    APP_NOTIFY: '1'\n");
        try (Rolld rolld = Rolld.start(config)) {
            Deployment.Outcome first = awaitOutcome(rolld, 0);
            assertTrue(first.succeeded(), "READY=1 arrived from both workers: " + first.line());
            // Workers that never send READY=1 fail however fast they start: a short ready_timeout is enough.
            Files.writeString(config, Files.readString(config).replace("    APP_NOTIFY: '1'\n", "    APP_NOTIFY: ''\n")
                    .replace("ready_timeout: 20s", "ready_timeout: 2s"));

            Deployment.Outcome failed = hup(rolld);

            assertFalse(failed.succeeded(), failed.line());
            assertTrue(failed.line().contains("no READY=1 on NOTIFY_SOCKET within 2000ms"), failed.line());
            assertTrue(failed.line().contains("state=CHECKING"), failed.line());
            for (long pid : first.pids()) {
                assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "old worker " + pid + " still running");
            }
            assertTrue(first.pids().contains(pidIn(get(port))), "the old generation still answers");
            assertEquals(new HashSet<>(first.pids()), rolld.descendants().stream().map(ProcessHandle::pid)
                    .collect(java.util.stream.Collectors.toSet()), "only the old generation is left running");
        }
    }

    @Test
    void start_whenTheHeldAddressIsTaken_exitsWithTheBindErrorAndStartsNothing() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Rolld rolld = Rolld.start(config("taken", port, ""));
            try (rolld) {
                assertNotEquals(0, rolld.awaitExit(Duration.ofSeconds(60)));
                String line = rolld.awaitLine("event=rollout_failed", Duration.ofSeconds(1));
                assertTrue(line.contains("bind(127.0.0.1:" + port + ") failed: Address already in use (EADDRINUSE)"), line);
                assertEquals(List.of(), rolld.descendants());
            }
        }
    }

    private static String get(int port) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            return r.body();
        }
    }

    private static long pidIn(String body) {
        Supplier<String> why = () -> "unexpected body: " + body;
        assertTrue(body.startsWith("hello from pid "), why);
        return Long.parseLong(body.split(" ")[3]);
    }
}
