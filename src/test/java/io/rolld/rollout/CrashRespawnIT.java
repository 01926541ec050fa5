package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workers of the active set that die unasked are started again on their port, with backoff. */
class CrashRespawnIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Pattern RESPAWN_IN = Pattern.compile("crashes_in_a_row=(\\d+) action=\"respawning on the same port in (\\d+)ms\"");

    @TempDir
    Path dir;

    @Test
    void sigkill_ofAWorker_respawnsItOnTheSamePort() {
        GroupYaml group = GroupYaml.workers(2);
        int port = group.firstPorts().getFirst();
        try (Rolld rolld = Rolld.start(group.write(dir))) {
            rolld.awaitLine("event=ready", WAIT);
            long killed = ListeningSockets.pidListeningOn(port).orElseThrow();
            int before = rolld.lines().size();

            Signals.send(killed, "KILL");

            String crashed = rolld.awaitLineAfter(before, "event=worker_crashed", WAIT);
            String respawned = rolld.awaitLineAfter(before, "event=worker_respawned", WAIT);
            ListeningSockets.awaitAccepting(port, WAIT, "the respawned worker");
            long now = ListeningSockets.pidListeningOn(port).orElseThrow();
            assertTrue(crashed.contains("port=" + port + " pid=" + killed + " exit=\"killed by signal SIGKILL\""), crashed);
            assertTrue(respawned.contains("port=" + port + " pid=" + now), respawned);
            assertNotEquals(killed, now);
            assertTrue(rolld.descendantPids().contains(now), "the new worker is rolld's child");
        }
    }

    @Test
    void workerExitingAtOnce_backsOffWithGrowingIntervals_andTheGroupIsDegraded() throws IOException {
        Path crashFile = dir.resolve("crash");
        GroupYaml group = GroupYaml.workers(1).with(
                "env:", "  APP_CRASH_FILE: '" + crashFile + "'",
                "respawn:", "  backoff: 200ms", "  max_backoff: 1600ms", "  reset_after: 30s");
        int port = group.firstPorts().getFirst();
        try (Rolld rolld = Rolld.start(group.write(dir))) {
            rolld.awaitLine("event=ready", WAIT);
            Files.createFile(crashFile);
            int before = rolld.lines().size();

            Signals.send(ListeningSockets.pidListeningOn(port).orElseThrow(), "KILL");

            Polling.require(() -> crashes(rolld, before).size() >= 5, WAIT, "5 crashes in a row");
            List<long[]> crashes = crashes(rolld, before);
            List<Long> delays = crashes.stream().map(c -> c[1]).toList();
            assertEquals(List.of(200L, 400L, 800L, 1600L, 1600L), delays.subList(0, 5), rolld.tail());
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L), crashes.stream().map(c -> c[0]).toList().subList(0, 5));
            String degraded = rolld.awaitLineAfter(before, "event=group_degraded group=app", WAIT);
            assertTrue(degraded.contains("port " + port + " down after"), degraded);
            String crashLine = rolld.awaitLineAfter(before, "event=worker_crashed .*exit=\"exit status 3\"", WAIT);
            int at = rolld.lines().indexOf(crashLine);
            assertTrue(rolld.lines().get(at + 1).contains("crashing on purpose: APP_CRASH_FILE"),
                    "the stderr tail follows the crash line:\n" + rolld.tail());

            // The fix is deployed: the next rollout works although the old port is still crash-looping.
            Files.delete(crashFile);
            int beforeHup = rolld.lines().size();
            rolld.signal("HUP");
            rolld.awaitLineAfter(beforeHup, "event=rollout_succeeded group=app generation=2", WAIT);
            rolld.awaitLineAfter(beforeHup, "event=group_healthy group=app", WAIT);
            int afterRollout = rolld.lines().size();
            ListeningSockets.awaitAccepting(group.secondPorts().getFirst(), WAIT, "generation 2");
            assertFalse(ListeningSockets.accepts(port), "the retired port is not respawned");
            assertTrue(rolld.lines().subList(afterRollout, rolld.lines().size()).stream()
                    .noneMatch(l -> l.contains("event=worker_respawned") || l.contains("event=worker_crashed")), rolld.tail());
        }
    }

    /** {crashes_in_a_row, respawn delay ms} of every worker_crashed line after {@code from}. */
    private static List<long[]> crashes(Rolld rolld, int from) {
        List<long[]> found = new ArrayList<>();
        List<String> lines = rolld.lines();
        for (String line : lines.subList(from, lines.size())) {
            Matcher m = RESPAWN_IN.matcher(line);
            if (line.contains("event=worker_crashed") && m.find()) {
                found.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
            }
        }
        return found;
    }
}
