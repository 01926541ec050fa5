package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import io.rolld.testing.Deployment;
import io.rolld.testing.FreePorts;
import io.rolld.testing.HeldGroupYaml;
import io.rolld.testing.HttpLoad;
import io.rolld.testing.HttpLoadReport;
import io.rolld.testing.Polling;
import io.rolld.testing.ProcessAssertions;
import io.rolld.testing.Project;
import io.rolld.testing.Rolld;
import io.rolld.testing.Signals;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Supervision of a held-socket group: a crashed worker comes back in its slot on the held socket,
 * and a worker over its memory limit is replaced alone, its successor ready before it stops.
 */
class HeldSupervisionIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Pattern REPLACED = Pattern.compile("worker=(\\d+) old_pid=(\\d+) pid=(\\d+)");

    /** rolld.yml of one held-socket group of app.py workers on 127.0.0.1:{@code port}. */
    private static Path config(String name, int port, String extra) {
        return HeldGroupYaml.write(name, port, Duration.ofSeconds(10), extra);
    }

    private static List<Long> firstPids(Rolld rolld) {
        return Deployment.Outcome.parse(rolld.awaitLine("event=rollout_succeeded group=" + Deployment.GROUP + " ", WAIT)).pids();
    }

    @Test
    void sigkill_ofAHeldWorker_respawnsItInItsSlotOnTheHeldSocket() throws Exception {
        int port = FreePorts.one();
        Path yml = config("c", port, "  ready: alive 1s\n  workers: 2\n  respawn: {backoff: 200ms}\n");
        try (Rolld rolld = Rolld.start(yml)) {
            List<Long> first = firstPids(rolld);
            long killed = first.getFirst();
            Polling.require(() -> environ(killed).containsKey("LISTEN_FDS"), WAIT, "pid " + killed + " exec'd with rolld's variables");
            Map<String, String> killedEnv = environ(killed);
            int before = rolld.lines().size();

            Signals.send(killed, "KILL");

            String crashed = rolld.awaitLineAfter(before, "event=worker_crashed .*pid=" + killed, WAIT);
            String respawned = rolld.awaitLineAfter(before, "event=worker_respawned", WAIT);
            assertTrue(crashed.contains("exit=\"killed by signal SIGKILL\""), crashed);
            long now = Long.parseLong(respawned.replaceAll(".* pid=(\\d+).*", "$1"));
            assertNotEquals(killed, now);
            assertTrue(rolld.descendantPids().contains(now), "the new worker is rolld's child");
            Polling.require(() -> answeredBy(port, now), WAIT, "a response on the held port from the respawned pid " + now);
            // Read once it serves: while the new process is still exec'ing (a PATH shim execs the
            // real python), /proc/PID/environ can be empty.
            Map<String, String> env = environ(now);
            for (String name : List.of("ROLLD_WORKER", "ROLLD_GENERATION", "LISTEN_FDS", "SERVER_STARTER_PORT")) {
                assertEquals(killedEnv.get(name), env.get(name), name + " of the respawned worker");
            }
            assertEquals(Long.toString(now), env.get("LISTEN_PID"));
            List<Long> listed = statusPids(yml);
            assertEquals(List.of(now, first.get(1)), listed, "status --json");
        }
    }

    @Test
    void aHeldWorkerOverItsLimit_isReplacedAlone_underKeepAliveLoadWithoutAnError() throws Exception {
        int port = FreePorts.one();
        // app.py starts near 22MB RSS; 64KiB per request crosses 36-40MB after 220-300 requests.
        Path yml = config("m", port, "  ready: alive 1s\n  workers: 3\n  env: {APP_LEAK_KB: '64'}\n"
                + "  memory: {limit: 40MB, min_limit: 36MB, check_interval: 300ms, cooldown: 10m}\n");
        try (Rolld rolld = Rolld.start(yml)) {
            List<Long> first = firstPids(rolld);
            HttpLoadReport report;
            String replaced;
            try (HttpLoad load = HttpLoad.start(port, 4, Duration.ofSeconds(150), 200_000)) {
                replaced = rolld.awaitLine("event=worker_replaced ", WAIT);
                long before = load.report().requests();
                load.awaitCompleted(before + 200, WAIT); // the load goes on after the swap
                report = load.stop();
            }
            System.out.println("HeldSupervisionIT memory: " + report + "\n  " + replaced);
            String exceeded = rolld.awaitLine("event=memory_exceeded .*action=replace", WAIT);
            Matcher m = REPLACED.matcher(replaced);
            assertTrue(m.find(), replaced);
            long old = Long.parseLong(m.group(2));
            long successor = Long.parseLong(m.group(3));
            assertTrue(exceeded.contains("pid=" + old), exceeded);
            ProcessAssertions.assertGone(List.of(old), WAIT);
            List<Long> expected = new ArrayList<>(first);
            expected.replaceAll(p -> p == old ? successor : p);
            assertEquals(expected, statusPids(yml), "only the worker over its limit was replaced");
            assertEquals(first.indexOf(old) + 1, Integer.parseInt(m.group(1)), "the worker number of the replaced one");
            assertFalse(rolld.lines().stream().anyMatch(l -> l.contains("event=rollout_started group=app generation=2")), rolld.tail());
            assertEquals(0, report.failed(), report.toString());
            assertTrue(report.status2xx() > 300, report.toString());
        }
    }

    @Test
    void aReplacementThatIsNotReady_leavesTheOldWorkerRunning() throws Exception {
        int port = FreePorts.one();
        Path crashFile = Project.scratch("hsup").resolve("crash-" + System.nanoTime());
        // Under the notify rule a replacement that exits before READY=1 fails for certain, however
        // slow it is to start (with "alive 1s" a slow python could pass before reading the file).
        Path yml = config("nr", port, "  ready: notify\n  ready_timeout: 60s\n  workers: 2\n"
                + "  env: {APP_NOTIFY: '1', APP_LEAK_KB: '64', APP_CRASH_FILE: '" + crashFile + "'}\n"
                + "  memory: {limit: 40MB, min_limit: 36MB, check_interval: 300ms, cooldown: 10m}\n");
        try (Rolld rolld = Rolld.start(yml)) {
            List<Long> first = firstPids(rolld);
            Files.createFile(crashFile); // every worker started from now on exits at once
            try (HttpLoad load = HttpLoad.start(port, 2, Duration.ofSeconds(150), 100_000)) {
                String failed = rolld.awaitLine("event=replacement_failed ", WAIT);
                load.stop();
                assertTrue(failed.contains("reason=\"replacement pid ") && failed.contains("exit status 3"), failed);
                int at = rolld.lines().indexOf(failed);
                rolld.awaitLineAfter(at + 1, "^\\s+crashing on purpose: APP_CRASH_FILE", WAIT); // the stderr tail follows
            } finally {
                Files.deleteIfExists(crashFile);
            }
            assertEquals(first, statusPids(yml), "the old workers keep running");
            assertTrue(first.stream().allMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)));
        }
    }

    @Test
    void underTheNotifyRule_theReplacementIsReadyByItsOwnReady1() throws Exception {
        int port = FreePorts.one();
        Path yml = config("n", port, "  ready: notify\n  ready_timeout: 60s\n  workers: 2\n  env: {APP_LEAK_KB: '64', APP_NOTIFY: '1'}\n"
                + "  memory: {limit: 40MB, min_limit: 36MB, check_interval: 300ms, cooldown: 10m}\n");
        try (Rolld rolld = Rolld.start(yml)) {
            List<Long> first = firstPids(rolld);
            try (HttpLoad load = HttpLoad.start(port, 2, Duration.ofSeconds(150), 100_000)) {
                String replaced = rolld.awaitLine("event=worker_replaced ", WAIT);
                HttpLoadReport report = load.stop();
                Matcher m = REPLACED.matcher(replaced);
                assertTrue(m.find(), replaced);
                long successor = Long.parseLong(m.group(3));
                assertTrue(first.contains(Long.parseLong(m.group(2))), replaced);
                assertTrue(environ(successor).get("NOTIFY_SOCKET").endsWith("-1-w" + m.group(1) + ".notify"),
                        "the replacement reported to its own notify socket");
                assertEquals(0, report.failed(), report.toString());
            }
        }
    }

    private static boolean answeredBy(int port, long pid) {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("pid " + pid + " ");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Map<String, String> environ(long pid) {
        String raw;
        try {
            raw = Files.readString(Path.of("/proc/" + pid + "/environ"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Arrays.stream(raw.split("\0")).filter(kv -> kv.contains("="))
                .collect(java.util.stream.Collectors.toMap(kv -> kv.substring(0, kv.indexOf('=')),
                        kv -> kv.substring(kv.indexOf('=') + 1), (a, b) -> b));
    }

    /** The pids {@code rolld status --json} lists for the group, in slot order. */
    private static List<Long> statusPids(Path yml) throws IOException {
        List<String> command = List.of(Project.root().resolve("scripts/rolld").toString(), "status", "--json", "-c", yml.toString());
        String out;
        try (Rolld client = Rolld.launch(command, Project.root(), "held-supervision-status")) {
            int code = client.awaitExit(WAIT);
            out = String.join("\n", client.lines());
            assertTrue(code == 0 || code == 1, "status exit " + code + ": " + out);
        }
        List<?> groups = (List<?>) JSON.std.mapFrom(out.substring(out.indexOf('{'))).get("groups");
        List<?> workers = (List<?>) ((Map<?, ?>) groups.getFirst()).get("workers");
        return workers.stream().map(w -> ((Number) ((Map<?, ?>) w).get("pid")).longValue()).toList();
    }
}
