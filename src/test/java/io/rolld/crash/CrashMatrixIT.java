package io.rolld.crash;


import io.rolld.testing.FreePorts;
import io.rolld.testing.GroupYaml;
import io.rolld.testing.HttpLoad;
import io.rolld.testing.ListeningSockets;
import io.rolld.testing.Nginx;
import io.rolld.testing.Polling;
import io.rolld.testing.Project;
import io.rolld.testing.Rolld;
import io.rolld.testing.SubreapedRolld;
import io.rolld.testing.UpstreamTemplate;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The crash matrix in workset mode, under keep-alive load through one real nginx: rolld SIGKILLed
 * at each {@link Moment} of a rollout, then started again on the same rolld.yml (what systemd's
 * {@code Restart=always} does). Whatever the moment: no request fails over the whole run, the front
 * lists exactly the ports of the workers that run, no worker runs that rolld does not list,
 * {@code status} says serving, and the next HUP rolls normally.
 */
class CrashMatrixIT {
    private static final Duration LONG = Duration.ofSeconds(90);
    private static final int WORKERS = 2;
    private static Nginx nginx;

    /** When rolld dies: the state its generation-2 rollout is in, and what holds it there. */
    enum Moment {
        /** One new worker spawned, the other's spawn blocked (its log is a FIFO): no new pid recorded yet. */
        STARTING("STARTING"),
        /** While the new workers take 1 s to bind. */
        CHECKING("CHECKING"),
        /** nginx already reloaded onto the new set, a third, slow after_start hook still running. */
        SWITCHING("SWITCHING"),
        /** In a 10-minute canary pause at 50 %: the front lists both sets. */
        CANARY("BAKING"),
        /** In a 10-minute bake: the front lists the new set, the old one still runs. */
        BAKE("BAKING"),
        /** While an idle connection keeps an old port from draining. */
        DRAINING("DRAINING"),
        /** While the old workers, stopped, keep serving (app.py's APP_STOP_HOLD_FILE) before they drain. */
        STOPPING("STOPPING");

        final String state;

        Moment(String state) {
            this.state = state;
        }
    }

    @BeforeAll
    static void startNginx() throws Exception {
        Path dir = Files.createDirectories(Project.scratch("crash").resolve("nginx-" + System.nanoTime()));
        nginx = Nginx.inFrontOf(UpstreamTemplate.write(dir.resolve("upstream.conf"), 0, List.of(FreePorts.one()))).start();
    }

    @AfterAll
    static void stopNginx() {
        if (nginx != null) {
            nginx.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Moment.class)
    void sigkilledInARollout_theRestartedRolldLeavesTheServiceWholeAndRollsOn(Moment moment) throws Exception {
        Path dir = Files.createDirectories(Project.scratch("crash").resolve(moment.name().toLowerCase() + "-" + System.nanoTime()));
        Path slow = dir.resolve("slow");
        Path hookBegan = dir.resolve("hook-began");
        Path hold = dir.resolve("hold");
        GroupYaml group = GroupYaml.workers(WORKERS).withNginx(nginx).set("stop_timeout", "2s").set("drain_timeout", "1s");
        switch (moment) {
            case CHECKING -> group.env("APP_START_DELAY_S", "1");
            // Slow only while the test holds the file: the first start and every rollout after the crash pass at once.
            case SWITCHING -> group.hook("run_proc: 'if [ -e " + slow + " ]; then touch " + hookBegan + "; while [ -e " + slow
                    + " ]; do sleep 0.05; done; fi'");
            case CANARY -> group.with("canary:", "  - {weight: 50, pause: 10m}");
            case BAKE -> group.with("bake: {duration: 10m, interval: 500ms}");
            case DRAINING -> group.set("drain_timeout", "60s");
            // A stop_timeout long enough that the killed rolld never SIGKILLs the held workers first.
            case STOPPING -> group.env("APP_STOP_HOLD_FILE", hold.toString()).set("stop_timeout", "10s");
            case STARTING -> { }
        }
        Path yml = group.write(dir);
        nginx.reload(); // onto this case's first workset
        // Generation 1 runs on the first ports: only generation 2's first worker meets the FIFO.
        try (BlockedSpawn blocked = moment == Moment.STARTING
                        ? BlockedSpawn.at(dir.resolve("logs/app-" + group.secondPorts().get(0) + ".log")) : null;
                SubreapedRolld first = SubreapedRolld.start(yml, "rolld-crash-" + moment.name().toLowerCase());
                HttpLoad load = startLoad(first)) {
            Rolld killed = first.output();
            List<Long> old = first.processes("app.py").stream().map(ProcessHandle::pid).toList();
            int from = killed.lines().size();
            try (Socket idle = moment == Moment.DRAINING ? new Socket("127.0.0.1", group.firstPorts().get(0)) : null) {
                if (moment == Moment.SWITCHING) {
                    Files.writeString(slow, "");
                } else if (moment == Moment.STOPPING) {
                    Files.writeString(hold, "");
                }
                killed.signal("HUP");
                switch (moment) {
                    case STARTING -> Polling.require(() -> first.processes("app.py " + group.secondPorts().get(1)).size() == 1, LONG,
                            "the unblocked new worker to be spawned");
                    case SWITCHING -> Polling.require(() -> Files.exists(hookBegan), LONG, "the slow after_start hook to begin");
                    case CANARY -> killed.awaitLineAfter(from, "event=rollout_step group=app generation=2 step=\"canary 1/1\" ", LONG);
                    case BAKE -> killed.awaitLineAfter(from, "event=rollout_step group=app generation=2 step=bake ", LONG);
                    default -> killed.awaitLineAfter(from, "event=transition group=app generation=2 state=" + moment.state + " ", LONG);
                }
                first.killRolld();
                if (blocked != null) {
                    // The new workers serve on, their pids recorded nowhere.
                    boolean both = BlockedSpawn.outlivedRolld(ProcessHandle.of(killed.pid()).orElseThrow());
                    blocked.release();
                    for (int port : both ? group.secondPorts() : group.secondPorts().subList(1, 2)) {
                        ListeningSockets.awaitAccepting(port, LONG, "the orphaned new worker");
                    }
                }
            } finally {
                Files.deleteIfExists(slow); // the dead rolld's hook ends
                Files.deleteIfExists(hold); // the old workers it stopped drain and exit
            }
            RestartAfterCrash.check("CrashMatrixIT " + moment, first, from, moment.state, yml, load, old,
                    apps -> WholeService.awaitAnswering(yml, WORKERS, apps, nginx.upstreamFile()));
        }
    }

    /** Keep-alive load through nginx, once rolld's first start is done. */
    private static HttpLoad startLoad(SubreapedRolld rolld) {
        rolld.output().awaitLine("event=ready ", LONG);
        return HttpLoad.start(nginx.port(), 2, Duration.ofMinutes(4), 5_000_000).awaitCompleted(200, LONG);
    }
}
