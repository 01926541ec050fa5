package io.rolld.front;

import java.util.List;
import java.util.Map;

/**
 * What a front template sees: {@code ports} (the new workset), {@code old_ports}, {@code group},
 * {@code generation} (the one being started) and {@code workers} (each with {@code port} and {@code pid}).
 */
public record FrontContext(String group, long generation, List<Integer> ports, List<Integer> oldPorts,
                           List<WorkerRef> workers) {
    public FrontContext {
        ports = List.copyOf(ports);
        oldPorts = List.copyOf(oldPorts);
        workers = List.copyOf(workers);
    }

    public record WorkerRef(int port, long pid) {
    }

    Map<String, Object> asTemplateScope() {
        return Map.of(
                "group", group,
                "generation", generation,
                "ports", ports,
                "old_ports", oldPorts,
                "workers", workers.stream().map(w -> Map.of("port", w.port(), "pid", w.pid())).toList());
    }
}
