package io.rolld.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for a condition with a deadline: the only place the fixtures pause. */
public final class Polling {
    private Polling() {
    }

    /** Polls {@code condition} every {@code every} until true; false if {@code timeout} passed first. */
    public static boolean await(BooleanSupplier condition, Duration timeout, Duration every) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            pause(every);
        }
        return true;
    }

    /** Like {@link #await} but fails with {@code what} in the message. */
    public static void require(BooleanSupplier condition, Duration timeout, String what) {
        if (!await(condition, timeout, Duration.ofMillis(20))) {
            throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
        }
    }

    /** The pause between two polls of a condition (never a stand-in for the check itself). */
    static void pause(Duration every) {
        try {
            Thread.sleep(every);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while polling", e);
        }
    }
}
