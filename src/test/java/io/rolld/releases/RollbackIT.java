package io.rolld.releases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import io.rolld.testing.Deployment;
import io.rolld.testing.GroupYaml;
import io.rolld.testing.HttpLoad;
import io.rolld.testing.HttpLoadReport;
import io.rolld.testing.Project;
import io.rolld.testing.Rolld;
import io.rolld.testing.SubreapedRolld;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Releases as operators deploy them: two releases, {@code current} swapped, HUP, then {@code rolld
 * rollback}: what each worker runs ({@code /proc/PID/cwd}), what rolld records and shows, and when
 * a rollback is refused.
 */
class RollbackIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void rollback_underLoadThroughNginx_goesBackToTheOldReleaseAndItsEnvironment_withNoFailedRequest() throws Exception {
        Releases releases = Releases.create("rollback");
        Path one = releases.add("2026-12-01");
        Path two = releases.add("2026-12-02");
        releases.activate("2026-12-01");
        try (Deployment d = Deployment.start("rollback", 2, releases.groupLines())) {
            assertRunIn(one, d.rolld().awaitLine("event=rollout_succeeded group=app generation=1 ", WAIT));
            String status = Releases.Cli.run(d.config(), "status").output();
            assertTrue(status.contains("release " + one), status);

            releases.activate("2026-12-02");
            Deployment.Outcome hup = d.hup();
            assertTrue(hup.succeeded(), hup.line());
            assertRunIn(two, hup.line());
            assertEquals("2026-12-02", get(d.nginx().port(), "/env/RELEASE"));

            Releases.Cli rollback;
            HttpLoadReport report;
            try (HttpLoad load = HttpLoad.start(d.nginx().port(), 4, Duration.ofMinutes(3), 5_000_000)) {
                load.awaitCompleted(200, Duration.ofSeconds(30));
                int from = d.rolld().lines().size();
                rollback = Releases.Cli.run(d.config(), "rollback", "app", "--wait");
                String succeeded = d.rolld().awaitLineAfter(from, "event=rollout_succeeded group=app generation=3 ", WAIT);
                assertRunIn(one, succeeded);
                String started = d.rolld().awaitLineAfter(from, "event=rollout_started group=app generation=3 ", WAIT);
                assertTrue(started.contains("trigger=\"rollback to generation 1 (release " + one + ")\""), started);
                load.awaitCompleted(load.report().requests() + 200, Duration.ofSeconds(30));
                report = load.stop();
            }
            assertEquals(0, rollback.exitCode(), rollback.output());
            assertEquals("2026-12-01", get(d.nginx().port(), "/env/RELEASE"),
                    "the rollback runs the envdir's values recorded for generation 1, not current/env's");
            System.out.printf("RollbackIT: rollback under load through nginx: %s%n", report);
            assertEquals(0, report.failed(), report.toString());
            assertEquals(0, report.errors(), report.toString());

            List<Map<String, Object>> history = history(d.config());
            assertEquals(List.of(1L, 2L, 3L), history.stream().map(r -> ((Number) r.get("generation")).longValue()).toList(), history.toString());
            assertEquals(List.of(one.toString(), two.toString(), one.toString()), history.stream().map(r -> r.get("release")).toList());
            assertEquals(List.of("first start", "HUP", "rollback to generation 1 (release " + one + ")"),
                    history.stream().map(r -> r.get("trigger")).toList());
            assertTrue(history.stream().allMatch(r -> "succeeded".equals(r.get("result"))), history.toString());
            assertTrue(history.stream().noneMatch(r -> r.containsKey("env")), "values never leave the history file: " + history);
            assertTrue(d.rolld().lines().stream().noneMatch(l -> l.contains("RELEASE=")), "no envdir value is logged");
        }
    }

    @Test
    void history_isKeptAcrossRestarts_andARollbackToADeletedReleaseIsRefusedWithItsExitCode() throws Exception {
        Releases releases = Releases.create("history");
        Path one = releases.add("one");
        Path two = releases.add("two");
        releases.activate("one");
        Path dir = Files.createDirectories(Project.scratch("releases").resolve("history-rolld-" + System.nanoTime()));
        Path config = GroupYaml.workers(1).with(releases.groupLines()).write(dir);
        try (Rolld rolld = Rolld.start(config)) {
            rolld.awaitLine("event=ready", WAIT);
            Releases.Cli nothing = Releases.Cli.run(config, "rollback", "app");
            assertEquals(13, nothing.exitCode(), nothing.output());
            assertTrue(nothing.output().contains("nothing to roll back to"), nothing.output());

            releases.activate("two");
            int from = rolld.lines().size();
            rolld.signal("HUP");
            rolld.awaitLineAfter(from, "event=rollout_succeeded group=app generation=2 ", WAIT);
            // Written once the rollout's end has passed every reader of the event stream, the log line first.
            io.rolld.testing.Polling.require(() -> historyHolds(dir, "\"RELEASE\":\"two\""), Duration.ofSeconds(10),
                    "the envdir's values of generation 2 in the history file");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(".rolld/history"))));
            assertTrue(rolld.stop(Duration.ofSeconds(30)).clean(), rolld.tail());
        }
        try (Rolld rolld = Rolld.start(config)) {
            rolld.awaitLine("event=ready", WAIT);
            List<Map<String, Object>> history = history(config);
            assertEquals(List.of(one.toString(), two.toString(), two.toString()), history.stream().map(r -> r.get("release")).toList(),
                    "both generations of the first rolld, then this one's first start: " + history);
            String text = Releases.Cli.run(config, "history", "app", "-n", "2").output();
            assertEquals(3, text.lines().count(), "a header and two rollouts: " + text);

            deleteTree(one);
            Releases.Cli refused = Releases.Cli.run(config, "rollback", "app", "--wait");
            assertEquals(13, refused.exitCode(), refused.output());
            assertTrue(refused.output().contains("rollback_refused") && refused.output().contains(one + " of generation 1 no longer exists"),
                    refused.output());
            Releases.Cli unknown = Releases.Cli.run(config, "rollback", "app", "--to", "7");
            assertEquals(13, unknown.exitCode(), unknown.output());
            assertEquals(1, rolld.lines().stream().filter(l -> l.contains("event=rollout_started")).count(), "nothing rolled");
        }
    }

    @Test
    void adoptedGeneration_afterCurrentWasSwapped_respawnsItsOwnRelease() throws Exception {
        Releases releases = Releases.create("adopt");
        Path one = releases.add("one");
        releases.add("two");
        releases.activate("one");
        Path dir = Files.createDirectories(Project.scratch("releases").resolve("adopt-rolld-" + System.nanoTime()));
        Path config = GroupYaml.workers(1).with(releases.groupLines()).with("respawn: {backoff: 100ms}").write(dir);
        try (SubreapedRolld first = SubreapedRolld.start(config, "rolld-killed")) {
            first.output().awaitLine("event=ready", WAIT);
            first.killRolld();
            releases.activate("two"); // deployed, not rolled yet

            try (Rolld next = Rolld.start(config)) {
                next.awaitLine("event=group_adopted group=app .*adopted=1 ", WAIT);
                next.awaitLine("event=ready", WAIT);
                assertTrue(Releases.Cli.run(config, "status").output().contains("release " + one), "status after the adoption");
                long victim = first.processes("app.py").getFirst().pid();
                int from = next.lines().size();
                assertTrue(io.rolld.testing.Signals.send(victim, "KILL"));
                String respawned = next.awaitLineAfter(from, "event=worker_respawned group=app ", WAIT);
                long pid = Long.parseLong(respawned.replaceAll(".* pid=(\\d+).*", "$1"));
                assertEquals(one, Releases.cwdOf(pid), "a respawn of generation 1 runs generation 1's release: " + respawned);
                int port = Integer.parseInt(respawned.replaceAll(".* port=(\\d+).*", "$1"));
                io.rolld.testing.ListeningSockets.awaitAccepting(port, WAIT, "the respawned worker");
                assertEquals("one", get(port, "/env/RELEASE"), "and its environment");
            }
        }
    }

    private static boolean historyHolds(Path dir, String text) {
        try {
            return Files.readString(dir.resolve(".rolld/history")).contains(text);
        } catch (IOException e) {
            return false; // not written yet
        }
    }

    /** The workers a rollout's result line names run in {@code release}, by the kernel's account. */
    private static void assertRunIn(Path release, String resultLine) throws IOException {
        List<Long> pids = Deployment.Outcome.parse(resultLine).pids();
        assertTrue(!pids.isEmpty(), resultLine);
        for (long pid : pids) {
            assertEquals(release, Releases.cwdOf(pid), "cwd of pid " + pid + " (" + resultLine + ")");
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> history(Path config) throws IOException {
        Releases.Cli run = Releases.Cli.run(config, "history", "--json");
        assertEquals(0, run.exitCode(), run.output());
        return (List<Map<String, Object>>) (List<?>) JSON.std.listFrom(run.output().substring(run.output().indexOf('[')));
    }

    private static String get(int port, String path) throws Exception {
        try (var http = java.net.http.HttpClient.newHttpClient()) {
            var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            return r.body().strip();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
