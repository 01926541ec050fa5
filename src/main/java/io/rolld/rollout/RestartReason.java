package io.rolld.rollout;

/** Why rolld replaces a worker that still runs (in held-socket mode alone, in workset mode by rolling the group). */
public enum RestartReason {
    /** Its process tree grew over its memory limit. */
    MEMORY,
    /** It stopped answering its liveness checks, or its watchdog pings. */
    LIVENESS;

    /** As in logs, hooks and {@code rolld_worker_restarts_total{reason=...}}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
