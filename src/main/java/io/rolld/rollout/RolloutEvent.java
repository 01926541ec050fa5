package io.rolld.rollout;

import io.rolld.config.PosixSignal;
import io.rolld.config.Supervision;
import io.rolld.os.MemoryReader;
import io.rolld.os.Exit;
import io.rolld.process.Release;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a group reports while it runs. Each event carries its own {@link #name} and ordered
 * {@link #fields}: the log line ({@code event=NAME group=G field=...}), the control message of the
 * same type and the {@code on_event} environment are all rendered from them, never mapped by hand.
 */
public sealed interface RolloutEvent {
    String group();

    /** The event's name: {@code event=} of its log line, the type of its control message. */
    String name();

    /** Its values after the group, in log order. */
    List<EventField> fields();

    /** How its log line is logged. */
    default Severity severity() {
        return Severity.INFO;
    }

    /** Text that follows the log line, indented (a stderr tail, a command's output); empty: none. */
    default String detail() {
        return "";
    }

    enum Severity { INFO, WARN, ERROR }

    /**
     * An event an {@code on_event} command can be told about (its {@link #name} is an {@code
     * EventKind}); the command also gets {@code ROLLD_GENERATION} and {@code ROLLD_REASON}.
     */
    sealed interface Notable extends RolloutEvent permits Started, StepStarted, Finished, WorkerCrashed, MemoryExceeded,
            ChildOverMemory, WorkerUnresponsive {
        /** What rolld.yml's {@code on_event: {events: [...]}} calls it; its name is the kind's. */
        Supervision.EventKind kind();

        @Override
        default String name() {
            return kind().label();
        }

        long generation();

        /** The trigger, the failure reason, the exit or the memory finding. */
        String reason();
    }

    private static EventField f(String key, Object value) {
        return EventField.of(key, value);
    }

    record Started(String group, long generation, String trigger) implements Notable {
        @Override public Supervision.EventKind kind() { return Supervision.EventKind.ROLLOUT_STARTED; }

        @Override
        public List<EventField> fields() {
            return List.of(f("generation", generation), f("trigger", trigger).passedAs("TRIGGER"));
        }

        @Override
        public String reason() {
            return trigger;
        }
    }

    /**
     * The rollout resolved what its generation runs (see {@link Release}); only the directory is
     * logged and shown: the environment's values may be secrets.
     */
    record ReleaseResolved(String group, long generation, Release release) implements RolloutEvent {
        @Override public String name() { return "release"; }

        @Override
        public List<EventField> fields() {
            return List.of(f("generation", generation), f("release", release.directory().toString()));
        }
    }

    /**
     * The rollout entered {@code phase} ({@code ports} are the ports that phase works on),
     * {@code elapsedMs} after it started; {@code ownMs} of that
     * is rolld's own time, the rest went to waiting for others: the app to become ready, the
     * after_start hooks (the front's reload), bake and canary pauses, old connections to close, old
     * workers to exit.
     */
    record Transition(String group, long generation, Phase phase, List<Integer> ports, long elapsedMs, long ownMs)
            implements RolloutEvent {
        public Transition {
            ports = List.copyOf(ports);
        }

        @Override public String name() { return "transition"; }

        @Override
        public List<EventField> fields() {
            return List.of(f("generation", generation), f("state", phase.name()), f("ports", ports), f("elapsed_ms", elapsedMs),
                    f("own_ms", ownMs));
        }
    }

    /**
     * A bake or a canary step began: the new set takes {@code weight} percent of the traffic and is
     * watched for {@code durationMs} (a canary step's pause, or the bake) with the old set kept running.
     */
    record StepStarted(String group, long generation, String step, int weight, List<Integer> ports, long durationMs)
            implements Notable {
        public StepStarted {
            ports = List.copyOf(ports);
        }

        @Override public Supervision.EventKind kind() { return Supervision.EventKind.ROLLOUT_STEP; }

        @Override
        public List<EventField> fields() {
            return List.of(f("generation", generation), f("step", step).passedAs("STEP"), f("weight", weight).passedAs("WEIGHT"),
                    f("ports", ports).passedAs("PORTS"), f("duration_ms", durationMs).passedAs("DURATION_MS"),
                    f("action", weight < 100 ? "the new set takes " + weight + "% of the weight; the old set serves the rest"
                            : "the new set serves; the old set stays running until the bake ends"));
        }

        @Override
        public String reason() {
            return step + ": new set at " + weight + "%";
        }
    }

    /**
     * {@code strategy: recreate}: no worker served for {@code ms}, from the old generation's last exit to the
     * new one passing its ready rule; connections that arrived meanwhile waited in the held sockets' queue.
     */
    record Gap(String group, long generation, long ms) implements RolloutEvent {
        @Override public String name() { return "gap"; }

        @Override
        public List<EventField> fields() {
            return List.of(f("generation", generation), f("ms", ms),
                    f("action", "the new generation accepts what waited in the held sockets' queue"));
        }
    }

    /** The old set still had connections at the drain deadline; it is stopped anyway. */
    record DrainTimedOut(String group, long generation, Map<Integer, Integer> connectionsByPort, long elapsedMs)
            implements RolloutEvent {
        @Override public String name() { return "drain_timeout"; }

        @Override
        public List<EventField> fields() {
            return List.of(f("generation", generation),
                    f("connections", connectionsByPort.values().stream().mapToInt(Integer::intValue).sum()),
                    f("by_port", connectionsByPort.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                            .collect(Collectors.joining(","))),
                    f("elapsed_ms", elapsedMs), f("action", "stopping the old workers anyway"));
        }

        @Override public Severity severity() { return Severity.WARN; }
    }

    /**
     * A worker was spawned (it may not serve yet) in {@code slot} (its port, or its worker number in
     * held-socket mode, where {@code heldFds} are its descriptors of the held sockets).
     */
    record WorkerStarted(String group, long generation, int slot, int port, long pid, List<Integer> heldFds)
            implements RolloutEvent {
        public WorkerStarted {
            heldFds = List.copyOf(heldFds);
        }

        @Override public String name() { return "worker_started"; }

        @Override
        public List<EventField> fields() {
            return List.of(f("generation", generation), f("port", port), f("pid", pid));
        }
    }

    record WorkerStopped(String group, long generation, int port, long pid, Exit exit) implements RolloutEvent {
        @Override public String name() { return "worker_stopped"; }

        @Override
        public List<EventField> fields() {
            return List.of(f("generation", generation), f("port", port), f("pid", pid), f("exit", String.valueOf(exit)));
        }
    }

    /** {@code at}: when it ended, as status shows it ({@code finished_at}). */
    record Finished(RolloutResult result, Instant at) implements Notable {
        @Override
        public String group() {
            return result.group();
        }

        @Override
        public long generation() {
            return result.generation();
        }

        @Override
        public Supervision.EventKind kind() {
            return switch (result) {
                case RolloutResult.Succeeded _ -> Supervision.EventKind.ROLLOUT_SUCCEEDED;
                case RolloutResult.Failed _ -> Supervision.EventKind.ROLLOUT_FAILED;
            };
        }

        @Override
        public List<EventField> fields() {
            return result.fields();
        }

        @Override
        public String reason() {
            return result instanceof RolloutResult.Failed f ? f.reason() : "rollout succeeded";
        }

        @Override
        public Severity severity() {
            return result instanceof RolloutResult.Failed ? Severity.WARN : Severity.INFO;
        }

        @Override
        public String detail() {
            return result instanceof RolloutResult.Failed f ? f.detail() : "";
        }
    }

    /** A worker of the active set exited without being asked to; it is respawned after {@code respawnInMs}. */
    record WorkerCrashed(String group, long generation, int port, long pid, Exit exit, long uptimeMs, int crashesInARow,
                         long respawnInMs, String stderrTail) implements Notable {
        @Override public Supervision.EventKind kind() { return Supervision.EventKind.WORKER_CRASHED; }

        @Override
        public List<EventField> fields() {
            return List.of(f("generation", generation), f("port", port).passedAs("PORT"), f("pid", pid).passedAs("PID"),
                    f("exit", String.valueOf(exit)).passedAs("EXIT"), f("uptime_ms", uptimeMs),
                    f("crashes_in_a_row", crashesInARow).passedAs("CRASHES"),
                    f("action", "respawning on the same port in " + respawnInMs + "ms"),
                    f("respawn_in_ms", respawnInMs).passedAs("RESPAWN_IN_MS"));
        }

        @Override
        public String reason() {
            return String.valueOf(exit);
        }

        @Override public Severity severity() { return Severity.WARN; }

        @Override
        public String detail() {
            return stderrTail;
        }
    }

    record WorkerRespawned(String group, long generation, int slot, int port, long pid, int crashesInARow,
                           List<Integer> heldFds) implements RolloutEvent {
        public WorkerRespawned {
            heldFds = List.copyOf(heldFds);
        }

        @Override public String name() { return "worker_respawned"; }

        @Override
        public List<EventField> fields() {
            return List.of(f("generation", generation), f("port", port), f("pid", pid), f("crashes_in_a_row", crashesInARow));
        }
    }

    /** A worker a previous rolld left running verified and belongs to the group's active set again. */
    record WorkerAdopted(String group, long generation, int slot, int port, long pid, String verified)
            implements RolloutEvent {
        @Override public String name() { return "worker_adopted"; }

        @Override
        public List<EventField> fields() {
            return List.of(f("generation", generation), f("slot", slot), f("port", port), f("pid", pid), f("verified", verified));
        }
    }

    /**
     * A worker a previous rolld left was not adopted: {@code reason} says why, {@code action} what
     * rolld did (stopped it, or left alone a pid that is not the recorded process any more).
     */
    record WorkerRefused(String group, long generation, int slot, int port, long pid, String reason, String action)
            implements RolloutEvent {
        @Override public String name() { return "worker_refused"; }

        @Override
        public List<EventField> fields() {
            return List.of(f("generation", generation), f("slot", slot), f("port", port), f("pid", pid), f("reason", reason),
                    f("action", action));
        }

        @Override public Severity severity() { return Severity.WARN; }
    }

    /** The group's adoption ended: {@code adopted} of the {@code recorded} workers it found serve as generation {@code generation}. */
    record GroupAdopted(String group, long generation, int adopted, int recorded, List<Long> pids, String action)
            implements RolloutEvent {
        public GroupAdopted {
            pids = List.copyOf(pids);
        }

        @Override public String name() { return "group_adopted"; }

        @Override
        public List<EventField> fields() {
            return List.of(f("generation", generation), f("adopted", adopted), f("recorded", recorded), f("pids", pids),
                    f("summary", "adopted " + adopted + " of " + recorded + " workers, generation " + generation), f("action", action));
        }
    }

    /**
     * A rolld started after its predecessor died in the middle of a rollout ({@code phase}, from
     * generation {@code from} to {@code to}) made the service whole: {@code generation} serves, the
     * front points at it, the other set is stopped; {@code action} says what was done.
     */
    record Reconciled(String group, Phase phase, long from, long to, long generation, String action) implements RolloutEvent {
        @Override public String name() { return "reconciled"; }

        @Override
        public List<EventField> fields() {
            return List.of(f("phase", phase), f("from", from), f("to", to), f("generation", generation), f("action", action));
        }
    }

    /** The respawn itself failed (e.g. the command cannot be run); retried after {@code retryInMs}. */
    record RespawnFailed(String group, long generation, int port, String reason, int crashesInARow, long retryInMs)
            implements RolloutEvent {
        @Override public String name() { return "respawn_failed"; }

        @Override
        public List<EventField> fields() {
            return List.of(f("generation", generation), f("port", port), f("reason", reason), f("crashes_in_a_row", crashesInARow),
                    f("action", "retrying in " + retryInMs + "ms"));
        }

        @Override public Severity severity() { return Severity.ERROR; }
    }

    /**
     * Held-socket mode: worker {@code worker} (its number), over its memory limit or unresponsive ({@code reason}),
     * was replaced by a ready one and stopped.
     */
    record WorkerReplaced(String group, long generation, int worker, long oldPid, long newPid, String reason, long elapsedMs)
            implements RolloutEvent {
        @Override public String name() { return "worker_replaced"; }

        @Override
        public List<EventField> fields() {
            return List.of(f("generation", generation), f("worker", worker), f("old_pid", oldPid), f("pid", newPid),
                    f("reason", reason), f("elapsed_ms", elapsedMs));
        }
    }

    /**
     * Held-socket mode: the replacement of worker {@code worker} did not become ready (the old one keeps
     * running), or was not needed any more once ready (a rollout retired the slot meanwhile: it was stopped);
     * {@code action} says which.
     */
    record ReplacementFailed(String group, long generation, int worker, long oldPid, String reason, String detail,
                             long elapsedMs, String action) implements RolloutEvent {
        @Override public String name() { return "replacement_failed"; }

        @Override
        public List<EventField> fields() {
            return List.of(f("generation", generation), f("worker", worker), f("pid", oldPid), f("reason", reason),
                    f("elapsed_ms", elapsedMs), f("action", action));
        }

        @Override public Severity severity() { return Severity.WARN; }
    }

    /** A worker's tree uses more than its own limit; {@code action} says what rolld does about it. */
    record MemoryExceeded(String group, long generation, int port, long pid, MemoryReader.Usage usage, long limit,
                          MemoryAction action, String reason) implements Notable {
        @Override public Supervision.EventKind kind() { return Supervision.EventKind.MEMORY_EXCEEDED; }

        @Override
        public List<EventField> fields() {
            return List.of(f("generation", generation), f("port", port).passedAs("PORT"), f("pid", pid).passedAs("PID"),
                    f("metric", usage.metric().label()).passedAs("METRIC"), f("bytes", usage.bytes()).passedAs("MEMORY"),
                    f("rss_bytes", usage.rssBytes()).passedAs("RSS"), f("limit", limit).passedAs("LIMIT"),
                    f("action", action.label()).passedAs("ACTION"), f("reason", reason));
        }

        @Override public Severity severity() { return Severity.WARN; }
    }

    /**
     * With {@code memory: {per: child}}: child {@code childPid} of worker {@code pid} (a preforking
     * server's master) uses more than its own limit; {@code action} says what rolld does about it:
     * {@code signal} sends it {@code signal} and its master forks a fresh one, the group untouched.
     */
    record ChildOverMemory(String group, long generation, int port, long pid, long childPid, MemoryReader.Usage usage, long limit,
                           MemoryAction action, PosixSignal signal, String reason) implements Notable {
        @Override public Supervision.EventKind kind() { return Supervision.EventKind.CHILD_OVER_MEMORY; }

        @Override
        public List<EventField> fields() {
            return List.of(f("generation", generation), f("port", port).passedAs("PORT"), f("pid", pid).passedAs("PID"),
                    f("child_pid", childPid).passedAs("CHILD_PID"), f("metric", usage.metric().label()).passedAs("METRIC"),
                    f("bytes", usage.bytes()).passedAs("MEMORY"), f("rss_bytes", usage.rssBytes()).passedAs("RSS"),
                    f("limit", limit).passedAs("LIMIT"), f("action", action.label()).passedAs("ACTION"),
                    f("signal", "SIG" + signal.name()).passedAs("SIGNAL"), f("reason", reason));
        }

        @Override public Severity severity() { return Severity.WARN; }
    }

    /** A child sent {@code signal} for its memory still ran {@code waitedMs} later (the group's stop_timeout): it got SIGKILL. */
    record ChildKilled(String group, long generation, int port, long pid, long childPid, PosixSignal signal, long waitedMs)
            implements RolloutEvent {
        @Override public String name() { return "child_killed"; }

        @Override
        public List<EventField> fields() {
            return List.of(f("generation", generation), f("port", port), f("pid", pid), f("child_pid", childPid),
                    f("signal", "SIG" + signal.name()), f("waited_ms", waitedMs),
                    f("action", "sent SIGKILL: it ignored SIG" + signal.name() + " for stop_timeout; its master forks the next one"));
        }

        @Override public Severity severity() { return Severity.WARN; }
    }

    /**
     * A serving worker failed {@code failures} liveness checks in a row (or missed its watchdog),
     * {@code last} the last failure; {@code action} says what rolld does about it.
     */
    record WorkerUnresponsive(String group, long generation, int port, long pid, int failures, String last,
                              LivenessAction action) implements Notable {
        @Override public Supervision.EventKind kind() { return Supervision.EventKind.WORKER_UNRESPONSIVE; }

        @Override
        public List<EventField> fields() {
            return List.of(f("port", port).passedAs("PORT"), f("pid", pid).passedAs("PID"), f("failures", failures).passedAs("FAILURES"),
                    f("last", last), f("action", action.label()).passedAs("ACTION"), f("generation", generation));
        }

        @Override
        public String reason() {
            return last;
        }

        @Override public Severity severity() { return Severity.WARN; }
    }

    /** The group became degraded, changed reasons, or recovered. */
    record HealthChanged(String group, Health health) implements RolloutEvent {
        @Override
        public String name() {
            return health instanceof Health.Degraded ? "group_degraded" : "group_healthy";
        }

        @Override
        public List<EventField> fields() {
            return switch (health) {
                case Health.Healthy h -> List.of();
                case Health.Degraded d -> List.of(f("reasons", String.join("; ", d.reasons())));
            };
        }

        @Override
        public Severity severity() {
            return health instanceof Health.Degraded ? Severity.WARN : Severity.INFO;
        }
    }

    /** An {@code on_event} command failed, timed out or was dropped; never affects the group. */
    record EventCommandFailed(String group, String event, String problem) implements RolloutEvent {
        @Override public String name() { return "on_event_failed"; }

        @Override
        public List<EventField> fields() {
            return List.of(f("for_event", event), f("problem", problem)); // "event" is the line's own name
        }

        @Override public Severity severity() { return Severity.WARN; }
    }
}
