package io.rolld.daemon;

/**
 * Runs a blocking step to its end even on an interrupted thread: a set interrupt flag would make
 * every wait inside it (joins, process waits) return at once, and a group shutdown that returns
 * early leaves its workers running. The flag is cleared first and set again afterwards, so the
 * caller still sees that it was interrupted.
 */
final class Uninterruptibly {
    /** A blocking step, e.g. {@code group::shutdown}. */
    interface Step {
        void run() throws InterruptedException;
    }

    private Uninterruptibly() {
    }

    static void run(Step step) {
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                try {
                    step.run();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true; // the flag is clear again: retry the step, which is idempotent
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
