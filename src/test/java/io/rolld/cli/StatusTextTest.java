package io.rolld.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The text status, from the report the daemon sends. */
class StatusTextTest {
    private static Map<String, Object> group(Map<String, Object> extra) {
        Map<String, Object> g = new java.util.LinkedHashMap<>(Map.of("name", "app", "state", "serving", "generation", 3,
                "phase", "IDLE", "ports", List.of(8001)));
        g.putAll(extra);
        return g;
    }

    @Test
    void render_afterAnAdoption_saysHowManyWorkersWereAdopted() {
        Map<String, Object> report = Map.of("pid", 7, "daemon", Map.of("pid", 7, "version", "0.1.0", "started", "T0", "adopted", 4),
                "groups", List.of(group(Map.of("adoption", Map.of("adopted", 4, "recorded", 4, "generation", 3, "at", "T1")))));

        assertEquals("rolld pid 7, version 0.1.0, started T0, adopted 4 workers a previous rolld left\n"
                + "app: serving, generation 3, IDLE, ports 8001\n"
                + "  adopted 4 of 4 workers a previous rolld left, generation 3 (at T1)", StatusText.render(report));
    }

    @Test
    void render_duringACanaryPause_showsTheStepWeightAndTimeLeft() {
        Map<String, Object> report = Map.of("pid", 7, "groups", List.of(group(Map.of("rollout", Map.of("generation", 4,
                "phase", "BAKING", "ports", List.of(8501), "elapsed_ms", 3000, "step", "canary 1/2", "weight", 10, "left_ms", 41_700)))));

        assertEquals("rolld pid 7\napp: serving, generation 3, IDLE, ports 8001\n"
                + "  rollout in progress: generation 4 BAKING 8501 (3000 ms)\n"
                + "  canary 1/2: new set at 10% of the weight, 41.7s left (rolld promote / rolld abort app)", StatusText.render(report));
    }

    @Test
    void render_afterACleanStart_mentionsNoAdoption() {
        Map<String, Object> report = Map.of("pid", 7, "daemon", Map.of("pid", 7, "version", "0.1.0", "started", "T0", "adopted", 0),
                "groups", List.of(group(Map.of())));

        assertEquals("rolld pid 7, version 0.1.0, started T0\napp: serving, generation 3, IDLE, ports 8001", StatusText.render(report));
    }

    @Test
    void render_withMemoryPerChild_showsEachChildAgainstItsLimit_andHowManyWereSignalled() {
        Map<String, Object> worker = Map.of("pid", 4242, "port", 8001, "uptime_s", 65, "rss_bytes", 20 << 20, "connections", 2,
                "alive", true, "children", List.of(Map.of("pid", 4250, "metric", "pss", "bytes", 45 << 20, "limit", 60 << 20)));
        Map<String, Object> report = Map.of("pid", 7, "groups", List.of(group(Map.of("workers", List.of(worker),
                "children_signalled", 3, "children_killed", 1))));

        assertEquals("rolld pid 7\napp: serving, generation 3, IDLE, ports 8001\n"
                + "  pid 4242     port 8001   up 1m5s      rss 20.0MiB    connections 2\n"
                + "    child pid 4250     pss 45.0MiB of its limit 60.0MiB\n"
                + "  children over their memory limit: 3 signalled, 1 killed after ignoring it", StatusText.render(report));
    }

    @Test
    void render_aWorkerFailingItsLivenessChecks_saysHowManyInARowAndTheLastFailure() {
        Map<String, Object> worker = Map.of("pid", 4242, "port", 8001, "uptime_s", 65, "rss_bytes", 20 << 20, "connections", 2,
                "alive", true, "liveness_failures", 2, "liveness_last", "timed out after 2000ms");
        Map<String, Object> report = Map.of("pid", 7, "groups", List.of(group(Map.of("workers", List.of(worker)))));

        assertEquals("rolld pid 7\napp: serving, generation 3, IDLE, ports 8001\n"
                + "  pid 4242     port 8001   up 1m5s      rss 20.0MiB    connections 2  liveness: 2 failed in a row (timed out after 2000ms)",
                StatusText.render(report));
    }
}
