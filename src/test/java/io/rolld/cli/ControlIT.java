package io.rolld.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import io.rolld.testing.FreePorts;
import io.rolld.testing.ListeningSockets;
import io.rolld.testing.Polling;
import io.rolld.testing.Project;
import io.rolld.testing.Rolld;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control channel end to end: the real daemon, real workers, the real {@code rolld} client commands. */
class ControlIT {
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration CLIENT = Duration.ofSeconds(60);
    /** ready_timeout of a generation that must pass: leaves time to start on a busy machine. */
    private static final String GENEROUS = "20s";
    private static final String CERTAIN_FAILURE = "2s";
    private static final Pattern TRANSITION = Pattern.compile(
            "^app gen (\\d+) ([A-Z_]+) (\\d+(?:,\\d+)*) \\((\\d+) ms, rolld's own (\\d+) ms\\)$");

    @TempDir
    Path dir;

    private List<Integer> oldPorts;
    private List<Integer> newPorts;

    @Test
    void restartWait_whenTheRolloutSucceeds_streamsTransitionsAndStatusListsTheNewPids() throws IOException {
        Path config = config();
        try (Rolld rolld = Rolld.start(config)) {
            rolld.awaitLine("event=ready", START);
            Map<String, Object> before = groupOf(status(config));
            assertEquals(listeningPids(oldPorts), workerPids(before), before.toString());
            assertEquals("serving", before.get("state"));

            CliRun restart = CliRun.run(dir, CLIENT, "restart", "--wait", "-c", config.toString());

            assertEquals(0, restart.exitCode(), restart.toString());
            List<String> states = restart.lines().stream().map(TRANSITION::matcher).filter(Matcher::matches)
                    .filter(m -> m.group(1).equals("2")).map(m -> m.group(2)).toList();
            assertEquals(List.of("STARTING", "CHECKING", "SWITCHING", "DRAINING", "STOPPING", "IDLE"), states, restart.toString());
            assertTrue(restart.lines().stream().map(TRANSITION::matcher).filter(Matcher::matches)
                    .allMatch(m -> Long.parseLong(m.group(5)) <= Long.parseLong(m.group(4))), "rolld's own time within the elapsed: " + restart);
            assertTrue(restart.stdout().contains("app succeeded: generation 2 on " + join(newPorts)), restart.toString());
            Map<String, Object> after = groupOf(status(config));
            assertEquals(2, ((Number) after.get("generation")).intValue(), after.toString());
            assertEquals(listeningPids(newPorts), workerPids(after), after.toString());
            assertTrue(workerPids(before).stream().noneMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)),
                    "old workers must be gone: " + workerPids(before));
            Map<?, ?> last = (Map<?, ?>) after.get("last_result");
            assertEquals("succeeded", last.get("outcome"), after.toString());
        }
    }

    @Test
    void restartWait_whenTheSmokeTestFails_exits1AndTheOldPidsStillServe() throws IOException {
        Path config = config();
        try (Rolld rolld = Rolld.start(config)) {
            rolld.awaitLine("event=ready", START);
            List<Long> before = workerPids(groupOf(status(config)));
            Files.writeString(dir.resolve("fail"), "");
            readyTimeout(config, CERTAIN_FAILURE);

            CliRun restart = CliRun.run(dir, CLIENT, "restart", "app", "--wait", "-c", config.toString());

            assertEquals(1, restart.exitCode(), restart.toString());
            assertTrue(restart.stdout().contains("app ROLLED BACK in CHECKING: generation 2"), restart.toString());
            assertTrue(restart.stdout().contains("Reason: smoke test failed on port " + newPorts.getFirst())
                    || restart.stdout().contains("Reason: smoke test failed on port " + newPorts.get(1)), restart.toString());
            assertTrue(restart.lines().stream().anyMatch(l -> l.matches("app gen 2 ROLLING_BACK .*")), restart.toString());
            Map<String, Object> after = groupOf(status(config));
            assertEquals(before, workerPids(after), after.toString());
            assertEquals(listeningPids(oldPorts), before);
            assertEquals("rolled_back", ((Map<?, ?>) after.get("last_result")).get("outcome"), after.toString());
            assertEquals(1, ((Number) after.get("generation")).intValue());
        }
    }

    @Test
    void restartWait_whenTheTimeoutIsShorterThanTheStart_exits4AndTheRolloutGoesOn() throws IOException {
        Path config = config();
        try (Rolld rolld = Rolld.start(config)) {
            rolld.awaitLine("event=ready", START);
            Files.writeString(dir.resolve("slow"), "");

            CliRun restart = CliRun.run(dir, CLIENT, "restart", "--wait", "--timeout", "1s", "-c", config.toString());

            assertEquals(4, restart.exitCode(), restart.toString());
            assertTrue(restart.stdout().contains("app: TIMEOUT after 1s"), restart.toString());
            Map<?, ?> during = groupOf(status(config));
            assertTrue(during.get("rollout") instanceof Map<?, ?> r && r.get("generation").equals(2), during.toString());
            Files.delete(dir.resolve("slow"));
            Polling.require(() -> generation(config) == 2, START, "the rollout to finish in rolld after the client gave up");
            assertEquals(listeningPids(newPorts), workerPids(groupOf(status(config))));
        }
    }

    /** Three clients ask during a running rollout: all are answered by the next one, none by the running one. */
    @Test
    void restartWait_threeClientsDuringARollout_allGetTheOutcomeOfTheNextRollout() throws IOException {
        Path config = config();
        try (Rolld rolld = Rolld.start(config)) {
            rolld.awaitLine("event=ready", START);
            Files.writeString(dir.resolve("slow"), "");
            CliRun first = CliRun.run(dir, CLIENT, "restart", "-c", config.toString());
            assertEquals(0, first.exitCode(), first.toString());
            Polling.require(() -> status(config).contains("\"rollout\""), START, "rollout 2 to be running");

            List<CliRun.Running> clients = List.of(
                    CliRun.start(dir, "restart", "--wait", "-c", config.toString()),
                    CliRun.start(dir, "restart", "app", "--wait", "-c", config.toString()),
                    CliRun.start(dir, "restart", "--wait", "--socket", dir.resolve(".rolld/rolld.sock").toString()));
            // Hold rollout 2 until every client has been accepted, so all three asked during it.
            Polling.require(() -> clients.stream().allMatch(c -> output(c).contains("restart requested")), START,
                    "all three clients to be accepted");
            Files.delete(dir.resolve("slow"));
            List<CliRun> results = clients.stream().map(c -> c.await(CLIENT)).toList();

            for (CliRun r : results) {
                assertEquals(0, r.exitCode(), r.toString());
                assertTrue(r.stdout().contains("app succeeded: generation 3 on " + join(oldPorts)), r.toString());
                assertTrue(r.lines().stream().filter(l -> TRANSITION.matcher(l).matches()).allMatch(l -> l.startsWith("app gen 3 ")),
                        "only rollout 3's transitions: " + r);
            }
            assertEquals(3, generation(config));
        }
    }

    @Test
    void deployScript_failsTheJobOnARollbackAndPassesOnSuccess() throws IOException {
        Path config = config();
        List<String> deploy = List.of("env", "ROLLD_CONFIG=" + config, "DEPLOY_TIMEOUT=1m",
                Project.example().resolve("deploy.sh").toString());
        try (Rolld rolld = Rolld.start(config)) {
            rolld.awaitLine("event=ready", START);
            Files.writeString(dir.resolve("fail"), "");
            readyTimeout(config, CERTAIN_FAILURE);
            CliRun failed = CliRun.startCommand(dir, deploy).await(CLIENT);
            Files.delete(dir.resolve("fail"));
            readyTimeout(config, GENEROUS);
            CliRun passed = CliRun.startCommand(dir, deploy).await(CLIENT);

            assertEquals(1, failed.exitCode(), failed.toString());
            assertTrue(failed.stdout().contains("--- deploy FAILED (rolld restart exit 1)"), failed.toString());
            assertEquals(0, passed.exitCode(), passed.toString());
            assertTrue(passed.stdout().contains("app succeeded: generation 2 on " + join(newPorts)), passed.toString());
        }
    }

    @Test
    void daemon_socketIs0600_aSecondDaemonRefusesAndAStaleSocketIsReplaced() throws IOException {
        Path config = config();
        Path socket = dir.resolve(".rolld/rolld.sock");
        Files.createDirectories(socket.getParent());
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket)); // closed without unlinking: what a killed daemon leaves
        }
        try (Rolld rolld = Rolld.start(config)) {
            rolld.awaitLine("event=ready", START);
            assertTrue(rolld.lines().stream().anyMatch(l -> l.contains("event=stale_socket")), rolld.tail());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            assertEquals(rolld.pid() + "\n", Files.readString(dir.resolve(".rolld/rolld.pid")));

            try (Rolld second = Rolld.start(config)) {
                assertEquals(6, second.awaitExit(START), second.tail());
                assertTrue(second.tail().contains("event=already_running"), second.tail());
            }
            CliRun unknown = CliRun.run(dir, CLIENT, "restart", "nope", "-c", config.toString());
            assertEquals(5, unknown.exitCode(), unknown.toString());
            assertTrue(unknown.stderr().contains("no such group: nope"), unknown.toString());

            CliRun stop = CliRun.run(dir, CLIENT, "stop", "--wait", "-c", config.toString());
            assertEquals(0, stop.exitCode(), stop.toString());
            assertEquals(0, rolld.awaitExit(START));
            assertFalse(Files.exists(dir.resolve(".rolld/rolld.pid")), "pid file removed on a clean exit");
            assertFalse(Files.exists(socket), "socket removed on a clean exit");
        }
        CliRun notRunning = CliRun.run(dir, CLIENT, "status", "-c", config.toString());
        assertEquals(3, notRunning.exitCode(), notRunning.toString());
        assertTrue(notRunning.stderr().contains("rolld is not running"), notRunning.toString());
    }

    @Test
    void request_whenTheLineIsTenMegabytes_isRefusedAsTooLargeAndRolldKeepsServing() throws Exception {
        Path config = config();
        try (Rolld rolld = Rolld.start(config)) {
            rolld.awaitLine("event=ready", START);
            try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(dir.resolve(".rolld/rolld.sock")))) {
                // Written on its own thread: rolld stops reading at 64 KiB, so this write ends in a broken pipe.
                Thread writer = Thread.ofVirtual().start(() -> {
                    try {
                        channel.write(ByteBuffer.wrap(("{\"op\":\"status\",\"pad\":\"" + "x".repeat(10 << 20) + "\"}\n")
                                .getBytes(StandardCharsets.UTF_8)));
                    } catch (IOException expected) {
                        // rolld closed the connection without reading the rest
                    }
                });
                // Only the answer line: once rolld closes a connection it left unread, the kernel reports a reset.
                String answer = String.valueOf(new BufferedReader(Channels.newReader(channel, StandardCharsets.UTF_8)).readLine());
                writer.join(CLIENT);

                Map<String, Object> error = JSON.std.mapFrom(answer);
                assertEquals("error", error.get("type"), answer);
                assertEquals("request_too_large", error.get("code"), answer);
                assertTrue(String.valueOf(error.get("message")).contains("request longer than 65536 bytes"), answer);
            }
            assertEquals(1, ((Number) groupOf(status(config)).get("generation")).intValue(), "rolld still answers");
            assertTrue(rolld.isAlive(), rolld.tail());
        }
    }

    private Path config() throws IOException {
        List<Integer> ports = FreePorts.distinct(4);
        oldPorts = ports.subList(0, 2);
        newPorts = ports.subList(2, 4);
        // While the file "slow" exists, new workers wait before they start serving.
        String cmd = "sh -c \"while [ -e " + dir.resolve("slow") + " ]; do sleep 0.1; done; exec python3 "
                + Project.example().resolve("app.py") + " {numproc}\"";
        Path config = dir.resolve("rolld.yml");
        Files.writeString(config, """
                app:
                  cmd: '%s'
                  directory: '%s'
                  stderr: 'app-{numproc}.err'
                  env:
                    APP_FAIL_FILE: '%s'
                  workset:
                    - numprocs: [%s]
                    - numprocs: [%s]
                  smoke_test:
                    - check_all_http_ports: numprocs
                  ready_timeout: %s
                  drain_timeout: 5s
                  stop_timeout: 5s
                """.formatted(cmd, dir, dir.resolve("fail"), join(oldPorts), join(newPorts), GENEROUS));
        return config;
    }

    /**
     * Rewrites the group's ready_timeout (restart re-reads rolld.yml). A generation that answers
     * 500 fails whether or not it has started in time, so its wait can be short.
     */
    private static void readyTimeout(Path config, String timeout) throws IOException {
        Files.writeString(config, Files.readString(config).replaceFirst("ready_timeout: \\S+", "ready_timeout: " + timeout));
    }

    private String status(Path config) {
        CliRun status = CliRun.run(dir, CLIENT, "status", "--json", "-c", config.toString());
        assertTrue(status.exitCode() == 0 || status.exitCode() == 1, status.toString());
        return status.stdout();
    }

    private int generation(Path config) {
        try {
            return ((Number) groupOf(status(config)).get("generation")).intValue();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> groupOf(String statusJson) throws IOException {
        List<Object> groups = (List<Object>) JSON.std.mapFrom(statusJson).get("groups");
        assertEquals(1, groups.size(), statusJson);
        return (Map<String, Object>) groups.getFirst();
    }

    private static List<Long> workerPids(Map<?, ?> group) {
        return ((List<?>) group.get("workers")).stream().map(w -> ((Number) ((Map<?, ?>) w).get("pid")).longValue()).toList();
    }

    private static List<Long> listeningPids(List<Integer> ports) {
        return ports.stream().map(p -> ListeningSockets.pidListeningOn(p).orElseThrow(() -> new AssertionError("nothing listens on " + p))).toList();
    }

    private static String output(CliRun.Running running) {
        try {
            return Files.readString(running.out());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String join(List<Integer> ports) {
        return String.join(",", ports.stream().map(String::valueOf).toList());
    }
}
