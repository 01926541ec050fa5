package io.rolld.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.config.HeldSocketConfig;
import io.rolld.os.Exit;
import io.rolld.os.HeldSocketSet;
import io.rolld.os.NotifySocket;
import io.rolld.config.PosixSignal;
import io.rolld.os.PosixSpawn;
import io.rolld.testing.Signals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeSpawnTest {
    @TempDir
    Path dir;
    private final List<Worker> started = new ArrayList<>();
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (Worker w : started) {
            w.stop(PosixSignal.KILL, Duration.ofSeconds(2));
        }
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    private HeldSocketSet twoSockets() throws Exception {
        HeldSocketSet l = HeldSocketSet.open(List.of(
                new HeldSocketConfig(new HeldSocketConfig.Inet("127.0.0.1", 0), "web", 16, false, false, Optional.empty()),
                new HeldSocketConfig(new HeldSocketConfig.Unix(dir.resolve("admin.sock")), "admin", 16, false, false, Optional.empty())));
        opened.add(l);
        return l;
    }

    private Worker spawn(String script, List<Integer> fds, Map<String, String> env) throws Exception {
        Worker w = NativeSpawn.spawn(new WorkerSpec(8001, List.of("/bin/sh", "-c", script), dir, env,
                Optional.of(dir.resolve("logs/out.log")), Optional.of(dir.resolve("logs/err.log"))), fds);
        started.add(w);
        return w;
    }

    @Test
    void spawn_passesHeldSocketsAsFd3And4AndNoOtherDescriptor() throws Exception {
        HeldSocketSet sockets = twoSockets();
        Worker w = spawn("exec sleep 30", sockets.fds(), Map.of());
        Path fdDir = Path.of("/proc/" + w.pid() + "/fd");
        // The shell wrapper execs twice. The kernel renames the process (comm) before it closes the
        // shell's close-on-exec descriptors, so poll until sleep runs with its final descriptor table.
        Set<String> expected = new TreeSet<>(Set.of("0", "1", "2", "3", "4"));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Set<String> fds = new TreeSet<>();
        do {
            fds.clear();
            try (var list = Files.list(fdDir)) {
                list.forEach(p -> fds.add(p.getFileName().toString()));
            }
        } while (!(fds.equals(expected) && Files.readString(Path.of("/proc/" + w.pid() + "/comm")).strip().equals("sleep"))
                && System.nanoTime() < deadline && sleepBriefly());
        assertEquals(expected, fds);
        for (int i = 0; i < 2; i++) {
            assertEquals(Files.readSymbolicLink(Path.of("/proc/self/fd/" + sockets.fds().get(i))),
                    Files.readSymbolicLink(fdDir.resolve(Integer.toString(3 + i))), "fd " + (3 + i));
        }
        assertEquals(Path.of("/dev/null"), Files.readSymbolicLink(fdDir.resolve("0")));
        assertEquals(dir.resolve("logs/out.log"), Files.readSymbolicLink(fdDir.resolve("1")));
    }

    @Test
    void spawn_setsListenPidToTheServersOwnPidInItsOwnProcessGroup() throws Exception {
        HeldSocketSet sockets = twoSockets();
        Map<String, String> env = sockets.environment(7);
        Worker w = spawn("echo \"$LISTEN_PID $$ $LISTEN_FDS $LISTEN_FDNAMES $SERVER_STARTER_PORT $SERVER_STARTER_GENERATION $(cut -d' ' -f5 /proc/$$/stat)\"",
                sockets.fds(), env);
        assertEquals(new Exit.Code(0), w.exit().get(10, TimeUnit.SECONDS));
        assertEquals(w.pid() + " " + w.pid() + " 2 web:admin 127.0.0.1:" + sockets.ports().get(0) + "=3;" + dir.resolve("admin.sock")
                + "=4 7 " + w.pid(), Files.readString(dir.resolve("logs/out.log")).strip());
    }

    @Test
    void spawn_inTheGroupDirectoryWithTermAtItsDefault_reportsExitCodeAndSignal() throws Exception {
        Worker code = spawn("pwd; exit 7", List.of(), Map.of());
        assertEquals(new Exit.Code(7), code.exit().get(10, TimeUnit.SECONDS));
        assertEquals(dir.toString(), Files.readString(dir.resolve("logs/out.log")).strip());
        Worker sleeper = spawn("exec sleep 30", List.of(), Map.of());
        assertTrue(sleeper.isAlive());
        assertEquals(new Exit.Signaled(15), sleeper.stop(PosixSignal.TERM, Duration.ofSeconds(5)));
        assertTrue(!sleeper.isAlive());
    }

    /** How each worker of the table ends, and how rolld must tell it. */
    private record Ending(String script, Optional<PosixSignal> sentSignal, Exit expected, String logged) {
    }

    private static final List<Ending> ENDINGS = List.of(
            new Ending("exit 0", Optional.empty(), new Exit.Code(0), "exit status 0"),
            new Ending("exit 3", Optional.empty(), new Exit.Code(3), "exit status 3"),
            new Ending("exit 130", Optional.empty(), new Exit.Code(130), "exit status 130"),
            new Ending("exec sleep 300", Optional.of(PosixSignal.KILL), new Exit.Signaled(9), "killed by signal SIGKILL"),
            new Ending("kill -SEGV $$", Optional.empty(), new Exit.Signaled(11), "killed by signal SIGSEGV"),
            new Ending("exec sleep 300", Optional.of(PosixSignal.INT), new Exit.Signaled(2), "killed by signal SIGINT"));

    @Test
    void exitStatusTable_inBothModes_eachEndingReportedAsItWas() throws Exception {
        HeldSocketSet sockets = twoSockets();
        for (List<Integer> fds : List.of(List.<Integer>of(), sockets.fds())) {
            for (Ending ending : ENDINGS) {
                Worker w = spawn(ending.script(), fds, Map.of());
                if (ending.sentSignal().isPresent()) {
                    awaitExec(w, "sleep");
                    assertTrue(Signals.send(w.pid(), ending.sentSignal().get().name()));
                }
                Exit exit = w.exit().get(30, TimeUnit.SECONDS);
                String mode = fds.isEmpty() ? "workset mode: " : "held-socket mode: ";
                assertEquals(ending.expected(), exit, mode + ending);
                assertEquals(ending.logged(), exit.toString(), mode + ending);
            }
        }
    }

    @Test
    void spawn_withoutDescriptors_startsTheCommandItselfInItsOwnProcessGroupWithDefaultSignalsAndOnlyStdio() throws Exception {
        Worker w = spawn("exec sleep 300", List.of(), Map.of());
        Path proc = Path.of("/proc/" + w.pid());
        awaitExec(w, "sleep");
        String stat = Files.readString(proc.resolve("stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        assertEquals(Long.toString(w.pid()), fields[2], "pgrp (field 5) is the worker's own pid: " + stat);
        Map<String, String> status = new java.util.HashMap<>();
        for (String line : Files.readAllLines(proc.resolve("status"))) {
            int colon = line.indexOf(':');
            status.put(line.substring(0, colon), line.substring(colon + 1).strip());
        }
        assertEquals(0L, Long.parseUnsignedLong(status.get("SigBlk"), 16), "empty signal mask");
        assertEquals(0L, Long.parseUnsignedLong(status.get("SigIgn"), 16), "no ignored signal");
        // exec closes the shell's close-on-exec descriptors after it renamed the process, and sleep
        // may open files of its own while it starts: poll until only the three remain.
        Set<String> fds = openFds(proc);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!fds.equals(Set.of("0", "1", "2")) && System.nanoTime() < deadline && sleepBriefly()) {
            fds = openFds(proc);
        }
        assertEquals(Set.of("0", "1", "2"), fds);
        assertEquals(Path.of("/dev/null"), Files.readSymbolicLink(proc.resolve("fd/0")));
        assertEquals(dir.resolve("logs/err.log"), Files.readSymbolicLink(proc.resolve("fd/2")));
        for (String fd : List.of("1", "2")) {
            assertTrue((openFlags(proc.resolve("fdinfo/" + fd)) & PosixSpawn.O_APPEND) != 0, "fd " + fd + " in append mode");
        }
    }

    private static Set<String> openFds(Path proc) throws IOException {
        try (var list = Files.list(proc.resolve("fd"))) {
            return list.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet());
        }
    }

    /** The flags line of /proc/PID/fdinfo/N, in octal. */
    private static int openFlags(Path fdinfo) throws IOException {
        return Files.readAllLines(fdinfo).stream().filter(l -> l.startsWith("flags:"))
                .map(l -> Integer.parseInt(l.substring("flags:".length()).strip(), 8)).findFirst().orElseThrow();
    }

    /** Waits until the worker's shell has exec'd {@code comm}, with its final descriptors and signal state. */
    private static void awaitExec(Worker w, String comm) throws IOException, InterruptedException {
        Path file = Path.of("/proc/" + w.pid() + "/comm");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!Files.readString(file).strip().equals(comm) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(comm, Files.readString(file).strip(), "pid " + w.pid());
    }

    @Test
    void spawn_ofAMissingProgramWithoutDescriptors_failsAtOnceSayingWhy() {
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> NativeSpawn.spawn(
                new WorkerSpec(8001, List.of("no-such-program-rolld", "x"), dir, Map.of(), Optional.empty(), Optional.empty()), List.of()));
        assertTrue(e.getMessage().contains("cannot start no-such-program-rolld x") && e.getMessage().contains("ENOENT"), e.getMessage());
    }

    @Test
    void spawn_ofAMissingProgram_failsInTheChildWithExit127() throws Exception {
        Worker w = spawn("exec /no/such/program", List.of(), Map.of());
        assertEquals(new Exit.Code(127), w.exit().get(10, TimeUnit.SECONDS));
        assertTrue(w.stderrTail(1).contains("/no/such/program"), w.stderrTail(1));
    }

    @Test
    void notifySocket_receivesReadyWithTheSendersPid() throws Exception {
        try (NotifySocket notify = NotifySocket.bind(dir.resolve("notify.sock"))) {
            Worker w = spawn("exec python3 -c 'import os,socket; s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); "
                    + "s.sendto(b\"STATUS=warming\\nREADY=1\", os.environ[\"NOTIFY_SOCKET\"])'", List.of(),
                    Map.of("NOTIFY_SOCKET", notify.path().toString()));
            assertEquals(new Exit.Code(0), w.exit().get(10, TimeUnit.SECONDS));
            assertEquals(List.of(new NotifySocket.Notice(w.pid(), "STATUS=warming"), new NotifySocket.Notice(w.pid(), "READY=1")),
                    notify.poll());
            assertEquals(List.of(), notify.poll());
        }
    }

    private static boolean sleepBriefly() throws InterruptedException {
        Thread.sleep(10);
        return true;
    }
}
