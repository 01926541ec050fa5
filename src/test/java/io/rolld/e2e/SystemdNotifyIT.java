package io.rolld.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.os.NotifySocket;
import io.rolld.os.SdNotify;
import io.rolld.testing.FreePorts;
import io.rolld.testing.GroupYaml;
import io.rolld.testing.HeldGroupYaml;
import io.rolld.testing.Project;
import io.rolld.testing.Rolld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * rolld as a {@code Type=notify} service: a test plays systemd's part with a real AF_UNIX datagram
 * socket in {@code NOTIFY_SOCKET} and sees what rolld tells it across start, HUP, {@code rolld
 * restart --wait} (the unit's ExecReload) and TERM.
 */
class SystemdNotifyIT {
    private static final Duration ROLLOUT = Duration.ofSeconds(90);

    @Test
    void lifecycle_underANotifySocket_sendsReadyReloadingReadyStoppingInOrder() throws Exception {
        Path dir = Project.scratch("notify").resolve("lifecycle-" + System.nanoTime());
        Files.createDirectories(dir);
        Path config = GroupYaml.workers(2).write(dir);
        // sun_path holds 107 bytes: the socket lives in a short temporary directory, not in target/.
        Path socketDir = Files.createTempDirectory("rolld-notify");
        try (NotifySocket systemd = NotifySocket.bind(socketDir.resolve("notify"));
             Rolld rolld = Rolld.launch(List.of(Project.root().resolve("scripts/rolld").toString(), config.toString()),
                     Project.root(), "notify", Map.of("NOTIFY_SOCKET", systemd.path().toString()))) {
            Listener listener = new Listener(systemd, rolld);

            int ready = listener.await("READY=1"::equals);
            assertTrue(listener.statusAt(ready).contains("app: serving, generation 1, 2/2 workers up"), listener.toString());

            long beforeHup = SdNotify.monotonicMicros();
            rolld.signal("HUP");
            int reloading = listener.await("RELOADING=1"::equals);
            long afterHup = SdNotify.monotonicMicros();
            long stamp = Long.parseLong(listener.notice(reloading + 1).assignment().replace("MONOTONIC_USEC=", ""));
            assertTrue(beforeHup <= stamp && stamp <= afterHup, "MONOTONIC_USEC=" + stamp + " not within the HUP ["
                    + beforeHup + ", " + afterHup + "]: " + listener);
            int readyAgain = listener.await("READY=1"::equals);
            assertTrue(listener.statusAt(readyAgain).contains("app: serving, generation 2, 2/2 workers up"), listener.toString());
            assertTrue(listener.between(reloading, readyAgain).stream().anyMatch(a -> a.contains("to generation 2")),
                    "a STATUS during the rollout: " + listener);

            try (Rolld restart = Rolld.launch(List.of(Project.root().resolve("scripts/rolld").toString(),
                    "restart", "--wait", "--timeout", "80s", "-c", config.toString()), Project.root(), "notify-restart")) {
                assertEquals(0, restart.awaitExit(ROLLOUT), restart.tail());
            }
            listener.await("RELOADING=1"::equals);
            int readyThird = listener.await("READY=1"::equals);
            assertTrue(listener.statusAt(readyThird).contains("app: serving, generation 3"), listener.toString());

            Rolld.Shutdown stop = rolld.stop(Duration.ofSeconds(30));
            assertTrue(stop.clean(), stop.toString());
            listener.await("STOPPING=1"::equals);

            List<String> lifecycle = listener.all().stream().map(NotifySocket.Notice::assignment)
                    .filter(a -> a.equals("READY=1") || a.equals("RELOADING=1") || a.equals("STOPPING=1")).toList();
            assertEquals(List.of("READY=1", "RELOADING=1", "READY=1", "RELOADING=1", "READY=1", "STOPPING=1"), lifecycle,
                    listener.toString());
            assertTrue(listener.all().stream().allMatch(n -> n.pid() == rolld.pid()), "every notice from rolld's pid "
                    + rolld.pid() + ": " + listener);
        } finally {
            Files.deleteIfExists(socketDir.resolve("notify"));
            Files.deleteIfExists(socketDir);
        }
    }

    @Test
    void start_withASocketInLISTEN_FDS_holdsThatSocketAndStoresItInTheFdStore() throws Exception {
        int port = FreePorts.distinct(1).getFirst();
        Path config = HeldGroupYaml.write("fdstore", port, Duration.ofSeconds(5), "  workers: 1\n  ready: alive 1s\n");
        // Plays systemd handing its fd store back: a bound socket on fd 3, LISTEN_FDS/LISTEN_PID/LISTEN_FDNAMES, exec.
        Path systemdStandIn = config.resolveSibling("listen-fds.py");
        Files.writeString(systemdStandIn, """
                import os, socket, sys
                s = socket.socket()
                s.bind(("127.0.0.1", int(sys.argv[1])))
                s.listen(128)
                os.dup2(s.fileno(), 3)
                os.set_inheritable(3, True)
                print("passed socket inode=%d" % os.fstat(3).st_ino, flush=True)
                os.environ.update(LISTEN_FDS="1", LISTEN_PID=str(os.getpid()), LISTEN_FDNAMES="app/app")
                os.execv(sys.argv[2], sys.argv[2:])
                """);
        Path socketDir = Files.createTempDirectory("rolld-notify");
        try (NotifySocket systemd = NotifySocket.bind(socketDir.resolve("notify"));
             Rolld rolld = Rolld.launch(List.of("python3", systemdStandIn.toString(), Integer.toString(port),
                     Project.root().resolve("scripts/rolld").toString(), config.toString()),
                     Project.root(), "notify-fdstore", Map.of("NOTIFY_SOCKET", systemd.path().toString()))) {
            Listener listener = new Listener(systemd, rolld);
            String inode = rolld.awaitLine("passed socket inode=", ROLLOUT).replaceAll(".*inode=", "");
            int store = listener.await("FDSTORE=1"::equals);
            assertEquals("FDNAME=app/app", listener.notice(store + 1).assignment(), listener.toString());
            listener.await("READY=1"::equals);

            List<ProcessHandle> workers = rolld.descendants().stream()
                    .filter(p -> p.info().commandLine().orElse("").contains("app.py")).toList();
            assertEquals(1, workers.size(), workers.toString());
            assertEquals("socket:[" + inode + "]", Files.readSymbolicLink(Path.of("/proc", Long.toString(workers.getFirst().pid()), "fd", "3")).toString(),
                    "the worker holds the socket passed in LISTEN_FDS, not one rolld bound anew");
            // The descriptor rode along with FDSTORE=1: recvmsg installed it in this JVM, as in systemd.
            try (var fds = Files.list(Path.of("/proc/self/fd"))) {
                assertTrue(fds.anyMatch(fd -> link(fd).equals("socket:[" + inode + "]")), "FDSTORE=1 carried the held socket");
            }
        } finally {
            Files.deleteIfExists(socketDir.resolve("notify"));
            Files.deleteIfExists(socketDir);
        }
    }

    private static String link(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** Everything received so far, in order, and a cursor for the next expected notice. */
    private static final class Listener {
        private final NotifySocket socket;
        private final Rolld rolld;
        private final List<NotifySocket.Notice> notices = new ArrayList<>();
        private int next;

        Listener(NotifySocket socket, Rolld rolld) {
            this.socket = socket;
            this.rolld = rolld;
        }

        /** Index of the first notice from the cursor on that matches; moves the cursor past it. */
        int await(Predicate<String> matches) throws InterruptedException {
            long deadline = System.nanoTime() + ROLLOUT.toNanos();
            while (true) {
                notices.addAll(socket.poll());
                for (; next < notices.size(); next++) {
                    if (matches.test(notices.get(next).assignment())) {
                        return next++;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no such notice within " + ROLLOUT + ": " + this + "\n" + rolld.tail());
                }
                Thread.sleep(20); // polling interval of a non-blocking socket, not a stand-in for a check
            }
        }

        NotifySocket.Notice notice(int index) {
            return notices.get(index);
        }

        /** The STATUS= sent with (in the same datagram as, or right before) the notice at {@code index}. */
        String statusAt(int index) {
            for (int i = index + 1; i < notices.size() && !isLifecycle(notices.get(i).assignment()); i++) {
                if (notices.get(i).assignment().startsWith("STATUS=")) {
                    return notices.get(i).assignment();
                }
            }
            return "";
        }

        List<String> between(int from, int to) {
            return notices.subList(from, to).stream().map(NotifySocket.Notice::assignment).toList();
        }

        List<NotifySocket.Notice> all() throws InterruptedException {
            notices.addAll(socket.poll());
            return List.copyOf(notices);
        }

        private static boolean isLifecycle(String a) {
            return a.equals("READY=1") || a.equals("RELOADING=1") || a.equals("STOPPING=1");
        }

        @Override
        public String toString() {
            return notices.stream().map(NotifySocket.Notice::assignment).toList().toString();
        }
    }
}
