package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.GroupYaml;
import io.rolld.testing.ListeningSockets;
import io.rolld.testing.Polling;
import io.rolld.testing.Rolld;
import io.rolld.testing.Signals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** on_event: every event runs the operator's command with its details in ROLLD_* variables. */
class EventHooksIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** One line per event: EVENT|GROUP|GENERATION|PID|PORT|RSS|LIMIT|ACTION|REASON. */
    private static final String COMMAND = "printf '%s|%s|%s|%s|%s|%s|%s|%s|%s\\n' \"$ROLLD_EVENT\" \"$ROLLD_GROUP\" "
            + "\"$ROLLD_GENERATION\" \"$ROLLD_PID\" \"$ROLLD_PORT\" \"$ROLLD_RSS\" \"$ROLLD_LIMIT\" \"$ROLLD_ACTION\" "
            + "\"$ROLLD_REASON\" >> events.txt";

    @TempDir
    Path dir;

    @Test
    void everyEvent_runsTheCommandWithItsVariables() throws IOException {
        Path failFile = dir.resolve("fail");
        Path events = dir.resolve("events.txt");
        GroupYaml group = GroupYaml.workers(1).with(
                "env: {APP_FAIL_FILE: '" + failFile + "'}",
                "ready_timeout: 15s",
                // 1MB is below any Python process: over the limit right after start, a misconfiguration.
                "memory: {limit: 1MB, check_interval: 200ms}",
                "on_event:", "  command: '" + COMMAND.replace("'", "''") + "'", "  timeout: 5s");
        int port = group.firstPorts().getFirst();
        try (Rolld rolld = Rolld.start(group.write(dir))) {
            rolld.awaitLine("event=ready", WAIT);
            long first = ListeningSockets.pidListeningOn(port).orElseThrow();
            Polling.require(() -> byEvent(events).keySet().containsAll(List.of("rollout_started", "rollout_succeeded",
                    "memory_exceeded")), WAIT, "the first start's events in " + events);
            rolld.awaitLine("event=group_degraded group=app reasons=\"port " + port, WAIT);

            Signals.send(first, "KILL");
            Polling.require(() -> byEvent(events).containsKey("worker_crashed"), WAIT, "worker_crashed in " + events);

            Files.createFile(failFile);
            group.set("ready_timeout", "2s").write(dir); // answering 500 is a certain failure: no need to wait long
            rolld.signal("HUP");
            Polling.require(() -> byEvent(events).containsKey("rollout_failed"), WAIT, "rollout_failed in " + events);

            Map<String, String[]> seen = byEvent(events);
            // The last of each kind: rollout_started is the HUP's, generation 2.
            assertEquals(List.of("app", "2", "HUP"), List.of(seen.get("rollout_started")[1], seen.get("rollout_started")[2],
                    seen.get("rollout_started")[8]));
            assertEquals("1", seen.get("rollout_succeeded")[2]);
            // The first start's reading (a respawned worker, over its limit too, may add its own line later).
            String[] memory = firstOf(events, "memory_exceeded");
            assertEquals(List.of(Long.toString(first), Integer.toString(port), "1000000", "misconfigured"),
                    List.of(memory[3], memory[4], memory[6], memory[7]));
            assertTrue(Long.parseLong(memory[5]) > 1_000_000, "ROLLD_RSS is the reading: " + memory[5]);
            String[] crashed = seen.get("worker_crashed");
            assertEquals(List.of(Long.toString(first), Integer.toString(port), "killed by signal SIGKILL"),
                    List.of(crashed[3], crashed[4], crashed[8]));
            assertEquals("2", seen.get("rollout_failed")[2]);
            assertTrue(seen.get("rollout_failed")[8].startsWith("smoke test failed on port " + group.secondPorts().getFirst()),
                    seen.get("rollout_failed")[8]);
            assertFalse(rolld.lines().stream().anyMatch(l -> l.contains("trigger=\"memory")),
                    "a worker over its limit right after start never causes a rollout:\n" + rolld.tail());
        }
    }

    /** The first line of one event kind, split on '|'. */
    private static String[] firstOf(Path file, String event) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.map(l -> l.split("\\|", -1)).filter(f -> f.length == 9 && f[0].equals(event))
                    .findFirst().orElseThrow(() -> new AssertionError("no " + event + " line in " + file));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The last line of each event kind, split on '|'. */
    private static Map<String, String[]> byEvent(Path file) {
        if (!Files.exists(file)) {
            return Map.of();
        }
        try (Stream<String> lines = Files.lines(file)) {
            return lines.map(l -> l.split("\\|", -1)).filter(f -> f.length == 9)
                    .collect(Collectors.toMap(f -> f[0], f -> f, (a, b) -> b));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
