package io.rolld.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.ProcessAssertions;
import io.rolld.testing.Project;
import io.rolld.testing.Rolld;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The README's first command, as a user runs it: {@code scripts/demo}, a request through nginx on
 * 127.0.0.1:8080, then {@code killall -HUP rolld}, then Ctrl-C. This is the one test that uses
 * killall: it is the documented user path under test, and the daemon's process name is what it
 * proves. The demo runs in a session of its own ({@code setsid}), so a Ctrl-C is SIGINT to its
 * process group, as a terminal sends it.
 */
@Isolated("killall -HUP reaches every rolld, and scripts/demo rebuilds the jar other tests run")
class DemoIT {
    @Test
    void killallHup_againstTheDemo_rollsToTheOtherWorkset() throws Exception {
        try (Rolld demo = Rolld.launch(List.of("setsid", Project.root().resolve("scripts/demo").toString()), Project.root(), "demo")) {
            String first = demo.awaitLine("event=rollout_succeeded group=app-servers generation=1 ", Duration.ofSeconds(120));
            assertTrue(first.contains("ports=8001,8002,8003,8004"), first);
            demo.awaitLine("event=ready ", Duration.ofSeconds(10));
            assertTrue(get().startsWith("hello from pid"), "nginx on 8080 answers through a worker");

            int from = demo.lines().size();
            Process killall = new ProcessBuilder("killall", "-HUP", "rolld").inheritIO().start();
            assertEquals(0, killall.waitFor(), "killall found a process named rolld");
            String second = demo.awaitLineAfter(from, "event=rollout_succeeded group=app-servers generation=2 ", Duration.ofSeconds(120));
            assertTrue(second.contains("ports=8501,8502,8503,8504"), second);
            List<Long> oldPids = Arrays.stream(second.replaceAll(".* old_pids=([0-9,]+).*", "$1").split(","))
                    .map(Long::parseLong).toList();
            ProcessAssertions.assertGone(oldPids, Duration.ofSeconds(20));
            assertTrue(get().contains("generation 2"), "the new generation serves");

            List<Long> workers = Arrays.stream(second.replaceAll(".* pids=([0-9,]+).*", "$1").split(","))
                    .map(Long::parseLong).toList();
            long nginx = nginxPid();
            from = demo.lines().size();
            ctrlC(demo);
            for (long pid : workers) { // stopped by rolld, in order: TERM, which the app answers with exit 0
                demo.awaitLineAfter(from, "event=worker_stopped group=app-servers generation=2 .*pid=" + pid
                        + " exit=\"exit status 0\"", Duration.ofSeconds(60));
            }
            assertEquals(130, demo.awaitExit(Duration.ofSeconds(60)), demo.tail());
            ProcessAssertions.assertGone(List.of(nginx), Duration.ofSeconds(20));
        }
    }

    /**
     * {@code scripts/demo 2>&1 | tee demo.log}: the Ctrl-C kills tee too, so the demo's last
     * messages go to a dead pipe. The demo must still stop rolld, which stops its workers
     * gracefully (each app logs that it stopped on SIGTERM, not on the SIGINT), and nginx.
     */
    @Test
    void ctrlC_throughTee_stillStopsTheWorkersGracefullyAndNginx() throws Exception {
        Path teeLog = Project.scratch("demo").resolve("tee-" + System.nanoTime() + ".log");
        try (Rolld demo = Rolld.launch(List.of("setsid", "bash", "-c", "scripts/demo 2>&1 | tee " + teeLog), Project.root(), "demo-tee")) {
            demo.awaitLine("event=rollout_succeeded group=app-servers generation=1 ", Duration.ofSeconds(120));
            String ready = demo.awaitLine("event=ready ", Duration.ofSeconds(10));
            List<Long> workers = demo.lines().stream().filter(l -> l.contains("event=worker_started group=app-servers "))
                    .map(l -> Long.parseLong(l.replaceAll(".* pid=([0-9]+).*", "$1"))).toList();
            assertEquals(4, workers.size(), ready);
            long nginx = nginxPid();

            ctrlC(demo);

            demo.awaitExit(Duration.ofSeconds(60));
            ProcessAssertions.assertGone(workers, Duration.ofSeconds(30));
            ProcessAssertions.assertGone(List.of(nginx), Duration.ofSeconds(20));
            String appLogs = appLogs();
            for (long pid : workers) {
                assertTrue(appLogs.contains("stopped pid " + pid + " on SIGTERM"), "worker " + pid + " stopped by rolld:\n" + appLogs);
            }
        }
    }

    /** SIGINT to the demo's whole process group, as Ctrl-C in its terminal. */
    private static void ctrlC(Rolld demo) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + demo.pid() + "/stat"));
        long group = Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2]);
        assertEquals(demo.pid(), group, "setsid made the demo a process group of its own");
        Process kill = new ProcessBuilder("/bin/kill", "-s", "INT", "--", "-" + group).inheritIO().start();
        assertEquals(0, kill.waitFor());
    }

    private static long nginxPid() throws Exception {
        return Long.parseLong(Files.readString(Project.example().resolve("nginx.pid")).strip());
    }

    /** The example workers' stdout files (rolld.yml: example/logs/app-PORT.log). */
    private static String appLogs() throws Exception {
        StringBuilder all = new StringBuilder();
        try (var files = Files.list(Project.example().resolve("logs"))) {
            for (Path f : files.filter(f -> f.getFileName().toString().matches("app-\\d+\\.log")).toList()) {
                all.append(Files.readString(f));
            }
        }
        return all.toString();
    }

    private static String get() throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:8080/"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            return response.body();
        }
    }
}
