package io.rolld.rollout;

import java.time.Duration;

/**
 * The delay before respawning a worker that crashed {@code crashesInARow} times in a row:
 * {@code initial}, doubling with each further crash, capped at {@code max}.
 */
record Backoff(Duration initial, Duration max) {

    Duration delay(int crashesInARow) {
        if (crashesInARow < 1) {
            throw new IllegalArgumentException("crashesInARow must be at least 1, got " + crashesInARow);
        }
        long cap = max.toNanos();
        long nanos = Math.min(initial.toNanos(), cap);
        for (int i = 1; i < crashesInARow && nanos < cap; i++) {
            nanos = nanos > cap / 2 ? cap : nanos * 2;
        }
        return Duration.ofNanos(nanos);
    }

    /** The count after a crash: a worker that stayed up {@code resetAfter} starts a new series. */
    static int crashesInARow(int before, Duration uptime, Duration resetAfter) {
        return uptime.compareTo(resetAfter) >= 0 ? 1 : before + 1;
    }
}
