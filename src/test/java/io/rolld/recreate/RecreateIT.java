package io.rolld.recreate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.Deployment;
import io.rolld.testing.FreePorts;
import io.rolld.testing.HeldGroupYaml;
import io.rolld.testing.HttpLoad;
import io.rolld.testing.HttpLoadReport;
import io.rolld.testing.Polling;
import io.rolld.testing.Project;
import io.rolld.testing.Rolld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code strategy: recreate} in held-socket mode with an app that refuses to start while another
 * copy holds its lock file: the old generation stops before the new one starts, and the connections
 * that arrive meanwhile wait in the held socket's queue. 16 clients straight at the held socket, 8
 * on keep-alive connections and 8 opening a new connection per request.
 */
class RecreateIT {
    private static final Duration ROLLOUT = Duration.ofSeconds(90);
    /** Longer than any gap: a client waits in the queue, as a real client with a sane timeout would. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern GAP = Pattern.compile("event=gap group=app generation=(\\d+) ms=(\\d+)");

    @Test
    void recreate_underLoad_fiveRolloutsAndAFailedOne_loseNoRequest() throws Exception {
        int port = FreePorts.one();
        Path lock = Files.createTempFile("rolld-recreate-", ".lock");
        Path config = HeldGroupYaml.write("recreate", port, Duration.ofSeconds(10), """
                  strategy: recreate
                  ready: notify
                  ready_timeout: 30s
                  env:
                    APP_NOTIFY: '1'
                    APP_LOCK_FILE: '%s'
                """.formatted(lock));
        try (Rolld rolld = Rolld.start(config)) {
            rolld.awaitLine("event=ready", ROLLOUT);
            try (HttpLoad kept = HttpLoad.start(port, "/", 8, Duration.ofMinutes(4), 10_000_000, READ_TIMEOUT);
                 HttpLoad fresh = HttpLoad.startNewConnections(port, 8, Duration.ofMinutes(4), 10_000_000, READ_TIMEOUT)) {
                kept.awaitCompleted(100, Duration.ofSeconds(30));
                fresh.awaitCompleted(100, Duration.ofSeconds(30));
                List<Long> gaps = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    int from = rolld.lines().size();
                    boolean client = i == 4; // the last one as a deploy script runs it
                    String restart = "";
                    if (client) {
                        restart = cli(config, "restart", "--wait");
                    } else {
                        rolld.signal("HUP");
                    }
                    Deployment.Outcome outcome = Deployment.Outcome.parse(rolld.awaitLineAfter(from,
                            "event=rollout_(succeeded|failed) group=app ", ROLLOUT));
                    assertTrue(outcome.succeeded(), outcome.line() + "\n" + rolld.tail());
                    Matcher gap = GAP.matcher(rolld.awaitLineAfter(from, GAP.pattern(), Duration.ofSeconds(5)));
                    assertTrue(gap.find());
                    gaps.add(Long.parseLong(gap.group(2)));
                    if (client) {
                        assertTrue(restart.contains("app gen " + gap.group(1) + " no worker served for " + gap.group(2) + " ms"), restart);
                    }
                    long before = kept.report().requests() + fresh.report().requests();
                    awaitMore(kept, fresh, before + 100);
                }
                assertTrue(rolld.lines().stream().noneMatch(l -> l.contains("refusing to start")),
                        "never two copies at once: " + rolld.tail());
                String history = cli(config, "history", "--json");
                for (long ms : gaps) {
                    assertTrue(history.contains("\"gap_ms\" : " + ms), "history shows each gap: " + history);
                }
                String status = cli(config, "status");
                assertTrue(status.contains("no worker serving for " + gaps.getLast() + " ms"), status);

                Files.writeString(config, Files.readString(config).replace("APP_NOTIFY: '1'", "APP_NOTIFY: '1'\n    APP_EXIT: '3'"));
                int from = rolld.lines().size();
                rolld.signal("HUP");
                Deployment.Outcome failed = Deployment.Outcome.parse(rolld.awaitLineAfter(from,
                        "event=rollout_(succeeded|failed) group=app ", ROLLOUT));
                assertTrue(!failed.succeeded() && failed.line().contains("state=CHECKING"), failed.line());
                rolld.awaitLineAfter(from, "event=worker_started group=app generation=6 ", Duration.ofSeconds(5));
                long before = kept.report().requests() + fresh.report().requests();
                awaitMore(kept, fresh, before + 100);

                HttpLoadReport keptReport = kept.stop();
                HttpLoadReport freshReport = fresh.stop();
                System.out.printf("RecreateIT: gaps %s ms; keep-alive %s; new connections %s%n", gaps, keptReport, freshReport);
                for (HttpLoadReport r : List.of(keptReport, freshReport)) {
                    assertEquals(0, r.failed(), r.toString());
                    assertEquals(0, r.errors(), r.toString());
                }
            }
        } finally {
            Files.deleteIfExists(lock);
        }
    }

    /** {@code scripts/rolld ARGS -c CONFIG}: what it printed. */
    private static String cli(Path config, String... args) {
        List<String> command = new ArrayList<>(List.of(Project.root().resolve("scripts").resolve("rolld").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-c", config.toString()));
        try (Rolld client = Rolld.launch(command, Project.root(), "cli-" + args[0])) {
            client.awaitExit(ROLLOUT);
            return String.join("\n", client.lines());
        }
    }

    /** The loads go on after a rollout: {@code total} requests in all. */
    private static void awaitMore(HttpLoad a, HttpLoad b, long total) {
        Polling.require(() -> a.report().requests() + b.report().requests() >= total, Duration.ofSeconds(30), total + " requests in all");
    }
}
