package io.rolld.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.FreePorts;
import io.rolld.testing.Polling;
import io.rolld.testing.Rolld;
import io.rolld.testing.Signals;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How rolld starts and watches workers, seen from outside, in both modes: each worker in its own
 * process group, each way a worker can end logged as it was (an exit with status 130 is not a
 * SIGINT), and no daemon thread per worker.
 */
class WorkerProcessIT {
    /** Generous: two daemons and 200 processes starting on a busy 2-core machine (a JVM start alone took 68 s under a full suite). */
    private static final Duration WAIT = Duration.ofSeconds(240);
    private static final Pattern STARTED_PID = Pattern.compile("event=worker_started .* pid=(\\d+)");
    /** A worker that ends as told: TERM exits 0, USR1 exits 3, INT exits 130; other signals keep their default. */
    private static final String ENDER = """
            import os, signal
            for signo, status in ((signal.SIGTERM, 0), (signal.SIGUSR1, 3), (signal.SIGINT, 130)):
                signal.signal(signo, lambda _signo, _frame, status=status: os._exit(status))
            print("ready", flush=True)
            while True:
                signal.pause()
            """;

    /** The signal the test sends to one worker, and the exit rolld must log for it. */
    private record Ending(String signal, String logged) {
    }

    private static final List<Ending> TABLE = List.of(
            new Ending("TERM", "exit status 0"),
            new Ending("USR1", "exit status 3"),
            new Ending("INT", "exit status 130"),
            new Ending("KILL", "killed by signal SIGKILL"),
            new Ending("SEGV", "killed by signal SIGSEGV"));

    @TempDir
    Path dir;

    @Test
    void worksetMode_eachWorkerInItsOwnProcessGroup_andEveryEndingLoggedAsItWas() throws IOException {
        List<Integer> ports = FreePorts.distinct(2 * TABLE.size());
        Path config = write("  workset:\n"
                + "    - numprocs: " + ports.subList(0, TABLE.size()) + "\n"
                + "    - numprocs: " + ports.subList(TABLE.size(), ports.size()) + "\n");
        try (Rolld rolld = Rolld.start(config)) {
            rolld.awaitLine("event=ready", WAIT);
            List<Long> pids = startedPids(rolld);
            long rolldGroup = processGroup(rolld.pid());
            for (long pid : pids) {
                assertEquals(pid, processGroup(pid), "worker pid " + pid + " leads its own process group");
                assertNotEquals(rolldGroup, processGroup(pid), "not rolld's group, which a Ctrl-C reaches");
            }
            endEachAndCheckTheLog(rolld, pids);
        }
    }

    @Test
    void heldSocketMode_everyEndingLoggedAsItWas() throws IOException {
        Path config = write("  listen: 127.0.0.1:" + FreePorts.one() + "\n"
                + "  workers: " + TABLE.size() + "\n"
                + "  ready: alive 200ms\n");
        try (Rolld rolld = Rolld.start(config)) {
            rolld.awaitLine("event=ready", WAIT);
            endEachAndCheckTheLog(rolld, startedPids(rolld));
        }
    }

    /**
     * The daemon's thread count (/proc/PID/status) does not grow with its workers: equal for 4 and
     * 200. Threads the JVM starts or retires on its own (virtual-thread carriers) may differ for a
     * while, so the counts are read again until they agree; one thread per worker never would.
     */
    @Test
    void daemonThreads_sameFor4And200Workers() {
        try (Rolld four = Rolld.start(sleepers(4, "four")); Rolld many = Rolld.start(sleepers(200, "many"))) {
            four.awaitLine("event=ready", WAIT);
            many.awaitLine("event=ready", WAIT);
            assertEquals(200, startedPids(many).size());
            int[] last = new int[2];
            boolean equal = Polling.await(() -> {
                last[0] = threads(four.pid());
                last[1] = threads(many.pid());
                return last[0] == last[1];
            }, Duration.ofSeconds(60), Duration.ofMillis(500));
            assertTrue(equal, "threads with 4 workers: " + last[0] + ", with 200: " + last[1]);
        }
    }

    private void endEachAndCheckTheLog(Rolld rolld, List<Long> pids) {
        assertEquals(TABLE.size(), pids.size(), rolld.tail());
        // A worker has installed its handlers once it printed "ready".
        Polling.require(this::stdoutSaysReady, WAIT, "every worker printed ready");
        for (int i = 0; i < TABLE.size(); i++) {
            assertTrue(Signals.send(pids.get(i), TABLE.get(i).signal()), "SIG" + TABLE.get(i).signal() + " to pid " + pids.get(i));
        }
        for (int i = 0; i < TABLE.size(); i++) {
            String crashed = rolld.awaitLine("event=worker_crashed .* pid=" + pids.get(i) + " ", WAIT);
            assertTrue(crashed.contains("exit=\"" + TABLE.get(i).logged() + "\""), "SIG" + TABLE.get(i).signal() + ": " + crashed);
        }
    }

    /** Each worker appends "ready" to the group's one stdout file once its handlers are installed. */
    private boolean stdoutSaysReady() {
        try {
            Path out = dir.resolve("logs/out.log");
            return Files.exists(out) && Files.readAllLines(out).stream().filter("ready"::equals).count() >= TABLE.size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path write(String modeLines) throws IOException {
        Files.writeString(dir.resolve("ender.py"), ENDER);
        return Files.writeString(dir.resolve("rolld.yml"), "app:\n"
                + "  cmd: 'python3 ender.py'\n"
                + "  directory: '" + dir + "'\n"
                + "  stdout: 'logs/out.log'\n"
                + "  stderr: 'logs/err.log'\n"
                + "  stop_timeout: 5s\n"
                + "  respawn:\n"
                + "    backoff: 30s\n"
                + modeLines);
    }

    /** A workset-mode group of {@code n} sleeping workers (two worksets, as rolld requires). */
    private Path sleepers(int n, String name) {
        List<Integer> ports = FreePorts.distinct(2 * n);
        try {
            Path sub = Files.createDirectories(dir.resolve(name));
            return Files.writeString(sub.resolve("rolld.yml"), "app:\n"
                    + "  cmd: 'sleep 600'\n"
                    + "  directory: '" + sub + "'\n"
                    + "  workset:\n"
                    + "    - numprocs: " + ports.subList(0, n) + "\n"
                    + "    - numprocs: " + ports.subList(n, 2 * n) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Long> startedPids(Rolld rolld) {
        List<Long> pids = new ArrayList<>();
        for (String line : rolld.lines()) {
            Matcher m = STARTED_PID.matcher(line);
            if (m.find()) {
                pids.add(Long.parseLong(m.group(1)));
            }
        }
        return pids;
    }

    /** Field 5 of /proc/PID/stat. */
    private static long processGroup(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int threads(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("Threads:"))
                    .map(l -> Integer.parseInt(l.substring("Threads:".length()).strip())).findFirst().orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
