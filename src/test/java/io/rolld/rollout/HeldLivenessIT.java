package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.Deployment;
import io.rolld.testing.FreePorts;
import io.rolld.testing.HeldGroupYaml;
import io.rolld.testing.HttpLoad;
import io.rolld.testing.HttpLoadReport;
import io.rolld.testing.Polling;
import io.rolld.testing.ProcessAssertions;
import io.rolld.testing.Project;
import io.rolld.testing.Rolld;
import io.rolld.testing.RolldStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Held-socket mode: a worker that stops answering (its request loop hung, the held socket still
 * open) is replaced alone, under load straight at the held socket, its successor ready first; a
 * version whose every worker hangs hits the cooldown and the group reads degraded; a notify worker
 * that stops its watchdog pings is replaced the same way.
 */
class HeldLivenessIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(3);
    private static final Pattern REPLACED = Pattern.compile("worker=(\\d+) old_pid=(\\d+) pid=(\\d+) reason=liveness");

    @Test
    void aHungWorker_isReplacedAlone_thenAVersionThatAlwaysHangsHitsTheCooldownAndIsDegraded() throws Exception {
        int port = FreePorts.one();
        Path hang = Project.scratch("hlive").resolve("hang-" + System.nanoTime());
        // Ready by READY=1, which the app sends once it listens on the held socket and on its own port: the
        // checks, from then on, never find a worker still starting (a busy machine starts python slowly).
        Path yml = HeldGroupYaml.write("l", port, Duration.ofSeconds(2), "  ready: notify\n  ready_timeout: 60s\n  workers: 2\n"
                + "  env: {APP_NOTIFY: '1', APP_HANG_FILE: '" + hang + "', APP_HEALTH_LISTENER: '1'}\n"
                + "  liveness: {http: {path: /, timeout: 300ms}, interval: 500ms, failures: 3, grace: 1s, cooldown: 10m}\n");
        try (Rolld rolld = Rolld.start(yml)) {
            List<Long> first = Deployment.Outcome.parse(rolld.awaitLine("event=rollout_succeeded group=app ", WAIT)).pids();
            long hung = first.getFirst();
            HttpLoadReport before;
            String replaced;
            Instant hangAt;
            // A new connection per request: the hung worker, still accepting, takes its share of them.
            try (HttpLoad load = HttpLoad.startNewConnections(port, 4, Duration.ofSeconds(120), 1_000_000, READ_TIMEOUT)) {
                load.awaitCompleted(200, WAIT);
                hangAt = Instant.now();
                Files.writeString(hang, hung + "\n");
                String unresponsive = rolld.awaitLine("event=worker_unresponsive group=app .*pid=" + hung + " ", WAIT);
                replaced = rolld.awaitLine("event=worker_replaced group=app ", WAIT);
                before = load.stop();
                System.out.println("HeldLivenessIT hung worker: " + before + "\n  " + unresponsive + "\n  " + replaced
                        + "\n  from the hang to the replacement: " + Duration.between(hangAt, timestamp(replaced)).toMillis() + "ms");
                assertTrue(unresponsive.contains("failures=3 last=\"timed out after 300ms\" action=replace"), unresponsive);
            }
            Matcher m = REPLACED.matcher(replaced);
            assertTrue(m.find(), replaced);
            assertEquals(List.of("1", Long.toString(hung)), List.of(m.group(1), m.group(2)));
            long successor = Long.parseLong(m.group(3));
            ProcessAssertions.assertGone(List.of(hung), WAIT);
            assertEquals(List.of(successor, first.get(1)), RolldStatus.of(yml).pids(Deployment.GROUP), "only the hung worker was replaced");
            System.out.println("HeldLivenessIT requests that hung before the replacement (timed out, or cut by its stop): " + before.failed());
            assertTrue(before.failed() > 0, "the hung worker took requests it never answered: " + before);

            HttpLoadReport after;
            try (HttpLoad load = HttpLoad.startNewConnections(port, 4, Duration.ofSeconds(60), 1_000, READ_TIMEOUT)) {
                after = load.awaitDone(WAIT);
            }
            System.out.println("HeldLivenessIT after the replacement: " + after);
            assertEquals(0, after.failed(), after.toString());
            assertTrue(after.pids().contains(successor), "the successor serves: " + after);

            int from = rolld.lines().size();
            Files.writeString(hang, ""); // every worker hangs, the successor first replaced for liveness too
            try (HttpLoad load = HttpLoad.start(port, "/", 2, Duration.ofSeconds(60), 1_000_000, READ_TIMEOUT)) {
                String skipped = rolld.awaitLineAfter(from, "event=worker_unresponsive group=app .*pid=" + successor
                        + " failures=3 last=\"timed out after 300ms\" action=skipped_cooldown", WAIT);
                Polling.require(() -> RolldStatus.of(yml).state(Deployment.GROUP).equals("degraded"), WAIT, "status reads degraded");
                RolldStatus status = RolldStatus.of(yml);
                assertTrue(status.workers(Deployment.GROUP).stream().anyMatch(w -> w.get("pid") instanceof Number pid
                        && pid.longValue() == successor && w.get("liveness_failures") instanceof Number n && n.intValue() >= 3
                        && "timed out after 300ms".equals(w.get("liveness_last"))), status.json().toString());
                assertTrue(String.valueOf(status.group(Deployment.GROUP).get("degraded_reasons")).contains("pid " + successor
                        + " unresponsive (timed out after 300ms), not replaced"), status.json().toString());
                load.stop();
                System.out.println("HeldLivenessIT every worker hangs: " + skipped);
            } finally {
                Files.delete(hang);
            }
            assertEquals(1, rolld.lines().stream().filter(l -> l.contains("event=worker_replaced ")).count(), rolld.tail());
            assertTrue(rolld.lines().subList(0, from).stream().noneMatch(l -> l.contains("event=worker_unresponsive ") && l.contains("pid=" + successor)),
                    "the successor answered its checks until it was told to hang:\n" + rolld.tail());
            Polling.require(() -> RolldStatus.of(yml).state(Deployment.GROUP).equals("serving"), WAIT,
                    "serving again once the workers answer");
        }
    }

    @Test
    void aNotifyWorkerThatStopsItsWatchdogPings_isReplaced_andTheOthersKeepServing() throws Exception {
        int port = FreePorts.one();
        Path hang = Project.scratch("hlive").resolve("hang-" + System.nanoTime());
        Path yml = HeldGroupYaml.write("w", port, Duration.ofSeconds(2), "  ready: notify\n  ready_timeout: 60s\n  workers: 2\n"
                + "  env: {APP_NOTIFY: '1', APP_HANG_FILE: '" + hang + "'}\n  watchdog: 3s\n");
        try (Rolld rolld = Rolld.start(yml)) {
            List<Long> first = Deployment.Outcome.parse(rolld.awaitLine("event=rollout_succeeded group=app ", WAIT)).pids();
            long hung = first.get(1);
            Files.writeString(hang, hung + "\n"); // its request loop and its watchdog pings stop
            try {
                String unresponsive = rolld.awaitLine("event=worker_unresponsive group=app .*pid=" + hung + " ", WAIT);
                String replaced = rolld.awaitLine("event=worker_replaced group=app ", WAIT);
                System.out.println("HeldLivenessIT watchdog:\n  " + unresponsive + "\n  " + replaced);
                assertTrue(unresponsive.contains("last=\"no WATCHDOG=1 for ") && unresponsive.contains("action=replace"), unresponsive);
                Matcher m = REPLACED.matcher(replaced);
                assertTrue(m.find(), replaced);
                assertEquals(List.of("2", Long.toString(hung)), List.of(m.group(1), m.group(2)));
                long successor = Long.parseLong(m.group(3));
                assertEquals(List.of(first.getFirst(), successor), RolldStatus.of(yml).pids(Deployment.GROUP));
                HttpLoadReport after;
                try (HttpLoad load = HttpLoad.startNewConnections(port, 2, Duration.ofSeconds(60), 300, READ_TIMEOUT)) {
                    after = load.awaitDone(WAIT);
                }
                assertEquals(0, after.failed(), after.toString());
                assertTrue(rolld.lines().stream().noneMatch(l -> l.contains("event=worker_unresponsive") && l.contains("pid=" + first.getFirst())),
                        "the worker that pings was never unresponsive:\n" + rolld.tail());
            } finally {
                Files.deleteIfExists(hang);
            }
        }
    }

    private static Instant timestamp(String line) {
        return Instant.parse(line.substring(0, line.indexOf(' ')));
    }
}
