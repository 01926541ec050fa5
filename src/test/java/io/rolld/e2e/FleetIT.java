package io.rolld.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import io.rolld.testing.Ansible;
import io.rolld.testing.Command;
import io.rolld.testing.HttpLoad;
import io.rolld.testing.HttpLoadReport;
import io.rolld.testing.LocalFleet;
import io.rolld.testing.Packages;
import io.rolld.testing.Project;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * example/fleet/site.yml run by the real ansible-playbook against the three local hosts of
 * hosts.local.yml, each serving a bounded load through its own nginx while the play rolls it.
 */
@ResourceLock(Packages.SYSTEM_PACKAGE) // beside any other class, but never with the other that installs the package
class FleetIT {
    private static final Duration LOAD_LIMIT = Duration.ofMinutes(6);
    private static final long MAX_REQUESTS = 2_000_000;
    /** {@code changed: [web1] => {...}}: a task's result, printed by ansible-playbook -v. */
    private static final Pattern RESULT = Pattern.compile("^(?:changed|ok): \\[(web\\d)\\] => (\\{.*\\})$", Pattern.MULTILINE);
    private static final String GOOD = "v2";
    private static final DateTimeFormatter ANSIBLE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    /**
     * One fleet, three plays (a fleet's start is a third of the cost): a good release rolls the
     * hosts one after another; then a release whose smoke test fails on web2 stops the play there;
     * then the rollback mode brings every host back to the good release as rolld recorded it.
     */
    @Test
    void sitePlay_rollsAGoodReleaseHostAfterHost_thenStopsAtTheFirstHostThatRollsBack_thenRollsTheFleetBack() throws IOException {
        // As root (CI), the first play also installs rolld's .deb on the hosts (apt deb:), and every play drives them with
        // /usr/bin/rolld. The later plays need not install it again: apt's no-op on a host that has it costs 10 s.
        boolean deb = "root".equals(System.getProperty("user.name"));
        List<String> packaged = deb ? List.of("-e", "rolld_bin=/usr/bin/rolld") : List.of();
        List<String> installing = deb ? List.of("-e", "rolld_deb=" + Packages.first().deb(), "-e", "rolld_bin=/usr/bin/rolld") : List.of();
        if (deb) {
            assertFalse(dpkgStatus().contains("install ok installed"),
                    "a rolld package is installed on this machine already; this test installs and purges its own, so it does not touch it");
        }
        try (LocalFleet fleet = LocalFleet.start("fleet")) {
            Map<String, HttpLoad> loads = loads(fleet);
            try {
                goodRelease(fleet, installing);
                badReleaseOnWeb2(fleet, packaged);
                rollBackToTheGoodRelease(fleet, packaged);
            } finally {
                loads.values().forEach(HttpLoad::stop);
            }
            for (String host : LocalFleet.HOSTS) {
                assertNoFailure(host, loads.get(host).report());
            }
        } finally {
            if (deb) { // the machine as the test found it: no package, nor the copy the role put on the "hosts"
                Command.run("dpkg", "--purge", "rolld");
                Files.deleteIfExists(Path.of("/var/cache").resolve(Packages.first().deb().getFileName()));
            }
        }
    }

    private static String dpkgStatus() {
        return Command.run("dpkg-query", "-W", "-f", "${Status} ${Version}", "rolld").output();
    }

    private static void goodRelease(LocalFleet fleet, List<String> installing) throws IOException {
        List<String> args = new ArrayList<>(List.of("-v", "-e", "release=" + GOOD));
        args.addAll(installing);
        Ansible.Run run = fleet.play("site.yml", args.toArray(String[]::new));

        assertEquals(0, run.exitCode(), run.toString());
        if (!installing.isEmpty()) {
            assertTrue(run.output().contains("TASK [rolld_release : apt install the package]"), run.toString());
            assertEquals("install ok installed " + Packages.FIRST, dpkgStatus(), "the play installed the package");
        }
        List<Restart> restarts = restarts(run);
        assertEquals(LocalFleet.HOSTS, restarts.stream().map(Restart::host).toList(), run.toString());
        for (int i = 0; i < restarts.size(); i++) {
            Restart r = restarts.get(i);
            assertEquals(0, r.rc(), run.toString());
            assertEquals("succeeded", r.outcome().get("result"), r.toString());
            assertEquals(2, ((Number) r.outcome().get("generation")).intValue(), r.toString());
            if (i > 0) {
                Restart previous = restarts.get(i - 1);
                assertTrue(r.start().isAfter(previous.end()), r.host() + "'s restart started at " + r.start()
                        + ", before " + previous.host() + "'s returned at " + previous.end());
                Instant started = eventTime(fleet, r.host(), "rollout_started", 2);
                Instant previousDone = eventTime(fleet, previous.host(), "rollout_succeeded", 2);
                assertTrue(started.isAfter(previousDone), r.host() + " rolld started its rollout at " + started
                        + ", before " + previous.host() + " had finished at " + previousDone);
            }
        }
        for (String host : LocalFleet.HOSTS) {
            assertEquals(GOOD, fleet.servedRelease(host), host);
        }
    }

    private static void badReleaseOnWeb2(LocalFleet fleet, List<String> packaged) throws IOException {
        Path release = badOnWeb2(fleet.home("web1").getParent().resolve("bad-release"));
        // Answering 500 is a certain failure: a short ready_timeout is enough.
        List<String> args = new ArrayList<>(List.of("-e", "release=v3-bad", "-e", "release_src=" + release + "/",
                "-e", "ready_timeout=5s", "-e", "{\"app_env\": {\"FLEET_HOST\": \"{{ inventory_hostname }}\"}}"));
        args.addAll(packaged);
        Ansible.Run run = fleet.play("site.yml", args.toArray(String[]::new));

        assertNotEquals(0, run.exitCode(), run.toString());
        assertTrue(run.output().contains("web2: rolld restart exited 1 (rolled_back): smoke test failed on port"), run.toString());
        assertTrue(run.output().contains("answered 500 (expected 2xx): failing on purpose: APP_FAIL is set"), run.toString());
        assertEquals("v3-bad", fleet.servedRelease("web1"));
        assertEquals(GOOD, fleet.servedRelease("web2"), "web2 rolled back");
        assertTrue(rolldYml(fleet, "web2").contains("\"APP_RELEASE\": \"" + GOOD + "\""),
                "web2's rolld.yml is the previous one again:\n" + rolldYml(fleet, "web2"));
        eventTime(fleet, "web2", "rollout_failed", 3);
        assertEquals(GOOD, fleet.servedRelease("web3"));
        assertFalse(Files.exists(fleet.home("web3").resolve("releases").resolve("v3-bad")), "web3 untouched");
        assertTrue(rolldYml(fleet, "web3").contains("\"APP_RELEASE\": \"" + GOOD + "\""));
        assertTrue(events(fleet, "web3").stream().noneMatch(e -> "rollout_started".equals(e.get("event"))
                && ((Number) e.get("generation")).intValue() > 2), "web3 never rolled again: " + events(fleet, "web3"));
    }

    /** web1 runs the bad release: the rollback mode takes every host back to the good one, its files and env as recorded. */
    private static void rollBackToTheGoodRelease(LocalFleet fleet, List<String> packaged) throws IOException {
        List<String> args = new ArrayList<>(List.of("-v", "-e", "fleet_mode=rollback", "-e", "release=" + GOOD));
        args.addAll(packaged);
        Ansible.Run run = fleet.play("site.yml", args.toArray(String[]::new));

        assertEquals(0, run.exitCode(), run.toString());
        for (String host : LocalFleet.HOSTS) {
            assertEquals(GOOD, fleet.servedRelease(host), host);
        }
        Path good = fleet.home("web1").resolve("releases").resolve(GOOD).toRealPath();
        Map<String, Object> started = events(fleet, "web1").stream()
                .filter(e -> "rollout_started".equals(e.get("event")) && ((Number) e.get("generation")).intValue() == 4)
                .findFirst().orElseThrow(() -> new AssertionError("no rollback on web1:\n" + fleet.rolld("web1").tail()));
        assertEquals("rollback to generation 2 (release " + good + ")", started.get("trigger"));
    }

    /** A release whose workers answer 500 on web2 only: example/app.py with APP_FAIL set there. */
    private static Path badOnWeb2(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path app = Project.example().resolve("app.py");
        Files.writeString(dir.resolve("app.py"), """
                import os, runpy, sys
                if os.environ.get("FLEET_HOST") == "web2":
                    os.environ["APP_FAIL"] = "1"
                sys.argv[0] = %s
                runpy.run_path(%s, run_name="__main__")
                """.formatted(pyString(app), pyString(app)));
        return dir;
    }

    private static String pyString(Path path) {
        return "'" + path.toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** Two keep-alive clients per host, through its nginx, bounded in time and count. */
    private static Map<String, HttpLoad> loads(LocalFleet fleet) {
        Map<String, HttpLoad> loads = new LinkedHashMap<>();
        try {
            for (String host : LocalFleet.HOSTS) {
                loads.put(host, HttpLoad.start(fleet.nginxPort(host), 2, LOAD_LIMIT, MAX_REQUESTS));
            }
            loads.values().forEach(load -> load.awaitCompleted(20, Duration.ofSeconds(30)));
            return loads;
        } catch (RuntimeException | Error e) {
            loads.values().forEach(HttpLoad::stop);
            throw e;
        }
    }

    private static void assertNoFailure(String host, HttpLoadReport report) {
        System.out.println("FleetIT " + host + ": " + report);
        assertTrue(report.requests() > 0, host + ": " + report);
        assertEquals(0, report.failed(), host + ": " + report);
    }

    /** The {@code rolld restart} task of each host, as ansible-playbook -v printed its result, in play order. */
    private record Restart(String host, int rc, LocalDateTime start, LocalDateTime end, Map<String, Object> outcome) {
    }

    private static List<Restart> restarts(Ansible.Run run) throws IOException {
        List<Restart> restarts = new ArrayList<>();
        Matcher m = RESULT.matcher(run.output());
        while (m.find()) {
            Map<String, Object> result = JSON.std.mapFrom(m.group(2));
            if (result.get("cmd") instanceof List<?> cmd && cmd.contains("restart")) {
                restarts.add(new Restart(m.group(1), ((Number) result.get("rc")).intValue(),
                        LocalDateTime.parse(String.valueOf(result.get("start")), ANSIBLE_TIME),
                        LocalDateTime.parse(String.valueOf(result.get("end")), ANSIBLE_TIME),
                        JSON.std.mapFrom(String.valueOf(result.get("stdout")))));
            }
        }
        return restarts;
    }

    /** The host's rolld log (JSON lines) as maps. */
    private static List<Map<String, Object>> events(LocalFleet fleet, String host) {
        List<Map<String, Object>> events = new ArrayList<>();
        for (String line : fleet.rolld(host).lines()) {
            if (line.startsWith("{")) {
                try {
                    events.add(JSON.std.mapFrom(line));
                } catch (IOException e) {
                    throw new UncheckedIOException("not JSON: " + line, e);
                }
            }
        }
        return events;
    }

    private static Instant eventTime(LocalFleet fleet, String host, String event, int generation) {
        Optional<Instant> time = events(fleet, host).stream()
                .filter(e -> event.equals(e.get("event")) && e.get("generation") instanceof Number g && g.intValue() == generation)
                .map(e -> Instant.parse(String.valueOf(e.get("time")))).findFirst();
        return time.orElseThrow(() -> new AssertionError("no " + event + " of generation " + generation + " in " + host
                + "'s rolld log:\n" + fleet.rolld(host).tail()));
    }

    private static String rolldYml(LocalFleet fleet, String host) {
        try {
            return Files.readString(fleet.home(host).resolve("rolld.yml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
