package io.rolld.web;

import io.rolld.rollout.GroupStatus;
import io.rolld.rollout.Phase;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How many workers of a group are in each state, from its active set and the rollout running:
 * {@code serving}, {@code starting} (a rollout's new workers before the switch), {@code draining}
 * (the old set after it), {@code stopping} (a set being stopped), {@code down} (an active worker
 * that exited and awaits its respawn).
 */
final class WorkerStates {
    static final List<String> STATES = List.of("serving", "starting", "draining", "stopping", "down");

    private WorkerStates() {
    }

    static Map<String, Integer> count(GroupStatus group) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        STATES.forEach(s -> counts.put(s, 0));
        Phase phase = group.phase();
        for (GroupStatus.WorkerInfo w : group.workers()) {
            counts.merge(w.alive() ? old(phase) : "down", 1, Integer::sum);
        }
        group.rollout().ifPresent(r -> {
            String state = next(phase);
            if (state != null) {
                counts.merge(state, r.started(), Integer::sum);
            }
        });
        return counts;
    }

    /** The state of the active (old) set's live workers during {@code phase}. */
    private static String old(Phase phase) {
        return switch (phase) {
            case DRAINING -> "draining";
            case STOPPING -> "stopping";
            case IDLE, STARTING, CHECKING, SWITCHING, BAKING, ROLLING_BACK -> "serving";
        };
    }

    /** The state of a running rollout's new workers during {@code phase}; null before any exists. */
    private static String next(Phase phase) {
        return switch (phase) {
            case STARTING, CHECKING, SWITCHING -> "starting";
            case BAKING, DRAINING, STOPPING -> "serving";
            case ROLLING_BACK -> "stopping";
            case IDLE -> null;
        };
    }
}
