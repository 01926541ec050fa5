package io.rolld.adoption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import io.rolld.testing.Deployment;
import io.rolld.testing.GroupYaml;
import io.rolld.testing.HttpLoad;
import io.rolld.testing.HttpLoadReport;
import io.rolld.testing.Nginx;
import io.rolld.testing.ProcessAssertions;
import io.rolld.testing.Project;
import io.rolld.testing.Rolld;
import io.rolld.testing.Signals;
import io.rolld.testing.SubreapedRolld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * rolld SIGKILLed under load behind a real nginx, then started again on the same rolld.yml: the
 * new rolld adopts the workers the dead one left, and treats them like its own afterwards.
 */
class AdoptionIT {
    private static final Duration LONG = Duration.ofSeconds(90);
    private static final Duration GONE = Duration.ofSeconds(20);

    @Test
    @SuppressWarnings("unchecked")
    void sigkill_underLoadThroughNginx_theNextRolldAdoptsTheSameWorkersWithoutAFailedRequest() throws Exception {
        Path dir = Files.createDirectories(Project.scratch("adopt").resolve("lb-" + System.nanoTime()));
        Nginx nginx = Nginx.inFrontOf(dir.resolve("upstream.conf"));
        GroupYaml group = GroupYaml.workers(4).withNginx(nginx);
        try (nginx; SubreapedRolld first = SubreapedRolld.start(writeAfterStart(nginx, group, dir), "rolld-killed")) {
            Path yml = dir.resolve("rolld.yml");
            first.output().awaitLine("event=ready ", LONG);
            List<ProcessHandle> workers = first.processes("app.py");
            assertEquals(4, workers.size(), ProcessAssertions.describe(workers));
            Set<Long> pids = workers.stream().map(ProcessHandle::pid).collect(Collectors.toCollection(TreeSet::new));

            try (HttpLoad load = HttpLoad.start(nginx.port(), 8, Duration.ofMinutes(3), 5_000_000)) {
                load.awaitCompleted(200, LONG);
                first.killRolld();
                long beforeRestart = load.report().requests();
                load.awaitCompleted(beforeRestart + 200, LONG); // the workers serve without any rolld

                try (Rolld next = Rolld.start(yml)) {
                    String adopted = next.awaitLine("event=group_adopted group=app ", LONG);
                    assertTrue(adopted.contains("adopted=4 recorded=4") && adopted.contains("generation=1"), adopted);
                    next.awaitLine("event=ready ", LONG);
                    assertEquals(4, next.lines().stream().filter(l -> l.contains("event=worker_adopted group=app ")).count(), next.tail());
                    assertTrue(next.lines().stream().noneMatch(l -> l.contains("event=worker_started") || l.contains("event=worker_stopped")
                            || l.contains("event=worker_refused")), "nothing stopped or started:\n" + next.tail());
                    assertTrue(workers.stream().allMatch(ProcessHandle::isAlive), "the same workers run");
                    long afterRestart = load.report().requests();
                    load.awaitCompleted(afterRestart + 500, LONG);
                    HttpLoadReport report = load.stop();
                    System.out.println("AdoptionIT sigkill+restart: " + report);
                    assertEquals(0, report.non2xx(), report.toString());
                    assertEquals(0, report.errors(), report.toString());
                    assertEquals(pids, report.pids(), "only the 4 original workers answered: " + report);

                    Map<String, Object> daemon = (Map<String, Object>) status(yml).get("daemon");
                    assertEquals(next.pid(), ((Number) daemon.get("pid")).longValue(), daemon.toString());
                    assertEquals(4, ((Number) daemon.get("adopted")).intValue(), daemon.toString());
                    assertTrue(daemon.get("version") instanceof String && daemon.get("started") instanceof String, daemon.toString());

                    try (HttpLoad second = HttpLoad.start(nginx.port(), 8, Duration.ofMinutes(3), 5_000_000)) {
                        second.awaitCompleted(200, LONG);
                        int from = next.lines().size();
                        next.signal("HUP");
                        Deployment.Outcome rolled = Deployment.Outcome.parse(next.awaitLineAfter(from,
                                "event=rollout_(succeeded|failed) group=app ", LONG));
                        assertTrue(rolled.succeeded(), rolled.line() + "\n" + next.tail());
                        assertEquals(List.copyOf(pids), rolled.oldPids().stream().sorted().toList(), rolled.line());
                        assertTrue(rolled.line().contains("ports=" + group.secondPorts().stream().map(String::valueOf)
                                .collect(Collectors.joining(","))), "the next HUP rolls to the other workset: " + rolled.line());
                        ProcessAssertions.assertHandlesGone(workers, GONE);
                        second.awaitCompleted(second.report().requests() + 200, LONG);
                        HttpLoadReport hup = second.stop();
                        System.out.println("AdoptionIT next HUP: " + hup);
                        assertEquals(0, hup.non2xx(), hup.toString());
                    }
                }
            }
        }
    }

    @Test
    void adoptedWorkers_oneSigkilledThenRolldTermed_isRespawnedAndAllStopWithEscalation() throws Exception {
        Path dir = Files.createDirectories(Project.scratch("adopt").resolve("supervise-" + System.nanoTime()));
        GroupYaml group = GroupYaml.workers(2).env("APP_IGNORE_TERM", "1").with("stop_timeout: 1s");
        Path yml = group.write(dir);
        try (SubreapedRolld first = SubreapedRolld.start(yml, "rolld-killed")) {
            first.output().awaitLine("event=ready ", LONG);
            List<ProcessHandle> workers = first.processes("app.py");
            assertEquals(2, workers.size(), ProcessAssertions.describe(workers));
            first.killRolld();

            Rolld next = Rolld.start(yml);
            try {
                next.awaitLine("event=group_adopted group=app .*adopted=2 ", LONG);
                next.awaitLine("event=ready ", LONG);
                ProcessHandle victim = workers.get(0);
                int from = next.lines().size();
                assertTrue(Signals.send(victim.pid(), "KILL"));
                String crashed = next.awaitLineAfter(from, "event=worker_crashed group=app ", LONG);
                assertTrue(crashed.contains("pid=" + victim.pid()) && crashed.contains("exit status unknown (not rolld's child)"), crashed);
                // The victim is whichever worker came first, not necessarily the first port: spawns overlap.
                String port = crashed.replaceAll(".* port=(\\d+) .*", "$1");
                assertTrue(group.firstPorts().contains(Integer.parseInt(port)), crashed);
                String respawned = next.awaitLineAfter(from, "event=worker_respawned group=app ", LONG);
                assertTrue(respawned.contains("port=" + port + " "), "respawned on the victim's port " + port + ": " + respawned);

                from = next.lines().size();
                Rolld.Shutdown shutdown = next.stop(Duration.ofSeconds(30));
                assertEquals(0, shutdown.exitCode().orElseThrow(), next.tail());
                assertTrue(shutdown.survivors().isEmpty(), shutdown.toString());
                ProcessAssertions.assertHandlesGone(workers, GONE);
                ProcessHandle adopted = workers.get(1);
                String stopped = next.lines().subList(from, next.lines().size()).stream()
                        .filter(l -> l.contains("event=worker_stopped group=app ") && l.contains("pid=" + adopted.pid() + " "))
                        .findFirst().orElseThrow(() -> new AssertionError("no worker_stopped for the adopted pid:\n" + next.tail()));
                assertTrue(stopped.contains("killed by signal SIGKILL"), "it ignores TERM: SIGKILL after stop_timeout: " + stopped);
            } finally {
                next.stop(Duration.ofSeconds(30));
            }
        }
    }

    /** Writes rolld.yml once nginx runs (its pid is in the reload hook). */
    private static Path writeAfterStart(Nginx nginx, GroupYaml group, Path dir) {
        nginx.start();
        return group.write(dir);
    }

    /** {@code rolld status --json}, parsed. */
    private static Map<String, Object> status(Path yml) throws java.io.IOException {
        try (Rolld client = Rolld.launch(List.of(Project.root().resolve("scripts/rolld").toString(), "status", "--json", "-c",
                yml.toString()), Project.root(), "status")) {
            assertEquals(0, client.awaitExit(LONG), String.join("\n", client.lines()));
            return JSON.std.mapFrom(String.join("\n", client.lines()));
        }
    }
}
