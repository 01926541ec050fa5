package io.rolld.web;

import io.rolld.rollout.RolloutEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the event stream told about one group, as an immutable value: the rollout running now,
 * the last {@value #KEPT} finished (newest first), the last few crashes and the counters.
 */
public record GroupHistory(Optional<RolloutRecord> running, List<RolloutRecord> recent, List<Crash> crashes, Tally tally) {
    static final int KEPT = 20;
    static final int CRASHES_KEPT = 5;

    /** A worker of the active set that exited on its own, with the end of its stderr. */
    public record Crash(Instant at, int port, long pid, String exit, long uptimeMs, String stderrTail) {
    }

    public GroupHistory {
        recent = List.copyOf(recent);
        crashes = List.copyOf(crashes);
    }

    static GroupHistory empty() {
        return new GroupHistory(Optional.empty(), List.of(), List.of(), Tally.empty());
    }

    /** The next value after {@code event}; unchanged for events that add nothing here. */
    GroupHistory with(RolloutEvent event, Instant now) {
        return switch (event) {
            case RolloutEvent.Started s -> new GroupHistory(Optional.of(RolloutRecord.started(s, now)), recent, crashes, tally);
            case RolloutEvent.Transition t -> running.isEmpty() ? this
                    : new GroupHistory(running.map(r -> r.entered(t)), recent, crashes, tally);
            case RolloutEvent.WorkerStarted w -> running.isEmpty() ? this
                    : new GroupHistory(running.map(r -> r.workerStarted(w.port())), recent, crashes, tally);
            case RolloutEvent.Finished f -> finished(f, now);
            case RolloutEvent.WorkerCrashed c -> new GroupHistory(running, recent, prepend(crashes,
                    new Crash(now, c.port(), c.pid(), c.exit().toString(), c.uptimeMs(), c.stderrTail()), CRASHES_KEPT), tally);
            case RolloutEvent.WorkerRespawned _ -> new GroupHistory(running, recent, crashes, tally.restarted(Tally.CRASH, 1));
            case RolloutEvent.WorkerReplaced r -> new GroupHistory(running, recent, crashes, tally.restarted(r.reason(), 1));
            case RolloutEvent.DrainTimedOut _, RolloutEvent.StepStarted _, RolloutEvent.WorkerStopped _, RolloutEvent.RespawnFailed _,
                 RolloutEvent.ReplacementFailed _, RolloutEvent.MemoryExceeded _, RolloutEvent.WorkerUnresponsive _, RolloutEvent.HealthChanged _,
                 RolloutEvent.EventCommandFailed _, RolloutEvent.WorkerAdopted _, RolloutEvent.WorkerRefused _,
                 RolloutEvent.GroupAdopted _, RolloutEvent.Reconciled _, RolloutEvent.ReleaseResolved _, RolloutEvent.Gap _,
                 RolloutEvent.ChildOverMemory _, RolloutEvent.ChildKilled _ -> this; // children: counted by the group itself
        };
    }

    private GroupHistory finished(RolloutEvent.Finished f, Instant now) {
        RolloutRecord done = running.orElseGet(() -> RolloutRecord.started(
                new RolloutEvent.Started(f.group(), f.result().generation(), "unknown"), now)).finished(f.result(), now);
        Tally next = tally.finished(done);
        // A rollout for memory, liveness or auto_restart restarted every worker it started.
        String trigger = Trigger.label(done.trigger());
        if (done.outcome().equals("succeeded")
                && (trigger.equals(Tally.MEMORY) || trigger.equals(Tally.LIVENESS) || trigger.equals(Tally.AUTO_RESTART))) {
            next = next.restarted(trigger, done.startedPorts().size());
        }
        return new GroupHistory(Optional.empty(), prepend(recent, done, KEPT), crashes, next);
    }

    private static <T> List<T> prepend(List<T> list, T first, int keep) {
        List<T> next = new ArrayList<>(keep);
        next.add(first);
        next.addAll(list.subList(0, Math.min(list.size(), keep - 1)));
        return next;
    }
}
