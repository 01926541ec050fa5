package io.rolld.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rolld.testing.FreePorts;
import io.rolld.testing.GroupYaml;
import io.rolld.testing.Polling;
import io.rolld.testing.Project;
import io.rolld.testing.Prometheus;
import io.rolld.testing.Rolld;
import io.rolld.testing.WebClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** /metrics as a real Prometheus scrapes it, and as promtool checks it. */
class PrometheusIT {
    private static final Duration ROLLOUT = Duration.ofSeconds(90);
    /** Scrapes are every second; a slow machine may miss a few. */
    private static final Duration SCRAPED = Duration.ofSeconds(60);

    @Test
    void hup_whileScraped_prometheusSeesTheRolloutCountRise() throws Exception {
        int port = FreePorts.one();
        Path dir = Files.createDirectories(Project.scratch("http").resolve("prom-" + System.nanoTime()));
        Path config = GroupYaml.workers(2).settings("http: 127.0.0.1:" + port).write(dir);
        try (Rolld rolld = Rolld.start(config); Prometheus prometheus = Prometheus.scraping(port)) {
            rolld.awaitLine("event=ready ", ROLLOUT);
            String query = "sum(rolld_rollouts_total{group=\"app\"})";
            Polling.require(() -> prometheus.value(query).equals(Optional.of(1.0)), SCRAPED, "prometheus to see the first start");

            int from = rolld.lines().size();
            rolld.signal("HUP");
            rolld.awaitLineAfter(from, "event=rollout_succeeded group=app ", ROLLOUT);

            Polling.require(() -> prometheus.value(query).equals(Optional.of(2.0)), SCRAPED,
                    "prometheus to see 2 rollouts; last value " + prometheus.value(query));
            assertEquals(Optional.of(1.0), prometheus.value("rolld_rollouts_total{group=\"app\",result=\"succeeded\",trigger=\"hup\"}"));
            assertEquals(Optional.of(2.0), prometheus.value("rolld_group_generation{group=\"app\"}"));
            assertEquals(Optional.of(2.0), prometheus.value("sum(rolld_workers{group=\"app\",state=\"serving\"})"));
            assertEquals(Optional.of(1.0), prometheus.value("up{job=\"rolld\"}"));
        }
    }

    @Test
    void metrics_afterRollouts_passPromtoolCheck() throws Exception {
        int port = FreePorts.one();
        Path dir = Files.createDirectories(Project.scratch("http").resolve("promtool-" + System.nanoTime()));
        Path config = GroupYaml.workers(2).settings("http: 127.0.0.1:" + port).write(dir);
        try (Rolld rolld = Rolld.start(config)) {
            rolld.awaitLine("event=ready ", ROLLOUT);
            int from = rolld.lines().size();
            rolld.signal("HUP");
            rolld.awaitLineAfter(from, "event=rollout_succeeded group=app ", ROLLOUT);
            String metrics = new WebClient(port).body("/metrics");
            Files.writeString(dir.resolve("metrics.txt"), metrics);

            Process check = new ProcessBuilder(Prometheus.promtool(), "check", "metrics")
                    .redirectInput(dir.resolve("metrics.txt").toFile()).redirectErrorStream(true).start();
            try {
                assertTrue(check.waitFor(30, TimeUnit.SECONDS), "promtool did not finish");
                String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, check.exitValue(), "promtool check metrics: " + output + "\n" + metrics);
            } finally {
                check.destroyForcibly();
            }
            for (String family : new String[] {"rolld_info{version=", "rolld_rollouts_total{", "rolld_rollout_duration_seconds_bucket{",
                    "rolld_rollout_phase_duration_seconds_bucket{", "rolld_group_generation{", "rolld_group_degraded{",
                    "rolld_workers{", "rolld_worker_memory_bytes{", "rolld_worker_restarts_total{", "rolld_drain_connections{",
                    "rolld_last_rollout_timestamp_seconds{"}) {
                assertTrue(metrics.contains("\n" + family), family + " missing in\n" + metrics);
            }
        }
    }
}
