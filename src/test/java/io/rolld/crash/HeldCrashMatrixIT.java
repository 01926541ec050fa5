package io.rolld.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rolld.testing.FreePorts;
import io.rolld.testing.HeldGroupYaml;
import io.rolld.testing.HttpLoad;
import io.rolld.testing.Polling;
import io.rolld.testing.Rolld;
import io.rolld.testing.RolldStatus;
import io.rolld.testing.SubreapedRolld;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The crash matrix in held-socket mode, under keep-alive load straight at the held port: rolld
 * SIGKILLed at each {@link Moment} of a rollout, then started again on the
 * same rolld.yml. No request fails, the workers that run are exactly those status lists, all on
 * the one held socket, status says serving, and the next HUP rolls normally.
 */
class HeldCrashMatrixIT {
    private static final Duration LONG = Duration.ofSeconds(90);
    private static final int WORKERS = 2;

    /** When rolld dies: the state of its generation-2 rollout, and what holds it there. */
    enum Moment {
        /** One new worker spawned, the other's spawn blocked (its log is a FIFO): no new pid recorded yet. */
        STARTING("STARTING", ""),
        /** While the new workers must stay alive 3 s to be ready. */
        CHECKING("CHECKING", ""),
        /** In the first of two batches, its old worker stopped but still serving (app.py's APP_STOP_HOLD_FILE). */
        BATCH_STOPPING("STOPPING", "  batch: 1\n");

        final String state;
        final String yaml;

        Moment(String state, String yaml) {
            this.state = state;
            this.yaml = yaml;
        }
    }

    @ParameterizedTest
    @EnumSource(Moment.class)
    void sigkilledInARollout_theRestartedRolldKeepsTheHeldSocketServedAndRollsOn(Moment moment) throws Exception {
        int port = FreePorts.one();
        String ready = moment == Moment.CHECKING ? "3s" : "1s";
        // A stop_timeout long enough that the killed rolld never SIGKILLs a held worker (it serves) first.
        Path yml = HeldGroupYaml.write("crash-" + moment.name().toLowerCase(), port, Duration.ofSeconds(10),
                "  workers: " + WORKERS + "\n  ready: alive " + ready + "\n" + moment.yaml);
        Path dir = yml.getParent();
        Path hold = dir.resolve("hold");
        Files.writeString(yml, "  env:\n    APP_STOP_HOLD_FILE: '" + hold + "'\n", java.nio.file.StandardOpenOption.APPEND);
        // Worker 1 of generation 1 writes to logs/app-1.log before it becomes the FIFO of generation 2's.
        try (SubreapedRolld first = SubreapedRolld.start(yml, "rolld-held-crash-" + moment.name().toLowerCase());
                HttpLoad load = startLoad(first, port);
                BlockedSpawn blocked = moment == Moment.STARTING ? BlockedSpawn.at(dir.resolve("logs/app-1.log")) : null) {
            Rolld killed = first.output();
            List<Long> old = first.processes("app.py").stream().map(ProcessHandle::pid).toList();
            String socket = socketOf(old.get(0));
            int from = killed.lines().size();
            try {
                if (moment == Moment.BATCH_STOPPING) {
                    Files.writeString(hold, "");
                }
                killed.signal("HUP");
                if (blocked != null) {
                    Polling.require(() -> newWorkers(first, old) == 1, LONG, "the unblocked new worker to be spawned");
                } else {
                    killed.awaitLineAfter(from, "event=transition group=app generation=2 state=" + moment.state + " ", LONG);
                }
                first.killRolld();
                if (blocked != null) {
                    // The new workers serve on the held socket, their pids recorded nowhere.
                    int spawned = BlockedSpawn.outlivedRolld(ProcessHandle.of(killed.pid()).orElseThrow()) ? 2 : 1;
                    blocked.release();
                    Polling.require(() -> newWorkers(first, old) == spawned, LONG, spawned + " orphaned new workers");
                }
            } finally {
                Files.deleteIfExists(hold); // the old worker it stopped drains and exits
            }
            RestartAfterCrash.check("HeldCrashMatrixIT " + moment, first, from, moment.state, yml, load, old, apps -> {
                RolldStatus whole = WholeService.await(yml, WORKERS, apps, Optional.empty());
                assertOnTheHeldSocket(whole, socket);
                return whole;
            });
        }
    }

    /** How many app.py processes below the subreaper are not among {@code old}. */
    private static long newWorkers(SubreapedRolld rolld, List<Long> old) {
        return rolld.processes("app.py").stream().filter(p -> !old.contains(p.pid())).count();
    }

    /** Keep-alive load straight at the held port, once rolld's first start is done. */
    private static HttpLoad startLoad(SubreapedRolld rolld, int port) {
        rolld.output().awaitLine("event=ready ", LONG);
        return HttpLoad.start(port, 2, Duration.ofMinutes(4), 5_000_000).awaitCompleted(200, LONG);
    }

    private static void assertOnTheHeldSocket(RolldStatus status, String socket) {
        for (long pid : status.pids(WholeService.GROUP)) {
            assertEquals(socket, socketOf(pid), "worker " + pid + " holds the group's socket: " + status.output());
        }
    }

    /** What fd 3 (the first inherited socket) of {@code pid} is: "socket:[INODE]". */
    private static String socketOf(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "fd", "3")).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
