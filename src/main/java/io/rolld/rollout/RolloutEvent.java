package io.rolld.rollout;

import io.rolld.os.MemoryReader;
import io.rolld.os.Exit;
import java.util.List;
import java.util.Map;

/** What a rollout reports while it runs; the daemon turns each into one log line. */
public sealed interface RolloutEvent {
    String group();

    record Started(String group, long generation, String trigger) implements RolloutEvent {
    }

    /** The rollout entered {@code phase}; {@code ports} are the ports that phase works on. */
    /**
     * The rollout entered {@code phase}, {@code elapsedMs} after it started; {@code ownMs} of that
     * is rolld's own time, the rest went to waiting for others: the app to become ready, the
     * after_start hooks (the front's reload), bake and canary pauses, old connections to close, old
     * workers to exit.
     */
    record Transition(String group, long generation, Phase phase, List<Integer> ports, long elapsedMs, long ownMs)
            implements RolloutEvent {
        public Transition {
            ports = List.copyOf(ports);
        }
    }

    /**
     * A bake or a canary step began: the new set takes {@code weight} percent of the traffic and is
     * watched for {@code durationMs} (a canary step's pause, or the bake) with the old set kept running.
     */
    record StepStarted(String group, long generation, String step, int weight, List<Integer> ports, long durationMs)
            implements RolloutEvent {
        public StepStarted {
            ports = List.copyOf(ports);
        }
    }

    /** The old set still had connections at the drain deadline; it is stopped anyway. */
    record DrainTimedOut(String group, long generation, Map<Integer, Integer> connectionsByPort, long elapsedMs)
            implements RolloutEvent {
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
    }

    record WorkerStopped(String group, long generation, int port, long pid, Exit exit) implements RolloutEvent {
    }

    record Finished(RolloutResult result) implements RolloutEvent {
        @Override
        public String group() {
            return result.group();
        }
    }

    /** A worker of the active set exited without being asked to; it is respawned after {@code respawnInMs}. */
    record WorkerCrashed(String group, long generation, int port, long pid, Exit exit, long uptimeMs, int crashesInARow,
                         long respawnInMs, String stderrTail) implements RolloutEvent {
    }

    record WorkerRespawned(String group, long generation, int slot, int port, long pid, int crashesInARow,
                           List<Integer> heldFds) implements RolloutEvent {
        public WorkerRespawned {
            heldFds = List.copyOf(heldFds);
        }
    }

    /** A worker a previous rolld left running verified and belongs to the group's active set again. */
    record WorkerAdopted(String group, long generation, int slot, int port, long pid, String verified)
            implements RolloutEvent {
    }

    /**
     * A worker a previous rolld left was not adopted: {@code reason} says why, {@code action} what
     * rolld did (stopped it, or left alone a pid that is not the recorded process any more).
     */
    record WorkerRefused(String group, long generation, int slot, int port, long pid, String reason, String action)
            implements RolloutEvent {
    }

    /** The group's adoption ended: {@code adopted} of the {@code recorded} workers it found serve as generation {@code generation}. */
    record GroupAdopted(String group, long generation, int adopted, int recorded, List<Long> pids, String action)
            implements RolloutEvent {
        public GroupAdopted {
            pids = List.copyOf(pids);
        }
    }

    /** The respawn itself failed (e.g. the command cannot be run); retried after {@code retryInMs}. */
    record RespawnFailed(String group, long generation, int port, String reason, int crashesInARow, long retryInMs)
            implements RolloutEvent {
    }

    /** Held-socket mode: worker {@code worker} (its number) over its memory limit was replaced by a ready one and stopped. */
    record WorkerReplaced(String group, long generation, int worker, long oldPid, long newPid, long elapsedMs)
            implements RolloutEvent {
    }

    /** Held-socket mode: the replacement of worker {@code worker} did not become ready; the old one keeps running. */
    record ReplacementFailed(String group, long generation, int worker, long oldPid, String reason, String detail,
                             long elapsedMs) implements RolloutEvent {
    }

    /** A worker's tree uses more than its own limit; {@code action} says what rolld does about it. */
    record MemoryExceeded(String group, long generation, int port, long pid, MemoryReader.Usage usage, long limit,
                          MemoryAction action, String reason) implements RolloutEvent {
    }

    enum MemoryAction {
        /** The group is rolled. */
        ROLLOUT,
        /** Held-socket mode: only this worker is replaced. */
        REPLACE,
        /** Not rolled: the group was rolled for memory less than {@code cooldown} ago. */
        SKIPPED_COOLDOWN,
        /** Not rolled: the worker was over its limit right after start, so a new one would be too. */
        MISCONFIGURED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The group became degraded, changed reasons, or recovered. */
    record HealthChanged(String group, Health health) implements RolloutEvent {
    }

    /** An {@code on_event} command failed, timed out or was dropped; never affects the group. */
    record EventCommandFailed(String group, String event, String problem) implements RolloutEvent {
    }
}
