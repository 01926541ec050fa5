package io.rolld.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.os.Exit;
import io.rolld.config.PosixSignal;
import io.rolld.os.ProcessTree;
import io.rolld.testing.Orphan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerTest {
    @TempDir
    Path dir;
    private final List<Worker> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() throws Exception {
        for (Worker w : started) {
            ProcessTree.stop(w.handle(), PosixSignal.KILL, Duration.ofSeconds(1));
        }
    }

    private Worker spawn(String script, Map<String, String> env) throws Exception {
        Worker w = NativeSpawn.spawn(new WorkerSpec(8001, List.of("/bin/sh", "-c", script), dir, env,
                Optional.of(dir.resolve("logs/out.log")), Optional.of(dir.resolve("logs/err.log"))), List.of());
        started.add(w);
        return w;
    }

    @Test
    void spawn_appendsOutputToItsFilesInItsDirectoryWithItsEnv() throws Exception {
        Files.createDirectories(dir.resolve("logs"));
        Files.writeString(dir.resolve("logs/out.log"), "earlier\n");
        Worker w = spawn("echo \"$GREETING from $(pwd)\"; echo oops >&2; exit 3", Map.of("GREETING", "hi"));
        assertEquals(new Exit.Code(3), w.exit().get(10, TimeUnit.SECONDS));
        assertEquals(List.of("earlier", "hi from " + dir), Files.readAllLines(dir.resolve("logs/out.log")));
        assertEquals("oops", w.stderrTail(5));
    }

    @Test
    void stop_whenTheWorkerHandlesTerm_endsWithoutKill() throws Exception {
        Worker w = spawn("trap 'exit 0' TERM; while true; do sleep 0.05; done", Map.of());
        awaitRunning(w);
        assertEquals(new Exit.Code(0), w.stop(PosixSignal.TERM, Duration.ofSeconds(5)));
    }

    @Test
    void stop_whenTheTreeIgnoresTerm_killsEveryProcessAfterTheTimeout() throws Exception {
        // The worker forks a grandchild; both ignore TERM.
        Worker w = spawn("trap '' TERM; sh -c \"trap '' TERM; while true; do sleep 0.05; done\" & "
                + "while true; do sleep 0.05; done", Map.of());
        List<ProcessHandle> tree = awaitDescendants(w, 1);
        long start = System.nanoTime();
        Exit exit = w.stop(PosixSignal.TERM, Duration.ofMillis(500));
        assertTrue((System.nanoTime() - start) / 1_000_000 >= 500);
        assertEquals(new Exit.Signaled(9), exit);
        for (ProcessHandle p : tree) {
            p.onExit().get(5, TimeUnit.SECONDS);
            assertFalse(p.isAlive(), "pid " + p.pid() + " survived");
        }
    }

    @Test
    void stopSet_ofAWorkerThatEndsOnTermAndATreeThatIgnoresIt_reportsEachAsItEnded() throws Exception {
        Worker polite = spawn("trap 'exit 0' TERM; while true; do sleep 0.05; done", Map.of());
        Worker stubborn = spawn("trap '' TERM; sh -c \"trap '' TERM; while true; do sleep 0.05; done\" & "
                + "while true; do sleep 0.05; done", Map.of());
        awaitRunning(polite);
        List<ProcessHandle> tree = awaitDescendants(stubborn, 1);

        Map<Long, Exit> exits = new WorkerSet(1, List.of(polite, stubborn)).stop(PosixSignal.TERM, Duration.ofMillis(500));

        assertEquals(Map.of(polite.pid(), new Exit.Code(0), stubborn.pid(), new Exit.Signaled(9)), exits);
        for (ProcessHandle p : tree) {
            p.onExit().get(5, TimeUnit.SECONDS);
            assertFalse(p.isAlive(), "pid " + p.pid() + " survived");
        }
    }

    private static void awaitRunning(Worker w) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        // The shell installs its trap right after exec; its child sleep shows it got that far.
        while (w.handle().children().findAny().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static List<ProcessHandle> awaitDescendants(Worker w, int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            List<ProcessHandle> d = w.handle().descendants().filter(p -> p.info().command()
                    .map(c -> c.endsWith("sh")).orElse(false)).toList();
            if (d.size() >= atLeast) {
                List<ProcessHandle> all = new ArrayList<>(d);
                all.add(w.handle());
                return all;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the worker did not fork in time");
    }

    @Test
    void adopt_ofAProcessThatIsNotOurChild_isStoppedAndItsExitNoticed() throws Exception {
        try (Orphan orphan = Orphan.start("exec sleep 300")) {
            assertFalse(orphan.isOurChild());
            Worker w = Worker.adopt(8001, orphan.pid, orphan.startTime(), Optional.empty()).orElseThrow();
            assertTrue(w.isAlive());
            assertEquals(new Exit.Unknown(), w.stop(PosixSignal.TERM, Duration.ofSeconds(30)));
            assertFalse(w.isAlive());
        }
    }

    @Test
    void adopt_whenThePidNowBelongsToAnotherProcess_isEmpty() throws Exception {
        try (Orphan orphan = Orphan.start("exec sleep 300")) {
            assertTrue(Worker.adopt(8001, orphan.pid, orphan.startTime() + 1, Optional.empty()).isEmpty());
            assertTrue(ProcessHandle.of(orphan.pid).map(ProcessHandle::isAlive).orElse(false), "an unrelated process is left alone");
        }
    }
}
