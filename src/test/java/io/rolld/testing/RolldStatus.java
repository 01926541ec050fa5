package io.rolld.testing;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@code rolld status --json -c CONFIG} answered: its exit code (0: every group serving) and
 * the document, parsed when it printed one (the daemon's own view; tests read it instead of log text).
 */
public record RolldStatus(int exitCode, Map<String, Object> json, String output) {
    public static RolldStatus of(Path config) {
        Deployment.Restart status = RolldClient.run(config, "status", "--json");
        try {
            String output = status.output();
            return new RolldStatus(status.exitCode(), output.startsWith("{") ? JSON.std.mapFrom(output) : Map.of(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("rolld status --json printed no JSON", e);
        }
    }

    /** The group's entry of {@code groups}; empty if there is none. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> group(String name) {
        return ((List<Map<String, Object>>) json.getOrDefault("groups", List.of())).stream()
                .filter(g -> name.equals(g.get("name"))).findFirst().orElse(Map.of());
    }

    /** The group's state: "serving", "degraded", "starting" ("" if the group is missing). */
    public String state(String group) {
        return String.valueOf(group(group).getOrDefault("state", ""));
    }

    /** The group's active ports. */
    @SuppressWarnings("unchecked")
    public List<Integer> ports(String group) {
        return ((List<Number>) group(group).getOrDefault("ports", List.of())).stream().map(Number::intValue).toList();
    }

    /** The group's workers, each with port, pid, alive, ... */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> workers(String group) {
        return (List<Map<String, Object>>) group(group).getOrDefault("workers", List.of());
    }

    public List<Long> pids(String group) {
        return workers(group).stream().map(w -> ((Number) w.get("pid")).longValue()).toList();
    }

    /** True while the group has a rollout in progress. */
    public boolean rolloutRunning(String group) {
        return group(group).containsKey("rollout");
    }
}
