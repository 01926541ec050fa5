package io.rolld.rollout;

import java.time.Duration;
import java.util.Optional;

/**
 * One bake, or one canary step's pause: the new set serves (all or part of the traffic) while the
 * old set stays running, untouched; every {@code interval} the checks run, and a worker exit or an
 * operator's command ({@link Steering}) cuts the wait short. Runs on the group's thread.
 */
final class Bake {
    /** How one bake ended. */
    sealed interface Outcome {
        /** The whole duration passed with every check clean. */
        record Clean() implements Outcome {
        }

        /** {@code rolld promote} ended it early. */
        record Promoted() implements Outcome {
        }

        /** {@code rolld abort}: switch back. */
        record Aborted() implements Outcome {
        }

        /** A check failed: switch back; {@code detail} may hold a command's output or a stderr tail. */
        record Failed(String reason, String detail) implements Outcome {
        }
    }

    /** One round of checks of the new set; a failure says why. */
    @FunctionalInterface
    interface Check {
        Optional<Outcome.Failed> run() throws InterruptedException;
    }

    private final Steering steering;
    private final Steering.Clock clock;
    private final Duration interval;
    private final Check check;

    Bake(Steering steering, Duration interval, Check check) {
        this.steering = steering;
        this.clock = steering.clock();
        this.interval = interval;
        this.check = check;
    }

    /**
     * Bakes for {@code length} as {@code step} (the new set at {@code weight} percent). The checks
     * run every interval and once more at the end, so a clean bake was checked at its last instant.
     */
    Outcome run(String step, int weight, Duration length) throws InterruptedException {
        long end = clock.nanoTime() + length.toNanos();
        steering.open(step, weight, end);
        Outcome outcome;
        try {
            outcome = watch(end);
        } finally {
            Optional<Steering.Command> late = steering.close();
            if (late.isPresent() && late.get() == Steering.Command.ABORT) {
                return new Outcome.Aborted();
            }
        }
        return outcome;
    }

    private Outcome watch(long end) throws InterruptedException {
        while (true) {
            long now = clock.nanoTime();
            Optional<Steering.Command> command = now < end ? steering.await(now + interval.toNanos()) : Optional.empty();
            if (command.isPresent()) {
                return switch (command.get()) {
                    case PROMOTE -> new Outcome.Promoted();
                    case ABORT -> new Outcome.Aborted();
                };
            }
            Optional<Outcome.Failed> failed = check.run();
            if (failed.isPresent()) {
                return failed.get();
            }
            if (clock.nanoTime() >= end) {
                return new Outcome.Clean();
            }
        }
    }
}
