package io.rolld.rollout;

import io.rolld.os.Exit;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.util.List;

/**
 * What a group's loop feeds {@link Machine#next}: requests, the operator's commands, the world's
 * news (worker exits, supervision), and the results of the effects it ran, each carrying the
 * {@code ticket} of the {@link Action} that asked for it. Times are nanos of the loop's clock,
 * read when the event was made: the machine itself never reads a clock. Not to be confused with
 * {@link RolloutEvent}, what the group reports.
 */
sealed interface Event {
    /** Start a rollout by {@code plan} (the loop sends it only while idle: requests meanwhile are coalesced). */
    record RolloutRequested(RolloutPlan plan) implements Event {
    }

    /** Every slot of the batch started; {@code ports}: what the new generation serves. */
    record Spawned(long ticket, List<Worker> workers, List<Integer> ports) implements Event {
    }

    /** The batch could not be started (or its spawn was cancelled); {@code workers}: those that did start. */
    record SpawnFailed(long ticket, List<Worker> workers, String reason) implements Event {
    }

    record Ready(long ticket, long now) implements Event {
    }

    record NotReady(long ticket, String reason, String detail) implements Event {
    }

    record FrontApplied(long ticket, long now) implements Event {
    }

    record FrontFailed(long ticket, String reason, String detail) implements Event {
    }

    /** One round of a watch's checks passed. */
    record Checked(long ticket, long now) implements Event {
    }

    record CheckFailed(long ticket, String reason, String detail) implements Event {
    }

    record Timer(long ticket, long now) implements Event {
    }

    record Drained(long ticket) implements Event {
    }

    record Stopped(long ticket, long now) implements Event {
    }

    /** The front was put back; {@code problems}: what could not be (reported, never fatal). */
    record RolledBack(long ticket, List<String> problems) implements Event {
    }

    /** The retired old workers were started again, in slot order. */
    record Restored(long ticket, List<Worker> workers) implements Event {
    }

    /** {@code rolld promote}: end the current canary pause or bake now. */
    record Promote() implements Event {
    }

    /** {@code rolld abort}: roll back now. */
    record Abort() implements Event {
    }

    /** A worker the group watches exited; {@code stderrTail}: the end of its stderr, read when it exited. */
    record WorkerExited(Worker worker, Exit exit, String stderrTail) implements Event {
    }

    /** The supervisor changed the serving set (respawned or replaced a worker). */
    record Supervised(WorkerSet serving) implements Event {
    }

    /** Something of the supervisor's is due (a respawn, a memory check, auto_restart). */
    record SupervisionTick(long now) implements Event {
    }

    /** rolld is stopping: a rollout in progress ends as soon as it safely can. */
    record Shutdown() implements Event {
    }
}
