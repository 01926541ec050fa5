package io.rolld.front;

import java.util.List;
import java.util.Map;

/**
 * What a front template sees: {@code ports} (the new workset), {@code old_ports}, {@code group},
 * {@code generation} (the one being started), {@code workers} (each with {@code port} and
 * {@code pid}), {@code servers} (each with {@code port} and {@code weight}: what the front should
 * list now, see {@link ServerWeights}) and {@code canary_weight} (the new set's percent of the
 * weight, 100 once it takes all the traffic).
 */
public record FrontContext(String group, long generation, List<Integer> ports, List<Integer> oldPorts,
                           List<WorkerRef> workers, int canaryWeight) {
    public static final int FULL_WEIGHT = 100;

    public FrontContext {
        ports = List.copyOf(ports);
        oldPorts = List.copyOf(oldPorts);
        workers = List.copyOf(workers);
        if (canaryWeight < 1 || canaryWeight > FULL_WEIGHT) {
            throw new IllegalArgumentException("canary weight " + canaryWeight + " out of range 1.." + FULL_WEIGHT);
        }
    }

    /** The full switch: the new set takes all the traffic. */
    public FrontContext(String group, long generation, List<Integer> ports, List<Integer> oldPorts, List<WorkerRef> workers) {
        this(group, generation, ports, oldPorts, workers, FULL_WEIGHT);
    }

    public record WorkerRef(int port, long pid) {
    }

    /** The same switch with {@code percent} of the weight on the new set (a canary step). */
    public FrontContext withCanaryWeight(int percent) {
        return new FrontContext(group, generation, ports, oldPorts, workers, percent);
    }

    public List<ServerWeights.Server> servers() {
        return ServerWeights.split(oldPorts, ports, canaryWeight);
    }

    Map<String, Object> asTemplateScope() {
        return Map.of(
                "group", group,
                "generation", generation,
                "ports", ports,
                "old_ports", oldPorts,
                "workers", workers.stream().map(w -> Map.of("port", w.port(), "pid", w.pid())).toList(),
                "servers", servers().stream().map(s -> Map.of("port", s.port(), "weight", s.weight())).toList(),
                "canary_weight", canaryWeight);
    }
}
