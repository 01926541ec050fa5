package io.rolld.rollout;

/** What rolld does about a worker that stopped answering its liveness checks or its watchdog. */
public enum LivenessAction {
    /** Workset mode: the group is rolled. */
    ROLLOUT,
    /** Held-socket mode: only this worker is replaced, its successor ready first. */
    REPLACE,
    /** Not replaced: a worker was replaced for liveness less than {@code cooldown} ago (every version may hang); the group reads degraded. */
    SKIPPED_COOLDOWN;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
