package io.rolld.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.Deployment;
import io.rolld.testing.GroupYaml;
import io.rolld.testing.Project;
import io.rolld.testing.Rolld;
import io.rolld.testing.HttpLoad;
import io.rolld.testing.HttpLoadReport;
import io.rolld.testing.ProcessAssertions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The core promise, end to end: rollouts behind a real nginx lose no request and leave nothing behind. */
class CoreIT {
    private static final Duration GONE = Duration.ofSeconds(20);

    @Test
    void hup_fiveTimesUnderLoad_replacesEveryWorkerWithoutAFailedRequest() throws Exception {
        try (Deployment d = Deployment.start("five-hups", 4, "ready_timeout: 20s");
             HttpLoad load = HttpLoad.start(d.nginx().port(), 8, Duration.ofMinutes(3), 5_000_000)) {
            List<Long> current = firstGenerationPids(d);
            load.awaitCompleted(200, Duration.ofSeconds(20));
            List<String> rounds = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                long before = load.report().requests();
                Deployment.Outcome outcome = d.hup();
                assertTrue(outcome.succeeded(), outcome.line());
                assertEquals(new HashSet<>(current), new HashSet<>(outcome.oldPids()), outcome.line());
                assertEquals(4, outcome.pids().size(), outcome.line());
                assertTrue(disjoint(current, outcome.pids()), "every worker replaced: " + outcome.line());
                ProcessAssertions.assertGone(current, GONE);
                current = outcome.pids();
                load.awaitCompleted(before + 200, Duration.ofSeconds(20)); // traffic flows after each rollout
                rounds.add("rollout " + (i + 1) + ": " + load.report());
            }
            HttpLoadReport report = load.stop();
            System.out.println("CoreIT five HUPs: " + report + "\n  " + String.join("\n  ", rounds));
            assertEquals(0, report.non2xx(), report.toString());
            assertEquals(0, report.errors(), report.toString());
            assertTrue(report.status2xx() > 1000, report.toString());
            // Responses came from the last generation's workers too, not only from the first.
            assertTrue(report.pids().containsAll(current), "last generation served: " + report.pids() + " vs " + current);
        }
    }

    @Test
    void hup_whenTheNewWorkersFailTheSmokeTest_rollsBackAndKeepsServing() throws Exception {
        try (Deployment d = Deployment.start("rollback", 4, "ready_timeout: 20s");
             HttpLoad load = HttpLoad.start(d.nginx().port(), 4, Duration.ofMinutes(2), 5_000_000)) {
            List<Long> old = firstGenerationPids(d);
            byte[] upstreamBefore = Files.readAllBytes(d.nginx().upstreamFile());
            load.awaitCompleted(100, Duration.ofSeconds(20));

            // The next generation exits at once: a failure that is certain and seen when it happens,
            // however slow the machine (BadWorkersIT covers the other faults: a 500, no bind, ::1).
            d.env("APP_EXIT", "3");
            Deployment.Outcome failed = d.hup();
            assertFalse(failed.succeeded(), failed.line());
            assertTrue(failed.line().contains("reason=\"smoke test failed on port"), failed.line());
            assertTrue(failed.line().contains("worker exited during the smoke test (exit status 3)"), failed.line());
            assertTrue(old.stream().allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)),
                    "old workers still running");
            assertEquals(new String(upstreamBefore), Files.readString(d.nginx().upstreamFile()));
            long afterFailure = load.report().requests();
            load.awaitCompleted(afterFailure + 200, Duration.ofSeconds(20));

            d.env("APP_EXIT", null);
            Deployment.Outcome next = d.hup();
            assertTrue(next.succeeded(), next.line());
            assertEquals(new HashSet<>(old), new HashSet<>(next.oldPids()));
            ProcessAssertions.assertGone(old, GONE);

            HttpLoadReport report = load.stop();
            System.out.println("CoreIT rollback: " + report);
            assertEquals(0, report.non2xx(), report.toString());
            assertEquals(0, report.errors(), report.toString());
        }
    }

    @Test
    void hup_whenRolldYmlBecameInvalid_refusesWithFileLineColumnAndKeepsTheWorkers() throws Exception {
        try (Deployment d = Deployment.start("bad-reload", 2)) {
            List<Long> old = firstGenerationPids(d);
            String good = Files.readString(d.config());
            Files.writeString(d.config(), good.replace("  cmd:", "  comand:"));
            int from = d.rolld().lines().size();
            d.rolld().signal("HUP");
            String refused = d.rolld().awaitLineAfter(from, "event=reload_refused", Duration.ofSeconds(30));
            assertTrue(refused.contains(d.config() + ":2:3: unknown key 'comand'"), refused);
            assertTrue(old.stream().allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));

            Files.writeString(d.config(), good);
            Deployment.Outcome next = d.hup();
            assertTrue(next.succeeded(), next.line());
            assertEquals(new HashSet<>(old), new HashSet<>(next.oldPids()));
        }
    }

    @Test
    void firstStart_whenTheSmokeTestFails_stopsEverythingItStartedAndExits1() throws Exception {
        Path dir = Files.createDirectories(Project.scratch("first-start").resolve("fails-" + System.nanoTime()));
        // Workers that exit at once: certain to fail, and seen as soon as they exit.
        Path yml = GroupYaml.workers(2).env("APP_EXIT", "3").set("ready_timeout", "20s").write(dir);
        try (Rolld rolld = Rolld.start(yml)) {
            assertEquals(1, rolld.awaitExit(Duration.ofSeconds(60)), rolld.tail());
            String failed = rolld.awaitLine("event=start_failed group=app", Duration.ofSeconds(1));
            assertTrue(failed.contains("worker exited during the smoke test (exit status 3)"), failed);
            List<Long> started = rolld.lines().stream().filter(l -> l.contains("event=worker_stopped"))
                    .map(l -> Long.parseLong(l.replaceAll(".* pid=(\\d+).*", "$1"))).toList();
            assertEquals(2, started.size(), rolld.tail());
            ProcessAssertions.assertGone(started, GONE);
        }
    }

    private static List<Long> firstGenerationPids(Deployment d) {
        String line = d.rolld().awaitLine("event=rollout_succeeded group=app generation=1 ", Duration.ofSeconds(5));
        List<Long> pids = new ArrayList<>();
        for (String pid : line.replaceAll(".* pids=([0-9,]+).*", "$1").split(",")) {
            pids.add(Long.parseLong(pid));
        }
        return pids;
    }

    private static boolean disjoint(List<Long> a, List<Long> b) {
        Set<Long> s = new HashSet<>(a);
        return b.stream().noneMatch(s::contains);
    }
}
