package io.rolld.adoption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.GroupYaml;
import io.rolld.testing.ListeningSockets;
import io.rolld.testing.Polling;
import io.rolld.testing.ProcessAssertions;
import io.rolld.testing.Project;
import io.rolld.testing.Rolld;
import io.rolld.testing.Signals;
import io.rolld.testing.SubreapedRolld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Leftovers that no longer verify are not adopted: a worker that is gone, one that answers 500,
 * and a recorded pid that now belongs to an unrelated process (which must never be signalled).
 * Two workers each; rolld SIGKILLed below a subreaper, then started again on the same rolld.yml.
 */
class LeftoverRefusalIT {
    private static final Duration LONG = Duration.ofSeconds(90);
    private static final Duration GONE = Duration.ofSeconds(20);

    @Test
    void leftover_gone_isRefusedAndItsSlotRespawnedWhileTheOtherIsAdopted() throws Exception {
        Path dir = dir("gone");
        GroupYaml group = GroupYaml.workers(2);
        Path yml = group.write(dir);
        try (SubreapedRolld first = SubreapedRolld.start(yml, "rolld-killed")) {
            List<ProcessHandle> workers = startAndKill(first);
            ProcessHandle gone = workers.get(0);
            assertTrue(Signals.send(gone.pid(), "KILL"));
            ProcessAssertions.assertHandlesGone(List.of(gone), GONE);

            try (Rolld next = Rolld.start(yml)) {
                String refused = next.awaitLine("event=worker_refused group=app ", LONG);
                assertTrue(refused.contains("pid=" + gone.pid()) && refused.contains("gone"), refused);
                String adopted = next.awaitLine("event=group_adopted group=app ", LONG);
                assertTrue(adopted.contains("adopted=1 recorded=2"), adopted);
                String respawned = next.awaitLine("event=worker_respawned group=app ", LONG);
                int port = Integer.parseInt(respawned.replaceAll(".* port=(\\d+).*", "$1"));
                assertTrue(group.firstPorts().contains(port), respawned);
                next.awaitLine("event=ready ", LONG);
                assertTrue(workers.get(1).isAlive(), "the verified leftover keeps running");
                group.firstPorts().forEach(p -> Polling.require(() -> ListeningSockets.accepts(p), LONG, "port " + p + " serving"));
            }
            ProcessAssertions.assertHandlesGone(workers, GONE);
        }
    }

    @Test
    void leftovers_answering500_areStoppedAndTheGroupStartsAfresh() throws Exception {
        Path dir = dir("fail");
        Path failFile = dir.resolve("fail");
        GroupYaml group = GroupYaml.workers(2).env("APP_FAIL_FILE", failFile.toString()).with("ready_timeout: 60s");
        Path yml = group.write(dir);
        try (SubreapedRolld first = SubreapedRolld.start(yml, "rolld-killed")) {
            List<ProcessHandle> workers = startAndKill(first);
            Files.writeString(failFile, "answer 500\n");

            try (Rolld next = Rolld.start(yml)) {
                String adopted = next.awaitLine("event=group_adopted group=app ", LONG);
                assertTrue(adopted.contains("adopted=0 recorded=2") && adopted.contains("first start"), adopted);
                List<String> refused = next.lines().stream().filter(l -> l.contains("event=worker_refused group=app ")).toList();
                assertEquals(2, refused.size(), next.tail());
                refused.forEach(l -> assertTrue(l.contains("smoke test failed") && l.contains("500") && l.contains("stopped it"), l));
                ProcessAssertions.assertHandlesGone(workers, GONE);
                Files.delete(failFile); // the first start's workers may now pass their smoke tests
                next.awaitLine("event=ready ", LONG);
                String started = next.awaitLine("event=rollout_succeeded group=app generation=1 ", LONG);
                assertTrue(workers.stream().noneMatch(w -> started.contains(Long.toString(w.pid()))), started);
            }
        }
    }

    @Test
    void leftover_whosePidAnUnrelatedProcessNowHas_isNeverSignalledAndItsSlotRespawned() throws Exception {
        Path dir = dir("reused");
        GroupYaml group = GroupYaml.workers(2);
        Path yml = group.write(dir);
        Process unrelated = new ProcessBuilder("sleep", "300").start();
        try (SubreapedRolld first = SubreapedRolld.start(yml, "rolld-killed")) {
            List<ProcessHandle> workers = startAndKill(first);
            ProcessHandle replaced = workers.get(0);
            assertTrue(Signals.send(replaced.pid(), "KILL"));
            ProcessAssertions.assertHandlesGone(List.of(replaced), GONE);
            // The kernel reused the dead worker's pid for an unrelated process: the recorded start time no longer matches.
            Path file = dir.resolve(".rolld/workers");
            String recorded = Files.readString(file);
            String rewritten = recorded.replace("\"pid\":" + replaced.pid() + ",", "\"pid\":" + unrelated.pid() + ",");
            assertNotEquals(recorded, rewritten, recorded);
            Files.writeString(file, rewritten);

            try (Rolld next = Rolld.start(yml)) {
                String refused = next.awaitLine("event=worker_refused group=app ", LONG);
                assertTrue(refused.contains("pid=" + unrelated.pid()) && refused.contains("belongs to another process now")
                        && refused.contains("not signalled"), refused);
                next.awaitLine("event=group_adopted group=app .*adopted=1 recorded=2", LONG);
                next.awaitLine("event=worker_respawned group=app ", LONG);
                next.awaitLine("event=ready ", LONG);
            }
            assertTrue(unrelated.isAlive(), "the unrelated process was never signalled");
            ProcessAssertions.assertHandlesGone(workers, GONE);
        } finally {
            unrelated.destroyForcibly();
        }
    }

    private static Path dir(String name) throws java.io.IOException {
        return Files.createDirectories(Project.scratch("adopt").resolve(name + "-" + System.nanoTime()));
    }

    /** Waits for the first start, SIGKILLs rolld and returns the workers it left. */
    private static List<ProcessHandle> startAndKill(SubreapedRolld rolld) {
        rolld.output().awaitLine("event=ready ", LONG);
        List<ProcessHandle> workers = rolld.processes("app.py");
        assertEquals(2, workers.size(), ProcessAssertions.describe(workers));
        rolld.killRolld();
        return workers;
    }
}
