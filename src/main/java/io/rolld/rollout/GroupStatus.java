package io.rolld.rollout;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A consistent picture of one group at one moment, for status output and the state file.
 *
 * @param health degraded, with reasons, while a port is down or crash-looping or a worker is over
 *               its memory limit right after start
 * @param adoption present when the group started by adopting a previous rolld's workers
 * @param hold     the bake or canary pause in progress, with the time left
 */
public record GroupStatus(String name, Phase phase, long generation, List<WorkerInfo> workers,
                          Optional<RolloutResult> lastResult, Health health, Optional<Adoption> adoption,
                          Optional<Steering.Hold> hold) {
    public GroupStatus {
        workers = List.copyOf(workers);
    }

    /** This rolld started the group from {@code adopted} of the {@code recorded} workers a previous rolld left. */
    public record Adoption(int adopted, int recorded, long generation, Instant at) {
    }

    public record WorkerInfo(int port, long pid, Instant startedAt, boolean alive) {
    }

    /** What {@code rolld status} shows: serving when every worker of the active set is alive. */
    public enum State {
        STARTING, SERVING, DEGRADED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public State state() {
        if (health instanceof Health.Degraded) {
            return State.DEGRADED;
        }
        if (workers.isEmpty()) {
            return lastResult.isEmpty() ? State.STARTING : State.DEGRADED;
        }
        return workers.stream().allMatch(WorkerInfo::alive) ? State.SERVING : State.DEGRADED;
    }

    public List<Integer> ports() {
        return workers.stream().map(WorkerInfo::port).toList();
    }
}
