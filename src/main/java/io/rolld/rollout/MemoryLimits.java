package io.rolld.rollout;

import io.rolld.config.Supervision;
import java.util.random.RandomGenerator;

/**
 * Each worker's own memory limit, drawn uniformly in {@code [minLimit, limit]} as stalin does:
 * workers that grow alike then cross their limits at different times, and one rollout for the
 * first renews them all before the others cross.
 */
final class MemoryLimits {
    private MemoryLimits() {
    }

    static long draw(Supervision.Memory memory, RandomGenerator random) {
        if (memory.minLimit() >= memory.limit()) {
            return memory.limit();
        }
        return random.nextLong(memory.minLimit(), memory.limit() + 1);
    }
}
