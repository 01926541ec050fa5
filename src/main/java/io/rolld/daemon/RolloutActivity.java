package io.rolld.daemon;

import io.rolld.rollout.RolloutEvent;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * What status needs beyond {@link io.rolld.rollout.GroupStatus}: the transition a running rollout
 * is in, and when each group's last rollout finished. Fed with every rollout event, from the
 * groups' threads; then it runs {@code afterChange} (the state files are rewritten).
 */
final class RolloutActivity implements Consumer<RolloutEvent> {
    private final Map<String, RolloutEvent.Transition> running = new ConcurrentHashMap<>();
    private final Map<String, Instant> finishedAt = new ConcurrentHashMap<>();
    private final Runnable afterChange;

    RolloutActivity(Runnable afterChange) {
        this.afterChange = afterChange;
    }

    @Override
    public void accept(RolloutEvent event) {
        switch (event) {
            case RolloutEvent.Transition t -> running.put(t.group(), t);
            case RolloutEvent.Finished f -> {
                running.remove(f.group());
                finishedAt.put(f.group(), Instant.now());
            }
            case RolloutEvent.Started s -> {
                return;
            }
            case RolloutEvent.DrainTimedOut d -> {
                return;
            }
            case RolloutEvent.StepStarted s -> { } // status shows the step
            case RolloutEvent.WorkerStarted w -> {
                return;
            }
            case RolloutEvent.ReleaseResolved r -> { } // status shows the release
            case RolloutEvent.WorkerStopped w -> {
                return;
            }
            case RolloutEvent.HealthChanged h -> { } // status shows health: rewrite the state files
            case RolloutEvent.GroupAdopted a -> { } // status shows the adopted set
            case RolloutEvent.Reconciled r -> { } // status shows the adopted set
            case RolloutEvent.WorkerCrashed _, RolloutEvent.WorkerRespawned _, RolloutEvent.RespawnFailed _,
                 RolloutEvent.WorkerReplaced _, RolloutEvent.ReplacementFailed _,
                 RolloutEvent.MemoryExceeded _, RolloutEvent.EventCommandFailed _,
                 RolloutEvent.WorkerAdopted _, RolloutEvent.WorkerRefused _ -> {
                return;
            }
        }
        afterChange.run();
    }

    /** The latest transition of the rollout running in {@code group}, if one runs. */
    Optional<RolloutEvent.Transition> running(String group) {
        return Optional.ofNullable(running.get(group));
    }

    Optional<Instant> finishedAt(String group) {
        return Optional.ofNullable(finishedAt.get(group));
    }
}
