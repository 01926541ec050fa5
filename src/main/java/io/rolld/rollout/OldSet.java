package io.rolld.rollout;

import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The set a rollout replaces, as it was when the rollout started, with the specs it was started
 * from: whether it can go in batches (held-socket mode), and how to put back the old workers that
 * finished batches stopped, if the rollout then fails. The old generation keeps its number;
 * restored workers are new processes of it, as a respawn would start.
 */
final class OldSet {
    private final WorkerSet set;
    private final Optional<WorkerSpecs> specs;

    OldSet(WorkerSet set, Optional<WorkerSpecs> specs) {
        this.set = set;
        this.specs = specs;
    }

    /** True when batches can be used: there is an old set and what it was started from is known. */
    boolean canGoInBatches() {
        return !set.workers().isEmpty() && specs.isPresent();
    }

    Optional<WorkerSpecs> specs() {
        return specs;
    }

    /**
     * Starts the old generation again in the slots of {@code retired}; returns the workers in slot
     * order. A slot that cannot be started keeps its stopped worker, left to the supervisor's respawn.
     */
    List<Worker> restore(List<Worker> retired, Consumer<RolloutEvent> events, String group) {
        List<Worker> restored = new ArrayList<>();
        for (int i = 0; i < set.workers().size(); i++) {
            Worker stopped = set.workers().get(i);
            if (!retired.contains(stopped)) {
                continue;
            }
            int slot = specs.orElseThrow().slotOf(i, stopped);
            try {
                Worker w = specs.get().spawn(slot, set.generation(), Optional.empty());
                restored.add(w);
                events.accept(new RolloutEvent.WorkerStarted(group, set.generation(), slot, w.port(), w.pid(), specs.get().heldFds()));
            } catch (IOException | RuntimeException e) {
                restored.add(stopped);
                events.accept(new RolloutEvent.RespawnFailed(group, set.generation(), stopped.port(),
                        "cannot restore the old worker of slot " + slot + ": " + e.getMessage(), 1, 0));
            }
        }
        return restored;
    }
}
