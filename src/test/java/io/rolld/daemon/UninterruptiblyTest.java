package io.rolld.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link Uninterruptibly}: what the daemon's interrupt path relies on to stop every group's workers. */
class UninterruptiblyTest {
    @Test
    void run_onAnInterruptedThread_waitsForTheStepAndKeepsTheFlag() throws Exception {
        CountDownLatch released = new CountDownLatch(1);
        Thread helper = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            released.countDown();
        });
        AtomicInteger finished = new AtomicInteger();
        Thread.currentThread().interrupt();

        Uninterruptibly.run(() -> {
            released.await(); // with the flag still set this would throw at once
            finished.incrementAndGet();
        });

        assertTrue(Thread.interrupted(), "the caller still sees it was interrupted (and the flag is cleared here)");
        assertEquals(1, finished.get(), "the step ran to its end");
        helper.join();
    }

    @Test
    void run_whenInterruptedDuringTheStep_retriesItToItsEnd() {
        AtomicInteger attempts = new AtomicInteger();

        Uninterruptibly.run(() -> {
            if (attempts.incrementAndGet() == 1) {
                throw new InterruptedException("first attempt interrupted");
            }
        });

        assertEquals(2, attempts.get());
        assertTrue(Thread.interrupted(), "the interrupt is reported to the caller");
    }

    @Test
    void run_onAThreadNotInterrupted_leavesTheFlagClear() {
        Uninterruptibly.run(() -> { });

        assertFalse(Thread.currentThread().isInterrupted());
    }
}
