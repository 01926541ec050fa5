package io.rolld.rollout;

import java.time.Duration;

/**
 * Monotonic time for a group's loop and its timers, injected so that tests advance a fake one
 * instead of sleeping. Wall-clock time is for log timestamps only.
 */
interface Ticker {
    Ticker SYSTEM = new Ticker() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepUntil(long deadline) throws InterruptedException {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                Thread.sleep(Duration.ofNanos(left));
            }
        }
    };

    long nanoTime();

    /** Returns once {@link #nanoTime} reached {@code deadline}; an interrupt (the timer cancelled) ends it early. */
    void sleepUntil(long deadline) throws InterruptedException;
}
