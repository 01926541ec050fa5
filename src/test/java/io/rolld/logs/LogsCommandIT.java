package io.rolld.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.control.Json;
import io.rolld.testing.FreePorts;
import io.rolld.testing.HeldGroupYaml;
import io.rolld.testing.Polling;
import io.rolld.testing.Project;
import io.rolld.testing.Rolld;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code rolld logs} against a real rolld and real workers: example/app.py in group {@code app}
 * (one line when it starts, one when it stops) and a ticker in group {@code ticker} that writes a
 * timestamped line every 200 ms and sends its stderr to rolld's own output.
 */
class LogsCommandIT {
    private static final Duration ROLLOUT = Duration.ofSeconds(90);
    private static final Duration CLIENT = Duration.ofSeconds(60);
    private static final String TICKER = """
            import datetime, signal, socket, sys, time
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", int(sys.argv[1])))
            s.listen(16)
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
            n = 0
            while True:
                n += 1
                now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
                print("%s tick %d" % (now, n), flush=True)
                time.sleep(0.2)
            """;

    private record Setup(Path dir, Path config, List<Integer> ports) {
    }

    private static Setup write(String name) throws IOException {
        Path dir = Project.scratch("logs").resolve(name + "-" + System.nanoTime());
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("ticker.py"), TICKER);
        List<Integer> ports = FreePorts.distinct(6);
        String python = Project.program("python3", "/usr/bin/python3");
        Files.writeString(dir.resolve("rolld.yml"), """
                app:
                  cmd: '%s %s {numproc}'
                  stdout: 'logs/app-{numproc}.log'
                  stderr: 'logs/app-{numproc}.err'
                  stop_timeout: 5s
                  drain_timeout: 5s
                  workset:
                    - numprocs: [%d, %d]
                    - numprocs: [%d, %d]
                  smoke_test:
                    - check_all_http_ports: numprocs
                ticker:
                  cmd: '%s ticker.py {numproc}'
                  stdout: 'logs/ticker-{numproc}.log'
                  stop_timeout: 5s
                  workset:
                    - numprocs: [%d]
                    - numprocs: [%d]
                  smoke_test:
                    - tcp: numprocs
                """.formatted(python, Project.example().resolve("app.py"), ports.get(0), ports.get(1), ports.get(2), ports.get(3),
                python, ports.get(4), ports.get(5)));
        return new Setup(dir, dir.resolve("rolld.yml"), ports);
    }

    private static Rolld client(Setup s, String name, String... args) {
        List<String> command = new ArrayList<>(List.of(Project.root().resolve("scripts").resolve("rolld").toString(), "logs"));
        command.addAll(List.of(args));
        command.addAll(List.of("-c", s.config().toString()));
        return Rolld.launch(command, s.dir(), name);
    }

    /** A client run to its end: its output lines (stdout and stderr merged, as the fixture reads them). */
    private static List<String> run(Setup s, String... args) {
        try (Rolld c = client(s, "logs", args)) {
            assertEquals(0, c.awaitExit(CLIENT), String.join("\n", c.lines()));
            return c.lines();
        }
    }

    private static long pid(Rolld rolld, String group, long generation, int port) {
        Matcher m = Pattern.compile("event=worker_started group=" + group + " generation=" + generation + " port=" + port + " pid=(\\d+)")
                .matcher(rolld.awaitLine("event=worker_started group=" + group + " generation=" + generation + " port=" + port + " ", ROLLOUT));
        assertTrue(m.find());
        return Long.parseLong(m.group(1));
    }

    private static int index(List<String> lines, String what, Predicate<String> matches) {
        for (int i = 0; i < lines.size(); i++) {
            if (matches.test(lines.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no line " + what + " in:\n" + String.join("\n", lines));
    }

    private static int index(List<String> lines, String regex) {
        Pattern p = Pattern.compile(regex);
        return index(lines, "/" + regex + "/", l -> p.matcher(l).find());
    }

    @Test
    void follow_duringAHup_showsOldWorkersLastLinesTransitionsAndNewWorkersFirstLinesInOrder() throws Exception {
        Setup s = write("follow");
        int old1 = s.ports().get(0);
        int old2 = s.ports().get(1);
        int new1 = s.ports().get(2);
        try (Rolld rolld = Rolld.start(s.config())) {
            rolld.awaitLine("event=ready ", ROLLOUT);
            long oldPid1 = pid(rolld, "app", 1, old1);
            long oldPid2 = pid(rolld, "app", 1, old2);
            try (Rolld follower = client(s, "logs-follow", "app", "-f", "-n", "1")) {
                follower.awaitLine("^rolld\\|event=ready ", CLIENT); // the history: following has begun
                rolld.signal("HUP");
                rolld.awaitLine("event=rollout_succeeded group=app generation=2 ", ROLLOUT);
                long newPid1 = pid(rolld, "app", 2, new1);
                follower.awaitLine("^rolld\\|event=rollout_succeeded group=app generation=2 ", CLIENT);
                List<String> lines = follower.lines();
                System.out.println("LogsCommandIT: rolld logs -f during a HUP:\n" + String.join("\n", lines));

                int hup = index(lines, "^rolld\\|event=signal signal=HUP ");
                int starting = index(lines, "^rolld\\|event=transition group=app generation=2 state=STARTING ");
                int newFirst = index(lines, "^app " + new1 + " pid " + newPid1 + " out\\|listening on 127\\.0\\.0\\.1:" + new1 + " pid " + newPid1 + "$");
                int switching = index(lines, "^rolld\\|event=transition group=app generation=2 state=SWITCHING ");
                int stopping = index(lines, "^rolld\\|event=transition group=app generation=2 state=STOPPING ");
                int idle = index(lines, "^rolld\\|event=transition group=app generation=2 state=IDLE ");
                assertTrue(hup < starting && starting < newFirst && newFirst < idle && switching < stopping && stopping < idle,
                        "HUP " + hup + ", STARTING " + starting + ", new worker's first line " + newFirst + ", SWITCHING " + switching
                                + ", STOPPING " + stopping + ", IDLE " + idle);
                for (long oldPid : List.of(oldPid1, oldPid2)) {
                    int last = index(lines, "^app \\d+ pid " + oldPid + " out\\|stopped pid " + oldPid + " on SIGTERM ");
                    int stopped = index(lines, "^rolld\\|event=worker_stopped group=app generation=1 port=\\d+ pid=" + oldPid + " ");
                    assertTrue(stopping < last && last < stopped && stopped < idle,
                            "old pid " + oldPid + ": STOPPING " + stopping + ", its last line " + last + ", worker_stopped " + stopped
                                    + ", IDLE " + idle);
                }
                assertFalse(lines.stream().anyMatch(l -> l.contains("group=ticker") || l.startsWith("ticker ")), "group filter");
            }
        }
    }

    @Test
    void history_nSinceGroupFilterAndJson_onRealOutput() throws Exception {
        Setup s = write("history");
        int tickerPort = s.ports().get(4);
        try (Rolld rolld = Rolld.start(s.config())) {
            rolld.awaitLine("event=ready ", ROLLOUT);
            long app1 = pid(rolld, "app", 1, s.ports().get(0));
            long ticker = pid(rolld, "ticker", 1, tickerPort);
            Path tickerLog = s.dir().resolve("logs/ticker-" + tickerPort + ".log");
            Polling.require(() -> lines(tickerLog) >= 25, ROLLOUT, "25 ticks in " + tickerLog);

            // -n: the last 2 lines of rolld's and of each serving worker's file; the hint names the group without files.
            List<String> two = run(s, "-n", "2");
            System.out.println("LogsCommandIT: rolld logs -n 2:\n" + String.join("\n", two));
            assertEquals(2, two.stream().filter(l -> l.startsWith("rolld|")).count(), String.join("\n", two));
            assertEquals(2, two.stream().filter(l -> l.startsWith("ticker " + tickerPort + " pid " + ticker + " out|")).count());
            assertTrue(two.contains("app " + s.ports().get(0) + " pid " + app1 + " out|listening on 127.0.0.1:" + s.ports().get(0)
                    + " pid " + app1), String.join("\n", two));
            assertTrue(two.stream().anyMatch(l -> l.startsWith("rolld logs: group ticker sends its workers' stderr to rolld's own output")),
                    String.join("\n", two));

            // A group filter: only that group's lines, and rolld's lines that name no group.
            List<String> app = run(s, "app", "-n", "50");
            assertTrue(app.stream().anyMatch(l -> l.startsWith("rolld|event=rollout_succeeded group=app generation=1 ")));
            assertFalse(app.stream().anyMatch(l -> l.startsWith("ticker ") || l.contains("group=ticker")), String.join("\n", app));

            // --since: only ticks of the last 2 s (by their own stamps), none of the group's first start long before.
            Instant before = Instant.now();
            List<String> recent = run(s, "ticker", "--since", "2s", "-n", "1000");
            List<Instant> ticks = recent.stream().filter(l -> l.startsWith("ticker ")).map(l -> Instant.parse(l.split("\\|", 2)[1].split(" ")[0]))
                    .toList();
            assertFalse(ticks.isEmpty(), String.join("\n", recent));
            assertTrue(ticks.getFirst().isAfter(before.minusSeconds(2).minusMillis(250)), "first tick " + ticks.getFirst() + " before " + before);
            assertTrue(ticks.size() < lines(tickerLog) - 5, ticks.size() + " ticks of " + lines(tickerLog));
            assertFalse(recent.stream().anyMatch(l -> l.contains("event=rollout_started group=ticker")), String.join("\n", recent));
            assertTrue(run(s, "ticker", "-n", "1000").stream().anyMatch(l -> l.endsWith(" tick 1")), "without --since, tick 1 is there");

            // --json: one object per line, workers with their pid and stream, rolld's lines with their fields.
            List<String> json = run(s, "app", "--json", "-n", "3");
            List<Map<String, Object>> objects = new ArrayList<>();
            for (String l : json.stream().filter(l -> l.startsWith("{")).toList()) {
                objects.add(Json.object(l));
            }
            assertTrue(objects.stream().anyMatch(o -> "worker".equals(o.get("source")) && List.of(app1).equals(
                    ((List<?>) o.get("pids")).stream().map(p -> ((Number) p).longValue()).toList()) && "out".equals(o.get("stream"))
                    && String.valueOf(o.get("line")).startsWith("listening on ")), json.toString());
            assertTrue(objects.stream().anyMatch(o -> "rolld".equals(o.get("source")) && o.get("fields") instanceof Map<?, ?> f
                    && "rollout_succeeded".equals(f.get("event")) && "app".equals(f.get("group"))), json.toString());
            assertEquals(3, objects.stream().filter(o -> "rolld".equals(o.get("source"))).count(), json.toString());
        }
    }

    @Test
    void follow_heldSocketsDuringAHup_namesBothPidsWhileTwoGenerationsWriteToOneFile() throws Exception {
        Path config = HeldGroupYaml.write("logs-held", FreePorts.one(), Duration.ofSeconds(5), "  workers: 1\n  ready: alive 1s\n");
        try (Rolld rolld = Rolld.start(config)) {
            rolld.awaitLine("event=ready ", ROLLOUT);
            long old = heldPid(rolld, 1);
            List<String> command = List.of(Project.root().resolve("scripts").resolve("rolld").toString(), "logs", "-f", "-n", "1",
                    "-c", config.toString());
            try (Rolld follower = Rolld.launch(command, config.getParent(), "logs-follow-held")) {
                follower.awaitLine("^app 1 pid " + old + " out\\|listening on inherited fd 3 ", CLIENT);
                follower.awaitLine("^rolld\\|event=ready ", CLIENT);
                rolld.signal("HUP");
                rolld.awaitLine("event=rollout_succeeded group=app generation=2 ", ROLLOUT);
                long next = heldPid(rolld, 2);
                follower.awaitLine("^rolld\\|event=rollout_succeeded group=app generation=2 ", CLIENT);
                List<String> lines = follower.lines();
                System.out.println("LogsCommandIT: rolld logs -f of a held-socket group during a HUP:\n" + String.join("\n", lines));
                String both = "app 1 pid " + old + "," + next + " out|";
                assertTrue(lines.stream().anyMatch(l -> l.startsWith(both + "listening on inherited fd 3 ") && l.endsWith(" pid " + next)),
                        "the new worker's first line, written while the old one ran, names both: " + both);
                assertTrue(lines.stream().anyMatch(l -> l.startsWith(both + "stopped pid " + old + " on SIGTERM ")),
                        "the old worker's last line, written while the new one ran, names both: " + both);
            }
        }
    }

    private static long heldPid(Rolld rolld, long generation) {
        Matcher m = Pattern.compile("event=worker_started group=app generation=" + generation + " port=\\d+ pid=(\\d+)")
                .matcher(rolld.awaitLine("event=worker_started group=app generation=" + generation + " ", ROLLOUT));
        assertTrue(m.find());
        return Long.parseLong(m.group(1));
    }

    private static long lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).size() : 0;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
