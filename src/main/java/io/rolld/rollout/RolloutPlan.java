package io.rolld.rollout;

import io.rolld.config.Delivery;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What one rollout will do, decided when it starts and fixed until it ends: the generations, the
 * slots it spawns (in batches, or all at once), the canary steps and bake after the switch (none
 * for a first start: there is no old set to share with), and how the old set retires.
 *
 * @param from         the generation serving when the rollout starts (0: none, a first start)
 * @param plannedPorts the ports announced as it starts, before anything is bound (none in held-socket mode)
 * @param batches      the slots spawned together; one batch unless held-socket {@code batch:} replaces slot by slot
 * @param batching     whether each batch retires the old workers of its slots before the next one starts
 */
record RolloutPlan(String group, long from, String trigger, List<Integer> plannedPorts, List<List<Integer>> batches,
                   Batching batching, List<Delivery.CanaryStep> canary, Optional<Duration> bake, Duration watchInterval,
                   Retirement retirement) {
    RolloutPlan {
        plannedPorts = List.copyOf(plannedPorts);
        batches = batches.stream().map(List::copyOf).toList();
        canary = List.copyOf(canary);
        if (batches.isEmpty()) {
            throw new IllegalArgumentException("a rollout spawns at least one batch");
        }
    }

    /** How the spawned slots take over from the old ones. */
    enum Batching {
        /** Every slot is spawned and checked, then the front switches; the old set retires at the end. */
        ALL_AT_ONCE,
        /** Held sockets: per batch, spawn, check, stop the old workers of its slots, watch; then switch. */
        BATCHES,
        /**
         * Held sockets, {@code strategy: recreate}: the old set stops first (its one batch), then every
         * slot is spawned and checked; connections wait in the held sockets' queue meanwhile.
         */
        RECREATE
    }

    /** How the old set goes once the new one serves alone. */
    enum Retirement {
        /** Load-balancer mode: the old ports' connections drain first. */
        DRAIN_THEN_STOP,
        /** Held sockets: each old worker's graceful stop is its drain. */
        STOP
    }

    long to() {
        return from + 1;
    }

    int slotCount() {
        return batches.stream().mapToInt(List::size).sum();
    }
}
