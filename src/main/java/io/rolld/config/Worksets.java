package io.rolld.config;

import java.util.List;

/**
 * Load-balancer mode ({@code workset:}): two or more port lists; each rollout starts the next one
 * while the current one serves, round-robin.
 */
public record Worksets(List<Workset> worksets) implements GroupMode {
    public Worksets {
        worksets = List.copyOf(worksets);
    }

    /** The workset a group runs on after {@code rollouts} successful rollouts (round-robin). */
    public Workset workset(long rollouts) {
        return worksets.get((int) Math.floorMod(rollouts, worksets.size()));
    }
}
