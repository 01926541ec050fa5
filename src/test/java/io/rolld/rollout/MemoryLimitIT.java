package io.rolld.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.GroupYaml;
import io.rolld.testing.HttpLoad;
import io.rolld.testing.HttpLoadReport;
import io.rolld.testing.Nginx;
import io.rolld.testing.Rolld;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A leaking worker under load: the group is rolled when it crosses its limit, without a failed request. */
class MemoryLimitIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Duration COOLDOWN = Duration.ofSeconds(8);
    /** Less than the group's check_interval (300 ms). */
    private static final Duration LOG_SLACK = Duration.ofMillis(250);

    @TempDir
    Path dir;

    @Test
    void leakingWorkers_underLoad_areRolledAtTheirLimit_withinTheCooldownOnlyOnce_losingNoRequest() {
        GroupYaml group = GroupYaml.workers(2).with(
                "env: {APP_LEAK_KB: '64'}",
                // app.py starts near 22MB RSS; 64KiB per request crosses 36-40MB after 220-300 requests.
                "memory: {limit: 40MB, min_limit: 36MB, check_interval: 300ms, cooldown: " + COOLDOWN.toMillis() + "ms}");
        try (Nginx nginx = Nginx.inFrontOf(dir.resolve("nginx-upstream.conf"))) {
            group.withNginx(nginx);
            nginx.start();
            try (Rolld rolld = Rolld.start(group.write(dir))) {
                rolld.awaitLine("event=ready", WAIT);
                HttpLoadReport report;
                String exceeded;
                try (HttpLoad load = HttpLoad.start(nginx.port(), 2, Duration.ofSeconds(60), 200_000)) {
                    exceeded = rolld.awaitLine("event=memory_exceeded .*action=rollout", WAIT);
                    rolld.awaitLine("event=rollout_started group=app generation=2 trigger=\"memory: ", WAIT);
                    rolld.awaitLine("event=rollout_succeeded group=app generation=2", WAIT);
                    String skipped = rolld.awaitLine("event=memory_exceeded group=app generation=2 .*action=skipped_cooldown", WAIT);
                    rolld.awaitLine("event=rollout_started group=app generation=3 trigger=\"memory: ", WAIT);
                    rolld.awaitLine("event=rollout_succeeded group=app generation=3", WAIT);
                    report = load.stop();
                    System.out.println(report);
                    assertTrue(exceeded.contains("metric=rss"), exceeded);
                    assertTrue(skipped.contains("cooldown ends in"), skipped);
                }
                // The cooldown runs from the reading that caused a rollout, to the reading that may
                // cause the next. Log lines come a little after their reading (57 ms was seen on a
                // busy machine), so compare the readings' own lines, with less than one check_interval
                // of slack: a cooldown ignored would show up a whole reading or more early.
                Duration between = Duration.between(timestamp(exceeded), timestamp(rolld.awaitLine(
                        "event=memory_exceeded group=app generation=2 .*action=rollout", WAIT)));
                assertTrue(between.compareTo(COOLDOWN.minus(LOG_SLACK)) >= 0, "memory rollouts " + between.toMillis()
                        + "ms apart, cooldown " + COOLDOWN.toMillis() + "ms:\n" + rolld.tail());
                assertTrue(report.status2xx() > 300, report.toString());
                assertEquals(0, report.failed(), report.toString() + "\n" + nginx.diagnostics());
            }
        }
    }

    private static Instant timestamp(String line) {
        return Instant.parse(line.substring(0, line.indexOf(' ')));
    }
}
