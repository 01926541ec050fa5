package io.rolld.rollout;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The one picture of a group at one moment that every reader renders: {@code rolld status} (text
 * and JSON), the state file, the status page, {@code /metrics} and systemd's {@code STATUS=}; so
 * they cannot disagree. What is derived ({@link #phase}, {@link #state}) is derived here only.
 *
 * @param generation the serving generation; {@code workers} its set
 * @param finishedAt when {@code lastResult} ended
 * @param health     degraded, with reasons, while a port is down or crash-looping or a worker is over
 *                   its memory limit right after start
 * @param adoption   present when the group started by adopting a previous rolld's workers
 * @param rollout    the rollout in progress, if one runs
 * @param children   with {@code memory: {per: child}}, the workers' children as last read
 * @param failing    with {@code liveness:} or {@code watchdog:}, the serving workers whose last checks failed
 */
public record GroupStatus(String name, long generation, List<WorkerInfo> workers, Optional<RolloutResult> lastResult,
                          Optional<Instant> finishedAt, Health health, Optional<Adoption> adoption, Optional<Running> rollout,
                          Optional<Children> children, List<Failing> failing) {
    public GroupStatus {
        workers = List.copyOf(workers);
        failing = List.copyOf(failing);
    }

    /** Worker {@code pid} failed its last {@code failures} liveness checks in a row (1: a silent watchdog), {@code last} the last one. */
    public record Failing(long pid, int failures, String last) {
    }

    /**
     * The serving workers' children as the last memory check read them, and how many children rolld
     * sent the memory signal ({@code signalled}) or, as they ignored it, SIGKILL ({@code killed}) since it started.
     */
    public record Children(List<Child> readings, long signalled, long killed) {
        public Children {
            readings = List.copyOf(readings);
        }
    }

    /** Child {@code pid} of worker {@code workerPid} used {@code bytes} of {@code metric}; over {@code limit} it gets the signal. */
    public record Child(long workerPid, long pid, String metric, long bytes, long limit) {
    }

    /**
     * A rollout in progress: the generation it starts, the phase it is in and the ports that phase
     * concerns, its elapsed time at that transition, how many workers it started so far, and its
     * bake or canary pause with the time left.
     */
    public record Running(long generation, Phase phase, List<Integer> ports, long elapsedMs, int started, Optional<Steering.Hold> hold) {
        public Running {
            ports = List.copyOf(ports);
        }
    }

    /** IDLE unless a rollout runs. */
    public Phase phase() {
        return rollout.map(Running::phase).orElse(Phase.IDLE);
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

    /** Each port once: a held-socket group's workers all serve on the held one. */
    public List<Integer> ports() {
        return workers.stream().map(WorkerInfo::port).distinct().toList();
    }
}
