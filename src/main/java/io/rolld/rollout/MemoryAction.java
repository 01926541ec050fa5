package io.rolld.rollout;

/** What rolld does about a worker over its memory limit. */
public enum MemoryAction {
    /** The group is rolled. */
    ROLLOUT,
    /** Held-socket mode: only this worker is replaced. */
    REPLACE,
    /** {@code per: child}: only this child of a worker is sent {@code memory.signal}; its master forks the next one. */
    SIGNAL,
    /** Not rolled: the group was rolled for memory less than {@code cooldown} ago. */
    SKIPPED_COOLDOWN,
    /** Not rolled: the worker was over its limit right after start, so a new one would be too. */
    MISCONFIGURED;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
