package io.rolld.adoption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.Deployment;
import io.rolld.testing.FreePorts;
import io.rolld.testing.HeldGroupYaml;
import io.rolld.testing.HttpLoad;
import io.rolld.testing.HttpLoadReport;
import io.rolld.testing.ProcessAssertions;
import io.rolld.testing.Rolld;
import io.rolld.testing.SubreapedRolld;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Held-socket mode: rolld SIGKILLed while keep-alive clients talk straight to the held port, then
 * started again. The held socket never closes (the workers hold it), the new rolld takes it back
 * from them and hands that same socket to the next generation.
 */
class HeldAdoptionIT {
    private static final Duration LONG = Duration.ofSeconds(90);
    private static final Duration GONE = Duration.ofSeconds(20);

    @Test
    void sigkill_underLoadOnTheHeldPort_theNextRolldAdoptsAndItsNextGenerationHoldsTheSameSocket() throws Exception {
        int port = FreePorts.one();
        Path yml = HeldGroupYaml.write("adopt", port, Duration.ofSeconds(10), "  workers: 2\n  ready: alive 1s\n");
        try (SubreapedRolld first = SubreapedRolld.start(yml, "rolld-killed")) {
            first.output().awaitLine("event=ready ", LONG);
            List<ProcessHandle> workers = first.processes("app.py");
            assertEquals(2, workers.size(), ProcessAssertions.describe(workers));
            String socket = socketOf(workers.get(0).pid());
            assertEquals(socket, socketOf(workers.get(1).pid()), "both workers share the held socket");

            try (HttpLoad load = HttpLoad.start(port, 8, Duration.ofMinutes(3), 5_000_000)) {
                load.awaitCompleted(200, LONG);
                first.killRolld();
                load.awaitCompleted(load.report().requests() + 200, LONG);

                try (Rolld next = Rolld.start(yml)) {
                    String adopted = next.awaitLine("event=group_adopted group=app ", LONG);
                    assertTrue(adopted.contains("adopted=2 recorded=2"), adopted + "\n" + next.tail());
                    next.awaitLine("event=ready ", LONG);
                    assertTrue(next.lines().stream().filter(l -> l.contains("event=worker_adopted group=app "))
                            .allMatch(l -> l.contains(socket)), "each adopted worker holds " + socket + ":\n" + next.tail());
                    load.awaitCompleted(load.report().requests() + 500, LONG);

                    int from = next.lines().size();
                    next.signal("HUP");
                    Deployment.Outcome rolled = Deployment.Outcome.parse(next.awaitLineAfter(from,
                            "event=rollout_(succeeded|failed) group=app ", LONG));
                    assertTrue(rolled.succeeded(), rolled.line() + "\n" + next.tail());
                    assertEquals(new HashSet<>(workers.stream().map(ProcessHandle::pid).toList()), new HashSet<>(rolled.oldPids()),
                            rolled.line());
                    ProcessAssertions.assertHandlesGone(workers, GONE);
                    for (long pid : rolled.pids()) {
                        assertEquals(socket, socketOf(pid), "generation 2's pid " + pid + " holds the same socket");
                    }
                    load.awaitCompleted(load.report().requests() + 300, LONG);
                    HttpLoadReport report = load.stop();
                    System.out.println("HeldAdoptionIT sigkill+restart+HUP: " + report);
                    assertEquals(0, report.non2xx(), report.toString());
                    assertEquals(0, report.errors(), report.toString());
                    // Which worker of a generation accepts a connection on the shared socket is the
                    // kernel's choice: each generation answered, not necessarily each of its workers.
                    assertTrue(workers.stream().map(ProcessHandle::pid).anyMatch(report.pids()::contains)
                            && rolled.pids().stream().anyMatch(report.pids()::contains), "both generations answered: " + report);
                }
            }
        }
    }

    /** What fd 3 (the first inherited socket) of {@code pid} is: "socket:[INODE]". */
    private static String socketOf(long pid) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "fd", "3")).toString();
    }
}
