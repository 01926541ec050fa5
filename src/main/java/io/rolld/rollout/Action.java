package io.rolld.rollout;

import io.rolld.os.Exit;
import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.util.List;
import java.util.Optional;

/**
 * What {@link Machine#next} asks its group's loop to do, in order. {@link Record} runs first and on
 * the loop (it returns once the intent is on disk); the effects that carry a {@code ticket} run off
 * the loop and answer with an {@link Event} carrying the same ticket; the rest are quick and done on
 * the loop. An effect whose ticket is 0 answers nothing anyone waits for.
 */
sealed interface Action {
    /** Write-ahead: what the rollout is about to do (empty: nothing, it ended), durable before any effect that follows. */
    record Record(Optional<Intent> intent) implements Action {
    }

    /** Report the transition into {@code phase}; {@code ports}: the ones it concerns. */
    record Enter(Phase phase, List<Integer> ports) implements Action {
    }

    /** Start the workers of {@code slots}; {@code first}: also acquire what the generation needs (free ports, held sockets). */
    record Spawn(long ticket, List<Integer> slots, boolean first) implements Action {
    }

    record AwaitReady(long ticket, WorkerSet workers) implements Action {
    }

    /** The new set passed its checks and gets no traffic yet: the moment for first memory readings. */
    record FirstReadings(WorkerSet next) implements Action {
    }

    /** The after_start hooks switch the front to {@code weight} percent of the new set. */
    record ApplyFront(long ticket, int weight) implements Action {
    }

    record UndoFront(long ticket) implements Action {
    }

    /** One round of a watch's checks on the new set. */
    record Recheck(long ticket, String step, int weight) implements Action {
    }

    record StartTimer(long ticket, long deadline) implements Action {
    }

    /** Wait until {@code ports} have no established connection left (or drain_timeout). */
    record Drain(long ticket, List<Integer> ports) implements Action {
    }

    record StopSet(long ticket, WorkerSet set) implements Action {
    }

    /** Start the old generation again in place of {@code retired}. */
    record RestoreOld(long ticket, List<Worker> retired) implements Action {
    }

    /** The effect of {@code ticket} is no longer wanted: interrupt it if it can be. */
    record Cancel(long ticket) implements Action {
    }

    /** Hand a serving worker's exit to the supervisor (respawn with backoff). */
    record Supervise(Worker worker, Exit exit) implements Action {
    }

    /** Let the supervisor do what is due on the serving set. */
    record SuperviseDue() implements Action {
    }

    /** From now on {@code set} is the serving set, the one the supervisor keeps running. */
    record Serve(WorkerSet set) implements Action {
    }

    record Report(RolloutEvent event) implements Action {
    }

    /** The rollout ended; the serving set is the new one or the old one, by {@code outcome}. */
    record Finish(Outcome outcome) implements Action {
    }

    /** How a rollout ended, as the machine knows it (the loop adds the times). */
    sealed interface Outcome {
        record Succeeded(WorkerSet next, WorkerSet old) implements Outcome {
        }

        record Failed(State.Failure failure, WorkerSet old) implements Outcome {
        }
    }
}
