package io.rolld.rollout;

import io.rolld.process.Worker;
import io.rolld.process.WorkerSet;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The set a rollout replaces, slot by slot when it goes in batches (held-socket mode): which old
 * workers were retired early, and how to put them back if the rollout then fails, from the specs
 * the old set was started from. The old generation keeps its number; restored workers are new
 * processes of it, as a respawn would start.
 */
final class OldSet {
    private final WorkerSet set;
    private final Optional<WorkerSpecs> specs;
    private final Map<Integer, Worker> bySlot = new LinkedHashMap<>();
    private final Map<Integer, Worker> retired = new LinkedHashMap<>();

    OldSet(WorkerSet set, Optional<WorkerSpecs> specs) {
        this.set = set;
        this.specs = specs;
        for (int i = 0; i < set.workers().size(); i++) {
            int index = i;
            Worker w = set.workers().get(i);
            bySlot.put(specs.map(s -> s.slotOf(index, w)).orElse(i + 1), w);
        }
    }

    WorkerSet all() {
        return set;
    }

    /** True when batches can be used: there is an old set and what it was started from is known. */
    boolean canGoInBatches() {
        return !set.workers().isEmpty() && specs.isPresent();
    }

    /** The old workers of {@code slots} not retired yet, for {@link Progress#stopAndReport}. */
    WorkerSet retire(List<Integer> slots) {
        List<Worker> going = new ArrayList<>();
        for (int slot : slots) {
            Worker w = bySlot.get(slot);
            if (w != null && retired.putIfAbsent(slot, w) == null) {
                going.add(w);
            }
        }
        return new WorkerSet(set.generation(), going);
    }

    /** The old workers still running their slots. */
    WorkerSet remaining() {
        return new WorkerSet(set.generation(), set.workers().stream().filter(w -> !retired.containsValue(w)).toList());
    }

    boolean anyRetired() {
        return !retired.isEmpty();
    }

    Optional<WorkerSpecs> specs() {
        return specs;
    }

    /**
     * Starts the old generation again in every retired slot; returns the old set with them in
     * place of the stopped ones. A slot that cannot be started is left to the supervisor's respawn.
     */
    WorkerSet restore(Consumer<RolloutEvent> events, String group) {
        List<Worker> workers = new ArrayList<>(set.workers());
        retired.forEach((slot, stopped) -> {
            try {
                Worker w = specs.orElseThrow().spawn(slot, set.generation(), Optional.empty());
                workers.set(workers.indexOf(stopped), w);
                events.accept(new RolloutEvent.WorkerStarted(group, set.generation(), slot, w.port(), w.pid(), specs.get().heldFds()));
            } catch (IOException | RuntimeException e) {
                events.accept(new RolloutEvent.RespawnFailed(group, set.generation(), stopped.port(),
                        "cannot restore the old worker of slot " + slot + ": " + e.getMessage(), 1, 0));
            }
        });
        retired.clear();
        return new WorkerSet(set.generation(), workers);
    }
}
