package io.rolld.rollout;

import java.util.List;

/** Whether a group runs as configured; "degraded" says why, one reason per problem. */
public sealed interface Health {

    record Healthy() implements Health {
    }

    /** A port is down or crash-looping, or a worker is over its memory limit right after start. */
    record Degraded(List<String> reasons) implements Health {
        public Degraded {
            reasons = List.copyOf(reasons);
            if (reasons.isEmpty()) {
                throw new IllegalArgumentException("a degraded group needs a reason");
            }
        }
    }

    static Health of(List<String> reasons) {
        return reasons.isEmpty() ? new Healthy() : new Degraded(reasons);
    }
}
